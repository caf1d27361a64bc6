"""Booleans in request bodies are JSON true or false only."""

from __future__ import annotations

import pytest

from app.catalog.models import CatalogItem
from app.customers.models import Customer
from app.invoicing.models import Invoice
from tests.api.conftest import count
from tests.factories import CatalogItemFactory

NOT_BOOLEANS = ["yes", "off", 1, 0, "TRUE", "true", "", None, [], {}]
ITEM = {"name": "Labour", "kind": "labour", "rate_kind": "normal", "price": "65.50"}


def refused(response, field):
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"][field]


@pytest.mark.parametrize("value", NOT_BOOLEANS)
def test_create_customer_with_non_boolean_is_business_is_422_and_writes_nothing(dispatcher, value):
    before = count(Customer)
    response = dispatcher.post("/api/v1/customers", {"name": "Quay Ltd", "is_business": value})
    refused(response, "is_business")
    assert count(Customer) == before


def test_create_customer_with_false_is_business_stores_false(dispatcher):
    response = dispatcher.post("/api/v1/customers", {"name": "Ann Byrne", "is_business": False})
    assert response.status_code == 201
    assert response.json["is_business"] is False


def test_patch_customer_with_string_is_business_is_422_and_keeps_it(dispatcher, customer):
    before = customer.is_business
    response = dispatcher.patch(f"/api/v1/customers/{customer.id}", {"is_business": "no"})
    refused(response, "is_business")
    assert response.json["error"]["fields"]["is_business"] == ["Send true or false."]
    assert customer.is_business is before


@pytest.mark.parametrize("value", NOT_BOOLEANS)
def test_create_catalog_item_with_non_boolean_active_is_422_and_writes_nothing(books, value):
    before = count(CatalogItem)
    response = books.post("/api/v1/catalog-items", {**ITEM, "vat_rate": "23", "active": value})
    refused(response, "active")
    assert count(CatalogItem) == before


def test_patch_catalog_item_with_number_active_is_422_and_keeps_it(books):
    item = CatalogItemFactory(active=True)
    response = books.patch(f"/api/v1/catalog-items/{item.id}", {"active": 0})
    refused(response, "active")
    assert item.active is True


@pytest.mark.parametrize("value", NOT_BOOLEANS)
def test_credit_note_with_non_boolean_reissue_is_422_and_writes_nothing(
    books, posted_invoice, value
):
    before = count(Invoice)
    response = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes",
        {"reason": "Wrong price", "reissue": value},
    )
    refused(response, "reissue")
    assert count(Invoice) == before


def test_openapi_documents_body_booleans_as_boolean(client):
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]

    def body_schema(path):
        ref = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return schemas[ref["$ref"].rsplit("/", 1)[-1]]

    assert body_schema("/api/v1/customers")["properties"]["is_business"]["type"] == "boolean"
    assert body_schema("/api/v1/catalog-items")["properties"]["active"]["type"] == "boolean"
    credit = body_schema("/api/v1/invoices/{invoice_id}/credit-notes")
    assert credit["properties"]["reissue"]["type"] == "boolean"
