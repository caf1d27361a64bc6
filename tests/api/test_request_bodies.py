"""Request bodies are JSON: another content type is a 415 and JSON too deep to decode a 400,
and neither writes anything."""

from __future__ import annotations

import pytest

from app.customers.models import Customer
from tests.api.conftest import count, invoice_body


def send(api, data: str, content_type: str):
    return api.client.post(
        "/api/v1/customers", data=data, headers=api.headers({"Content-Type": content_type})
    )


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("name=Acme", "application/x-www-form-urlencoded"),
        ('{"name": "Acme"}', "text/plain"),
    ],
)
def test_a_body_that_is_not_json_is_refused_with_415(dispatcher, data, content_type):
    before = count(Customer)

    response = send(dispatcher, data, content_type)

    assert response.status_code == 415
    error = response.json["error"]
    assert error["code"] == "unsupported_media_type"
    assert "Content-Type: application/json" in error["message"]
    assert count(Customer) == before


def test_json_nested_too_deep_to_decode_is_malformed_not_a_crash(dispatcher):
    before = count(Customer)

    response = send(dispatcher, "[" * 100_000, "application/json")

    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"
    assert count(Customer) == before


def test_a_json_media_type_with_parameters_or_suffix_is_json(dispatcher):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = send(dispatcher, f'{{"name": "Acme {content_type}"}}', content_type)
        assert response.status_code == 201, response.json


def test_a_post_without_a_body_still_reports_the_missing_fields(dispatcher):
    response = dispatcher.client.post("/api/v1/customers", headers=dispatcher.headers())

    assert response.status_code == 422
    assert "name" in response.json["error"]["fields"]


def test_a_deeply_nested_body_on_an_operation_without_one_is_not_a_crash(books, customer):
    """Posting takes no body; with an Idempotency-Key its bytes are still fingerprinted."""
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json

    response = books.client.post(
        f"/api/v1/invoices/{draft['id']}/post",
        data="[" * 100_000,
        headers=books.headers({"Content-Type": "application/json", "Idempotency-Key": "k-1"}),
    )

    assert response.status_code == 200
    assert response.json["number"]


def test_an_id_no_row_can_have_is_404_whatever_the_method(books, dispatcher):
    huge = 99_999_999_999
    assert books.delete(f"/api/v1/invoices/{huge}").status_code == 404
    assert books.patch(f"/api/v1/invoices/{huge}", {"notes": "x"}).status_code == 404
    assert (
        dispatcher.patch(f"/api/v1/service-orders/{huge}", {"priority": "high"}).status_code == 404
    )
    assert books.get(f"/api/v1/invoices/{huge}").status_code == 404


def test_a_method_the_path_does_not_take_is_405(dispatcher, customer):
    assert dispatcher.delete(f"/api/v1/customers/{customer.id}").status_code == 405


def test_path_ids_are_documented_with_their_range(books):
    spec = books.get("/api/v1/openapi.json").json
    parameters = spec["paths"]["/api/v1/invoices/{invoice_id}"]["parameters"]
    assert parameters[0]["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
