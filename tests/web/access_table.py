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
    # Customer links: an unknown or revoked token is a 404, signed in or not.
    "portal.view": 404,
    "portal.pdf": 404,
}


def row(admin: int, bookkeeper: int, dispatcher: int, technician: int, anonymous: int) -> dict:
    return {
        "admin": admin,
        "bookkeeper": bookkeeper,
        "dispatcher": dispatcher,
        "technician": technician,
        "anonymous": anonymous,
    }


# fmt: off
#   endpoint                           row(admin, bookkeeper, dispatcher, technician, anonymous)
ACCESS: dict[str, dict[str, int]] = {
    "accounting.account_lines": row(403, 200, 403, 403, 302),
    "accounting.aging": row(403, 200, 403, 403, 302),
    "accounting.aging_csv": row(403, 200, 403, 403, 302),
    "accounting.apply_credit_to": row(403, 302, 403, 403, 302),
    "accounting.bulk": row(403, 302, 403, 403, 302),
    "accounting.cancel": row(403, 200, 403, 403, 302),
    "accounting.credit": row(403, 200, 403, 403, 302),
    "accounting.customer_balance": row(403, 200, 403, 403, 302),
    "accounting.entry": row(403, 200, 403, 403, 302),
    "accounting.export": row(403, 200, 403, 403, 302),
    "accounting.invoices": row(403, 200, 403, 403, 302),
    "accounting.pay": row(403, 200, 403, 403, 302),
    "accounting.payment_hint": row(403, 200, 403, 403, 302),
    "accounting.post": row(403, 200, 403, 403, 302),
    "accounting.reverse": row(403, 200, 403, 403, 302),
    "accounting.show": row(403, 200, 403, 403, 302),
    "accounting.trial_balance_csv": row(403, 200, 403, 403, 302),
    "accounting.trial_balance_page": row(403, 200, 403, 403, 302),
    "auth.login": row(302, 302, 302, 302, 200),
    "auth.logout": row(302, 302, 302, 302, 302),
    "auth.password": row(200, 200, 200, 200, 302),
    # API tokens: everyone their own; the revoke page of another's token is 404, except admin.
    "auth.revoke_token": row(200, 404, 404, 200, 302),
    "auth.tokens": row(200, 200, 200, 200, 302),
    "auth.user_edit": row(200, 403, 403, 403, 302),
    "auth.user_new": row(200, 403, 403, 403, 302),
    "auth.users": row(200, 403, 403, 403, 302),
    "catalog.edit": row(200, 200, 200, 403, 302),
    "catalog.index": row(200, 200, 200, 403, 302),
    "catalog.lookup": row(403, 200, 200, 403, 302),
    "catalog.new": row(200, 200, 200, 403, 302),
    "company.branding": row(200, 403, 403, 403, 302),
    "company.lock": row(200, 200, 403, 403, 302),
    "company.logo": row(404, 404, 404, 404, 302),
    "company.numbering": row(200, 403, 403, 403, 302),
    "company.settings": row(200, 403, 403, 403, 302),
    "customers.edit": row(200, 200, 200, 403, 302),
    "customers.index": row(200, 200, 200, 403, 302),
    "customers.lookup": row(403, 200, 200, 403, 302),
    "customers.new": row(200, 200, 200, 403, 302),
    "customers.show": row(200, 200, 200, 403, 302),
    "invoicing.copy": row(403, 302, 404, 403, 302),
    "invoicing.delete": row(403, 200, 200, 403, 302),
    "invoicing.drafts": row(403, 200, 200, 403, 302),
    "invoicing.edit": row(403, 200, 200, 403, 302),
    "invoicing.new": row(403, 200, 200, 403, 302),
    "invoicing.totals": row(403, 200, 200, 403, 302),
    "web.setup": row(404, 403, 403, 403, 302),
    "web.home": row(200, 200, 200, 200, 302),
    # Delivery (PDFs, sending) as its module decides: admin and bookkeeper; receipt PDFs exist
    # for cash payments only, outbox items by their own id.
    "delivery.bulk_send": row(403, 302, 403, 403, 302),
    "delivery.bulk_zip": row(403, 302, 403, 403, 302),
    "delivery.pdf": row(403, 200, 403, 403, 302),
    "delivery.receipt_pdf": row(403, 404, 403, 403, 302),
    "delivery.retry": row(403, 404, 403, 403, 302),
    "delivery.revoke_link": row(403, 302, 403, 403, 302),
    "delivery.send": row(403, 302, 403, 403, 302),
    # The API answers 401 to a signed-in browser: cookies never authenticate it (RELIABILITY).
    "api-catalog-items.create": row(401, 401, 401, 401, 401),
    "api-catalog-items.index": row(401, 401, 401, 401, 401),
    "api-catalog-items.patch": row(401, 401, 401, 401, 401),
    "api-catalog-items.show": row(401, 401, 401, 401, 401),
    "api-customers.create": row(401, 401, 401, 401, 401),
    "api-customers.index": row(401, 401, 401, 401, 401),
    "api-customers.patch": row(401, 401, 401, 401, 401),
    "api-customers.show": row(401, 401, 401, 401, 401),
    "api-invoices.copy": row(401, 401, 401, 401, 401),
    "api-invoices.create": row(401, 401, 401, 401, 401),
    "api-invoices.credit": row(401, 401, 401, 401, 401),
    "api-invoices.pdf": row(401, 401, 401, 401, 401),
    "api-invoices.delete": row(401, 401, 401, 401, 401),
    "api-invoices.index": row(401, 401, 401, 401, 401),
    "api-invoices.patch": row(401, 401, 401, 401, 401),
    "api-invoices.pay": row(401, 401, 401, 401, 401),
    "api-invoices.post": row(401, 401, 401, 401, 401),
    "api-invoices.show": row(401, 401, 401, 401, 401),
    "api-journal-entries.journal_index": row(401, 401, 401, 401, 401),
    "api-reports.ar_aging_report": row(401, 401, 401, 401, 401),
    "api-reports.trial_balance_report": row(401, 401, 401, 401, 401),
    "api-service-orders.cancel": row(401, 401, 401, 401, 401),
    "api-service-orders.complete": row(401, 401, 401, 401, 401),
    "api-service-orders.create": row(401, 401, 401, 401, 401),
    "api-service-orders.index": row(401, 401, 401, 401, 401),
    "api-service-orders.invoice": row(401, 401, 401, 401, 401),
    "api-service-orders.log": row(401, 401, 401, 401, 401),
    "api-service-orders.part": row(401, 401, 401, 401, 401),
    "api-service-orders.patch_part": row(401, 401, 401, 401, 401),
    "api-service-orders.delete_part": row(401, 401, 401, 401, 401),
    "api-service-orders.patch": row(401, 401, 401, 401, 401),
    "api-service-orders.reopen": row(401, 401, 401, 401, 401),
    "api-service-orders.schedule": row(401, 401, 401, 401, 401),
    "api-service-orders.show": row(401, 401, 401, 401, 401),
    "api-service-orders.start": row(401, 401, 401, 401, 401),
}
from tests.web.access_table_field import FIELD_ACCESS; ACCESS.update(FIELD_ACCESS)  # noqa: E402, E702, I001
# fmt: on
