"""Every route x every role against the checked-in table in access_table.py.

A route missing from the table fails, naming the rows to add. GET routes are fetched; POST-only
routes get an empty form (CSRF off here; tests/web/test_csrf.py covers CSRF).
"""

from __future__ import annotations

import pytest

from app.auth.models import ROLES
from tests.web.access_table import ACCESS, PUBLIC
from tests.web.access_table_field import field_url_values
from tests.web.conftest import sign_in, web_client

ROLES_AND_ANON = (*ROLES, "anonymous")
# Endpoints that act on a draft rather than on the posted invoice.
DRAFT_ENDPOINTS = {"invoicing.edit", "invoicing.delete", "accounting.post"}


def _url(app, endpoint, world, users):  # type: ignore[no-untyped-def]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {
        "invoice_id": world.draft.id if endpoint in DRAFT_ENDPOINTS else world.posted.id,
        "customer_id": world.customer.id,
        "item_id": world.item.id,
        "user_id": users["technician"].id,
        "payment_id": world.payment.id,
        "account_id": 1,
        "entry_id": world.posted.journal_entry_id,
        "section": "bank",
        "filename": "fieldpost.css",
        "order_id": 1,
        "part_id": 1,
        "token": "no-such-link-token-0000",
        "token_id": world.token.id,
    }
    values.update(field_url_values(users))  # the field pages' order, site, time entry...
    args = {name: values[name] for name in rule.arguments if name not in (rule.defaults or {})}
    with app.test_request_context():
        from flask import url_for

        method = next(m for m in ("GET", "POST", "PATCH", "DELETE") if m in rule.methods)
        return url_for(endpoint, **args), method


def test_every_route_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(ACCESS) - set(PUBLIC))
    rows = "\n".join(
        f'    "{e}": row(admin, bookkeeper, dispatcher, technician, anonymous),' for e in missing
    )
    assert not missing, (
        f"Add these rows (expected status per role) to ACCESS in tests/web/access_table.py:\n{rows}"
    )
    stale = sorted(set(ACCESS) - endpoints)
    assert not stale, f"Remove these rows from tests/web/access_table.py (no such route): {stale}"


@pytest.mark.parametrize("role", ROLES_AND_ANON)
def test_each_route_answers_role_with_expected_status(app, session, users, world, role):
    client = web_client(app)
    if role != "anonymous":
        sign_in(client, users[role])
    wrong = []
    for endpoint in sorted(ACCESS):
        expected = ACCESS[endpoint][role]
        url, method = _url(app, endpoint, world, users)
        response = client.open(url, method=method)
        response.close()
        if response.status_code != expected:
            wrong.append(
                f"{endpoint} {method} {url}: expected {expected}, got {response.status_code}"
            )
        if endpoint == "auth.logout" and role != "anonymous":
            sign_in(client, users[role])
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


def test_public_routes_answer_without_sign_in(app, session, world, users):
    client = web_client(app)
    for endpoint, expected in PUBLIC.items():
        url, method = _url(app, endpoint, world, users)
        response = client.open(url, method=method)
        response.close()
        assert response.status_code == expected, endpoint


@pytest.mark.parametrize("path", ["/invoices/99999999999999999999999", "/customers/2147483648"])
def test_huge_id_in_url_is_404_not_500(as_role, path):
    assert as_role("bookkeeper").get(path).status_code == 404
