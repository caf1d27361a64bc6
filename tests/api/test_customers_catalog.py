"""Customers and catalog items over the API: create, list, read, change, refusals."""

from __future__ import annotations

import pytest

from app.catalog.models import CatalogItem
from app.company.services import update_settings
from app.customers.models import Customer
from tests.api.conftest import count
from tests.factories import CatalogItemFactory, CustomerFactory

CUSTOMER = {
    "name": "Harbour Dental",
    "email": "accounts@harbour.example",
    "vat_id": "IE8256796U",
    "address": {"street": "2 Quay St", "city": "Galway", "postal_code": "H91", "country": "ie"},
    "payment_terms_days": 30,
}


def test_create_customer_returns_it_with_nested_address(dispatcher):
    response = dispatcher.post("/api/v1/customers", CUSTOMER)
    assert response.status_code == 201
    body = response.json
    assert body["name"] == "Harbour Dental"
    assert body["address"] == {
        "street": "2 Quay St",
        "city": "Galway",
        "postal_code": "H91",
        "country": "IE",
    }
    assert body["payment_terms_days"] == 30


def test_create_customer_with_invalid_vat_id_names_the_field(dispatcher):
    before = count(Customer)
    response = dispatcher.post("/api/v1/customers", {**CUSTOMER, "vat_id": "IE123"})
    assert response.status_code == 422
    assert "vat_id" in response.json["error"]["fields"]
    assert count(Customer) == before


def test_create_customer_with_unknown_field_is_refused(dispatcher):
    before = count(Customer)
    response = dispatcher.post("/api/v1/customers", {**CUSTOMER, "id": 5})
    assert response.status_code == 422
    assert response.json["error"]["fields"]["id"] == ["Unknown field."]
    assert count(Customer) == before


def test_create_customer_with_wrong_type_names_the_field(dispatcher):
    response = dispatcher.post("/api/v1/customers", {**CUSTOMER, "payment_terms_days": "30 days"})
    assert response.status_code == 422
    assert "payment_terms_days" in response.json["error"]["fields"]


def test_create_customer_with_malformed_json_is_400(dispatcher):
    response = dispatcher.client.post(
        "/api/v1/customers",
        data='{"name": ',
        headers=dispatcher.headers({"Content-Type": "application/json"}),
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"


def test_create_customer_with_a_json_array_body_is_422(dispatcher):
    response = dispatcher.post("/api/v1/customers", [CUSTOMER])
    assert response.status_code == 422


def test_create_customer_with_nul_character_is_422(dispatcher):
    response = dispatcher.post("/api/v1/customers", {**CUSTOMER, "name": "A\x00B"})
    assert response.status_code == 422
    assert "name" in response.json["error"]["fields"]


def test_technician_cannot_list_customers(technician):
    assert technician.get("/api/v1/customers").status_code == 403


def test_list_customers_searches_and_paginates(dispatcher):
    for index in range(3):
        CustomerFactory(name=f"Zebra Plumbing {index}")
    CustomerFactory(name="Other Co")
    response = dispatcher.get("/api/v1/customers?q=zebra&per_page=2&page=2&sort=-name")
    assert response.status_code == 200
    body = response.json
    assert (body["total"], body["page"], body["per_page"], body["pages"]) == (3, 2, 2, 2)
    assert [item["name"] for item in body["items"]] == ["Zebra Plumbing 0"]


def test_list_customers_over_200_per_page_is_refused(dispatcher):
    response = dispatcher.get("/api/v1/customers?per_page=201")
    assert response.status_code == 422
    assert "per_page" in response.json["error"]["fields"]


def test_get_customer_reads_it(dispatcher, customer):
    response = dispatcher.get(f"/api/v1/customers/{customer.id}")
    assert response.status_code == 200
    assert response.json["id"] == customer.id


def test_get_missing_customer_is_404(dispatcher):
    response = dispatcher.get("/api/v1/customers/999999")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_patch_customer_changes_only_given_fields(dispatcher, customer):
    response = dispatcher.patch(
        f"/api/v1/customers/{customer.id}", {"address": {"city": "Limerick"}}
    )
    assert response.status_code == 200
    assert response.json["address"]["city"] == "Limerick"
    assert response.json["name"] == customer.name


def test_create_catalog_item_with_decimal_string_price(dispatcher):
    response = dispatcher.post(
        "/api/v1/catalog-items",
        {
            "name": "Labour",
            "kind": "labour",
            "rate_kind": "normal",
            "price": "65.50",
            "vat_rate": "13.5",
            "unit": "h",
        },
    )
    assert response.status_code == 201
    assert response.json["price"] == "65.50"
    assert response.json["vat_rate"] == "13.50"


def test_create_catalog_item_with_json_number_price_is_422_naming_price(dispatcher):
    before = count(CatalogItem)
    response = dispatcher.post(
        "/api/v1/catalog-items", {"name": "Valve", "kind": "part", "price": 9.99, "vat_rate": "23"}
    )
    assert response.status_code == 422
    assert "price" in response.json["error"]["fields"]
    assert count(CatalogItem) == before


def test_create_catalog_item_with_three_decimal_price_is_422(dispatcher):
    response = dispatcher.post(
        "/api/v1/catalog-items",
        {"name": "Valve", "kind": "part", "price": "9.999", "vat_rate": "23"},
    )
    assert response.status_code == 422
    assert "price" in response.json["error"]["fields"]


def test_technician_reads_catalog_without_prices(technician):
    item = CatalogItemFactory(name="Thermostat")
    listed = technician.get("/api/v1/catalog-items?q=thermostat")
    shown = technician.get(f"/api/v1/catalog-items/{item.id}")
    assert listed.status_code == shown.status_code == 200
    assert listed.json["items"][0]["name"] == "Thermostat"
    assert "price" not in listed.json["items"][0]
    assert "price" not in shown.json


def test_technician_cannot_create_catalog_items(technician):
    response = technician.post(
        "/api/v1/catalog-items", {"name": "X", "kind": "part", "price": "1.00", "vat_rate": "23"}
    )
    assert response.status_code == 403


def test_patch_catalog_item_changes_price(books):
    item = CatalogItemFactory()
    response = books.patch(f"/api/v1/catalog-items/{item.id}", {"price": "12.40"})
    assert response.status_code == 200
    assert response.json["price"] == "12.40"


def test_patch_catalog_item_price_above_the_invoice_cap_is_422_naming_price(books):
    item = CatalogItemFactory(price="12.40")
    response = books.patch(f"/api/v1/catalog-items/{item.id}", {"price": "1000000000.00"})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"price": ["A price can be at most 999,999,999.99."]}
    assert books.get(f"/api/v1/catalog-items/{item.id}").json["price"] == "12.40"


def test_get_missing_catalog_item_is_404(books):
    assert books.get("/api/v1/catalog-items/424242").status_code == 404


# ---- search, sort and strict values (API audit) --------------------------------------


ITEM = {"name": "Washer", "kind": "part", "price": "1.00", "vat_rate": "23"}


def test_list_customers_search_takes_like_wildcards_literally(dispatcher):
    CustomerFactory(name="Ardent Ltd")
    CustomerFactory(name="A%d Partners")
    percent = dispatcher.get("/api/v1/customers?q=A%25d")
    underscore = dispatcher.get("/api/v1/customers?q=A_d")
    assert [c["name"] for c in percent.json["items"]] == ["A%d Partners"]
    assert underscore.json["total"] == 0


def test_list_catalog_search_takes_like_wildcards_literally(books):
    CatalogItemFactory(name="Valve 50%")
    CatalogItemFactory(name="Valve 500")
    response = books.get("/api/v1/catalog-items?q=50%25")
    assert [i["name"] for i in response.json["items"]] == ["Valve 50%"]
    assert books.get("/api/v1/catalog-items?q=valve_").json["total"] == 0


def test_list_catalog_sorts_by_name_descending(books):
    for name in ("Beta", "Alpha", "Gamma"):
        CatalogItemFactory(name=name)
    response = books.get("/api/v1/catalog-items?sort=-name")
    assert response.status_code == 200
    assert [i["name"] for i in response.json["items"]] == ["Gamma", "Beta", "Alpha"]


def test_list_catalog_with_unknown_sort_is_422_naming_sort(books):
    response = books.get("/api/v1/catalog-items?sort=bogus")
    assert response.status_code == 422
    assert "sort" in response.json["error"]["fields"]


def test_technician_cannot_sort_catalog_by_price(technician):
    response = technician.get("/api/v1/catalog-items?sort=price")
    assert response.status_code == 422
    assert "sort" in response.json["error"]["fields"]


def test_patch_customer_with_fractional_terms_is_422_and_keeps_terms(dispatcher):
    customer = CustomerFactory(payment_terms_days=14)
    response = dispatcher.patch(f"/api/v1/customers/{customer.id}", {"payment_terms_days": 30.5})
    assert response.status_code == 422
    assert "payment_terms_days" in response.json["error"]["fields"]
    assert dispatcher.get(f"/api/v1/customers/{customer.id}").json["payment_terms_days"] == 14


def test_patch_labour_to_part_keeping_its_rate_kind_is_422(dispatcher):
    item = CatalogItemFactory(kind="labour", rate_kind="normal", unit="h")
    response = dispatcher.patch(f"/api/v1/catalog-items/{item.id}", {"kind": "part"})
    assert response.status_code == 422
    assert "rate_kind" in response.json["error"]["fields"]
    cleared = dispatcher.patch(
        f"/api/v1/catalog-items/{item.id}", {"kind": "part", "rate_kind": None}
    )
    assert cleared.status_code == 200
    assert (cleared.json["kind"], cleared.json["rate_kind"]) == ("part", None)


def test_create_item_in_the_company_currency(dispatcher):
    response = dispatcher.post("/api/v1/catalog-items", {**ITEM, "currency": "EUR"})
    assert response.status_code == 201
    assert response.json["currency"] == "EUR"


def test_item_without_currency_is_in_the_books_currency(dispatcher):
    update_settings(None, currency="GBP")
    response = dispatcher.post("/api/v1/catalog-items", ITEM)
    assert response.status_code == 201
    assert response.json["currency"] == "GBP"
    refused = dispatcher.post("/api/v1/catalog-items", {**ITEM, "currency": "EUR"})
    assert refused.json["error"]["fields"] == {
        "currency": ["The books are kept in GBP and cannot carry EUR; use GBP."]
    }


def test_patch_item_to_an_unlisted_currency_is_422(books):
    item = CatalogItemFactory()
    response = books.patch(f"/api/v1/catalog-items/{item.id}", {"currency": "usd"})
    assert response.status_code == 422
    assert "currency" in response.json["error"]["fields"]


def _with_country(country: str) -> dict:
    return {**CUSTOMER, "address": {**CUSTOMER["address"], "country": country}}


REFUSED_CREATIONS = [
    *[
        ("/api/v1/customers", Customer, {**CUSTOMER, "payment_terms_days": t}, "payment_terms_days")
        for t in ("30", 30.5, -1, 366, True)
    ],
    *[
        ("/api/v1/customers", Customer, _with_country(c), "address.country")
        for c in ("ZZ", "XK", "EU", "QQ")
    ],
    ("/api/v1/catalog-items", CatalogItem, {**ITEM, "rate_kind": "overtime"}, "rate_kind"),
    *[
        ("/api/v1/catalog-items", CatalogItem, {**ITEM, "currency": c}, "currency")
        for c in ("XYZ", "usd", "eur", "GBP")
    ],
]


@pytest.mark.parametrize(("path", "model", "body", "field"), REFUSED_CREATIONS)
def test_refused_creation_is_422_naming_the_field_and_writes_nothing(
    dispatcher, path, model, body, field
):
    before = count(model)
    response = dispatcher.post(path, body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert count(model) == before
