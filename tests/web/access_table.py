"""Expected HTTP status per (endpoint, role). Every route must be listed (test_access.py).

302 for anonymous users is the redirect to the sign-in page; 403 is a signed-in user whose role
has no access; 404 an object out of the role's reach. Other helpers add their endpoints here.
"""

# Routes anyone may open without signing in, with the status they answer.
PUBLIC = {
    "static": 200,
    "web.health": 200,
    "company.brand_css": 200,
    "api-docs.openapi_json": 200,
    "api_docs.docs_page": 200,
    # A customer link with a token that was never issued (or was revoked/tampered) is a 404.
    "portal.view": 404,
    "portal.pdf": 404,
}

# fmt: off
# Columns: admin, bookkeeper, dispatcher, technician, anonymous.
ACCESS: dict[str, dict[str, int]] = {
    "delivery.bulk_send": {"admin": 403, "bookkeeper": 302, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "delivery.bulk_zip": {"admin": 403, "bookkeeper": 302, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "delivery.pdf": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "delivery.receipt_pdf": {"admin": 403, "bookkeeper": 404, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "delivery.retry": {"admin": 403, "bookkeeper": 404, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "delivery.revoke_link": {"admin": 403, "bookkeeper": 302, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "delivery.send": {"admin": 403, "bookkeeper": 302, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.account_lines": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.aging": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.aging_csv": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.apply_credit_to": {"admin": 403, "bookkeeper": 302, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.bulk": {"admin": 403, "bookkeeper": 302, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.cancel": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.credit": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.customer_balance": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.entry": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.export": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.invoices": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.pay": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.payment_hint": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.post": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.reverse": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.show": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.trial_balance_csv": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "accounting.trial_balance_page": {"admin": 403, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "auth.login": {"admin": 302, "bookkeeper": 302, "dispatcher": 302, "technician": 302, "anonymous": 200},
    "auth.logout": {"admin": 302, "bookkeeper": 302, "dispatcher": 302, "technician": 302, "anonymous": 302},
    "auth.password": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 200, "anonymous": 302},
    "auth.user_edit": {"admin": 200, "bookkeeper": 403, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "auth.user_new": {"admin": 200, "bookkeeper": 403, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "auth.users": {"admin": 200, "bookkeeper": 403, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "catalog.edit": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "catalog.index": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "catalog.lookup": {"admin": 403, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "catalog.new": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "company.branding": {"admin": 200, "bookkeeper": 403, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "company.lock": {"admin": 200, "bookkeeper": 200, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "company.logo": {"admin": 404, "bookkeeper": 404, "dispatcher": 404, "technician": 404, "anonymous": 302},
    "company.numbering": {"admin": 200, "bookkeeper": 403, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "company.settings": {"admin": 200, "bookkeeper": 403, "dispatcher": 403, "technician": 403, "anonymous": 302},
    "customers.edit": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "customers.index": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "customers.lookup": {"admin": 403, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "customers.new": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "customers.show": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "invoicing.copy": {"admin": 403, "bookkeeper": 302, "dispatcher": 404, "technician": 403, "anonymous": 302},
    "invoicing.delete": {"admin": 403, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "invoicing.drafts": {"admin": 403, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "invoicing.edit": {"admin": 403, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "invoicing.new": {"admin": 403, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "invoicing.totals": {"admin": 403, "bookkeeper": 200, "dispatcher": 200, "technician": 403, "anonymous": 302},
    "web.home": {"admin": 200, "bookkeeper": 200, "dispatcher": 200, "technician": 200, "anonymous": 302},
}
# fmt: on

# The API answers 401 to a signed-in browser: a cookie never authenticates it (RELIABILITY).
API_ENDPOINTS = (
    "api-catalog-items.create",
    "api-catalog-items.index",
    "api-catalog-items.patch",
    "api-catalog-items.show",
    "api-customers.create",
    "api-customers.index",
    "api-customers.patch",
    "api-customers.show",
    "api-invoices.copy",
    "api-invoices.create",
    "api-invoices.credit",
    "api-invoices.delete",
    "api-invoices.index",
    "api-invoices.patch",
    "api-invoices.pay",
    "api-invoices.pdf",
    "api-invoices.post",
    "api-invoices.show",
    "api-journal-entries.journal_index",
    "api-reports.ar_aging_report",
    "api-reports.trial_balance_report",
    "api-service-orders.cancel",
    "api-service-orders.complete",
    "api-service-orders.create",
    "api-service-orders.index",
    "api-service-orders.invoice",
    "api-service-orders.log",
    "api-service-orders.part",
    "api-service-orders.patch",
    "api-service-orders.reopen",
    "api-service-orders.schedule",
    "api-service-orders.show",
    "api-service-orders.start",
)
ACCESS.update(
    {
        endpoint: dict.fromkeys(
            ("admin", "bookkeeper", "dispatcher", "technician", "anonymous"), 401
        )
        for endpoint in API_ENDPOINTS
    }
)
