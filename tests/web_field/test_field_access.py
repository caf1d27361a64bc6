"""Every field route x every role against FIELD_ACCESS, on an order assigned to the
technician (the same world tests/web/test_access.py uses for these rows)."""

from __future__ import annotations

import pytest
from flask import url_for

from app.auth.models import ROLES
from tests.web.access_table_field import FIELD_ACCESS, field_url_values
from tests.web.conftest import sign_in, users, web_client  # noqa: F401

ROLES_AND_ANON = (*ROLES, "anonymous")
PREFIXES = ("service_orders.", "sites.", "catalog_import.")


def _url(app, endpoint, values):  # type: ignore[no-untyped-def]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    args = {name: values[name] for name in rule.arguments if name not in (rule.defaults or {})}
    with app.test_request_context():
        return url_for(endpoint, **args), ("GET" if "GET" in rule.methods else "POST")


def test_every_field_route_is_in_the_field_access_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith(PREFIXES)}
    assert sorted(endpoints - set(FIELD_ACCESS)) == []
    assert sorted(set(FIELD_ACCESS) - endpoints) == []


@pytest.mark.parametrize("role", ROLES_AND_ANON)
def test_each_field_route_answers_role_with_expected_status(app, session, users, role):  # noqa: F811
    values = field_url_values(users)
    client = web_client(app)
    if role != "anonymous":
        sign_in(client, users[role])
    wrong = []
    for endpoint in sorted(FIELD_ACCESS):
        url, method = _url(app, endpoint, values)
        response = client.open(url, method=method)
        response.close()
        if response.status_code != FIELD_ACCESS[endpoint][role]:
            wrong.append(f'"{endpoint}" {method} {url}: got {response.status_code}')
    assert not wrong, f"{role}:\n" + "\n".join(wrong)


JUNK = {
    name: value
    for name in (
        "customer_id",
        "site_id",
        "contact_id",
        "call_out_item_id",
        "description",
        "priority",
        "start",
        "end",
        "technician_ids",
        "duration",
        "work_date",
        "rate_kind",
        "client_id",
        "catalog_item_id",
        "quantity",
        "key",
        "seen",
        "delta",
        "report",
        "signature",
        "signer_name",
        "unit_price",
        "vat_rate",
        "order_ids",
        "reason",
        "name",
        "email",
        "country",
        "active",
        "csv_text",
        "confirm",
        "note",
        "next",
        "part_q",
        "reload",
    )
    for value in ["\u00a0'; DROP TABLE x;--\u202e" + "9" * 30]
}


@pytest.mark.parametrize("role", ["dispatcher", "technician"])
def test_junk_in_every_field_form_never_answers_5xx(app, session, users, role):  # noqa: F811
    values = field_url_values(users)
    client = sign_in(web_client(app), users[role])
    failures = []
    for endpoint in sorted(FIELD_ACCESS):
        url, _method = _url(app, endpoint, values)
        for method in ("GET", "POST"):
            response = client.open(
                url,
                method=method,
                data=JUNK if method == "POST" else None,
                query_string=JUNK if method == "GET" else None,
            )
            response.close()
            if response.status_code >= 500:
                failures.append(f"{method} {url}: {response.status_code}")
    assert not failures
