"""The OpenAPI document validates, and schemathesis finds no 5xx and no schema violation.

Every operation gets FUZZ_EXAMPLES generated requests (derandomized, straight through the WSGI
app, inside the test's rolled-back transaction), half of them aimed at existing objects.
"""

from __future__ import annotations

import contextlib
import os

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import invoice_body

FUZZ_EXAMPLES = int(os.environ.get("FIELDPOST_FUZZ_EXAMPLES", "100"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(app, session):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_openapi_document_is_valid(api_schema):
    api_schema.validate()


def test_openapi_document_lists_every_contract_operation(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/customers",
        "/api/v1/customers/{customer_id}",
        "/api/v1/catalog-items/{item_id}",
        "/api/v1/invoices/{invoice_id}/payments",
        "/api/v1/invoices/{invoice_id}/credit-notes",
        "/api/v1/journal-entries",
        "/api/v1/reports/trial-balance",
        "/api/v1/reports/ar-aging",
        "/api/v1/service-orders/{order_id}/time-entries",
        "/api/v1/service-orders/{order_id}/parts",
        "/api/v1/service-orders/invoice",
    ):
        assert path in paths


def test_docs_page_is_served_without_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"<script src=" in response.data
    assert b"<script>" not in response.data


def test_schemathesis_finds_no_server_error_or_schema_violation(
    api_schema, books, dispatcher, customer
):
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    posted = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    books.post(f"/api/v1/invoices/{posted['id']}/post")
    item = books.post(
        "/api/v1/catalog-items",
        {"name": "Valve", "kind": "part", "price": "5.00", "vat_rate": "23"},
    ).json
    order = dispatcher.post(
        "/api/v1/service-orders", {"customer_id": customer.id, "description": "Boiler"}
    ).json
    known = {
        "order_id": [order["id"]],
        "customer_id": [customer.id],
        "invoice_id": [draft["id"], posted["id"]],
        "item_id": [item["id"]],
    }
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        # Each operation is fuzzed as the role that may call it, so requests reach the
        # handler instead of stopping at a 403.
        caller = dispatcher if "/service-orders" in operation.path else books
        headers = {"Authorization": f"Bearer {caller.token}"}
        names = {p.name for p in operation.path_parameters}
        strategies = [
            operation.as_strategy(),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        ]
        for name in names & set(known):
            strategies += [
                operation.as_strategy(path_parameters={name: value}) for value in known[name]
            ]

        fuzz(operation.label, strategies, headers, failures)
    assert failures == []


def fuzz(label: str, strategies: list, headers: dict, failures: list[str]) -> None:
    """Run FUZZ_EXAMPLES generated requests of one operation; record what fails."""

    @settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(case=st.one_of(strategies))
    def run(case):  # type: ignore[no-untyped-def]
        try:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)
        except Exception as error:
            failures.append(f"{label}: {str(error)[:600]}")
            raise

    with contextlib.suppress(Exception):  # each failure is recorded in `failures`
        run()
