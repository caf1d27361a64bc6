"""Invoice input over the API: caps, currency, discounts and decimal strings are refused with
422 naming the field or line and write nothing; copy takes no fields; PATCH keeps what it is
not given; a draft made from service orders keeps its customer (409)."""

from __future__ import annotations

import re

import pytest

from app.invoicing.models import Invoice, InvoiceLine
from app.service_orders.invoicing import invoice_order
from tests.api.conftest import count, invoice_body
from tests.factories import line
from tests.service_orders.conftest import World


def refused(api, body, field):
    """POST /invoices is a 422 naming `field` and writes nothing; the error body."""
    before = (count(Invoice), count(InvoiceLine))
    response = api.post("/api/v1/invoices", body)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert field in error["fields"], error
    assert (count(Invoice), count(InvoiceLine)) == before
    return error


def test_line_over_the_cap_names_the_line(dispatcher, customer):
    body = invoice_body(customer.id)
    body["lines"][1] |= {"quantity": "1000000", "unit_price": "100000000"}
    refused(dispatcher, body, "lines[1].unit_price")


def test_500_lines_over_the_cap_are_422_not_500(dispatcher, customer):
    big = line(quantity="1000000", unit_price="100000000")
    refused(
        dispatcher,
        invoice_body(customer.id, lines=[dict(big) for _ in range(500)]),
        "lines[0].unit_price",
    )


def test_document_over_the_cap_names_lines(dispatcher, customer):
    each = line(quantity="999999999", unit_price="1000.00", vat_rate="0")
    error = refused(dispatcher, invoice_body(customer.id, lines=[each, dict(each)]), "lines")
    assert list(error["fields"]) == ["lines"]


def test_quantity_with_ten_digits_says_how_many_digits(dispatcher, customer):
    body = invoice_body(customer.id)
    body["lines"][0]["quantity"] = "1000000000"
    error = refused(dispatcher, body, "lines[0].quantity")
    assert error["fields"]["lines[0].quantity"] == ["A quantity can be at most 999,999,999.999."]


def test_largest_quantity_and_price_the_patterns_allow_are_accepted(books, customer):
    lines = [
        line(quantity="999999999.999", unit_price="1.00", vat_rate="0"),
        line(quantity="1", unit_price="999999999.99", vat_rate="0"),
    ]
    response = books.post("/api/v1/invoices", invoice_body(customer.id, lines=lines))
    assert response.status_code == 201, response.json
    assert response.json["totals"]["gross"] == "1999999999.99"


@pytest.mark.parametrize("currency", ["XYZ", "USD", "usd", "eur"])
def test_currency_other_than_the_books_is_refused(books, customer, currency):
    error = refused(books, invoice_body(customer.id, currency=currency), "currency")
    assert list(error["fields"]) == ["currency"]


def test_discount_value_without_kind_is_refused(dispatcher, customer):
    refused(dispatcher, invoice_body(customer.id, discount_value="5.00"), "discount_kind")


def test_discount_kind_without_value_is_refused(dispatcher, customer):
    refused(dispatcher, invoice_body(customer.id, discount_kind="amount"), "discount_value")


def test_fixed_discount_above_the_subtotal_is_refused_not_capped(dispatcher, customer):
    body = invoice_body(customer.id, discount_kind="amount", discount_value="500.00")
    refused(dispatcher, body, "discount_value")  # the subtotal is 110.00


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("\uff11\uff12", 'Write the number with the digits 0-9 and one dot, such as "123.45".'),
        ("+5", 'Write the number with the digits 0-9 and one dot, such as "123.45".'),
        (" 5", 'Write the number with the digits 0-9 and one dot, such as "123.45".'),
        ("-5", "Enter a number of 0 or more; negative numbers are refused."),
        ("5.001", "Enter at most 2 decimals."),
    ],
)
def test_unit_price_not_in_the_pattern_says_why(dispatcher, customer, value, reason):
    body = invoice_body(customer.id)
    body["lines"][0]["unit_price"] = value
    error = refused(dispatcher, body, "lines[0].unit_price")
    assert error["fields"]["lines[0].unit_price"] == [reason]


def test_vat_rate_above_100_says_the_range(dispatcher, customer):
    body = invoice_body(customer.id)
    body["lines"][0]["vat_rate"] = "100.01"
    error = refused(dispatcher, body, "lines[0].vat_rate")
    assert error["fields"]["lines[0].vat_rate"] == [
        'Enter a percentage from 0 to 100, such as "23" or "13.5".'
    ]


def _pattern(client, schema, prop):
    spec = client.get("/api/v1/openapi.json").json
    return spec["components"]["schemas"][schema]["properties"][prop]["pattern"]


@pytest.mark.parametrize(
    ("prop", "accepted", "refused_"),
    [
        ("quantity", ["999999999.999", "0.5"], ["-1", "1000000000", "1.0001", "\uff11"]),
        ("unit_price", ["999999999.99", "0"], ["-1", "1000000000", "999999999999.99"]),
        ("vat_rate", ["100", "100.00", "13.5", "0"], ["100.01", "101", "-1", "1.234"]),
    ],
)
def test_line_patterns_state_what_is_accepted(client, prop, accepted, refused_):
    pattern = re.compile(_pattern(client, "LineIn", prop))
    assert all(pattern.search(text) for text in accepted)
    assert not any(pattern.search(text) for text in refused_)


def test_copy_with_an_unknown_field_is_422_and_writes_nothing(books, posted_invoice):
    before = count(Invoice)
    response = books.post(f"/api/v1/invoices/{posted_invoice['id']}/copy", {"foo": 1})
    assert response.status_code == 422
    assert "foo" in response.json["error"]["fields"]
    assert count(Invoice) == before


def test_copy_with_an_empty_body_or_none_creates_a_draft(books, posted_invoice):
    url = f"/api/v1/invoices/{posted_invoice['id']}/copy"
    assert books.post(url, {}).status_code == 201
    assert books.client.post(url, headers=books.headers()).status_code == 201


def test_patch_without_lines_keeps_lines_and_their_ids(dispatcher, customer):
    draft = dispatcher.post("/api/v1/invoices", invoice_body(customer.id)).json
    dispatcher.post("/api/v1/invoices", invoice_body(customer.id))  # ids are not reused
    response = dispatcher.patch(f"/api/v1/invoices/{draft['id']}", {"notes": "x"})
    assert response.status_code == 200
    assert response.json["lines"] == draft["lines"]
    assert response.json["notes"] == "x"


@pytest.fixture
def order_draft(session):
    """A draft made by invoicing a done service order of `world.customer`."""
    world = World()
    order = world.done(60)
    return world, invoice_order(world.dispatcher, order.id)


def test_patch_customer_of_a_draft_from_orders_is_409(dispatcher, order_draft):
    world, draft = order_draft
    response = dispatcher.patch(
        f"/api/v1/invoices/{draft.id}", {"customer_id": world.other_customer.id}
    )
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "made_from_orders"
    assert "release its orders" in error["fields"]["customer_id"][0]
    assert dispatcher.get(f"/api/v1/invoices/{draft.id}").json["customer_id"] == world.customer.id


def test_patch_draft_from_orders_with_its_own_customer_is_fine(dispatcher, order_draft):
    world, draft = order_draft
    response = dispatcher.patch(
        f"/api/v1/invoices/{draft.id}", {"customer_id": world.customer.id, "notes": "Checked"}
    )
    assert response.status_code == 200, response.json
