"""Draft input the books cannot carry is refused with the real reason and writes nothing:
caps on quantities, prices and totals, the currency, discounts, digits; header-only changes
keep the lines; a draft made from service orders keeps its customer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.errors import ValidationFailed
from app.invoicing.services import MadeFromOrders, create_draft, update_draft
from tests.factories import CustomerFactory, line
from tests.invoicing.test_drafts import row_counts


def refused(session, **draft):
    """The field errors of a refused create_draft, after checking nothing was written."""
    draft.setdefault("customer_id", CustomerFactory().id)
    before = row_counts(session)
    with pytest.raises(ValidationFailed) as caught:
        create_draft(None, **draft)
    assert row_counts(session) == before
    return caught.value.fields


# ---- caps ------------------------------------------------------------------------------


def discounted_draft(kind: str, value: str, **line_values):
    return create_draft(
        None,
        customer_id=CustomerFactory().id,
        lines=[line(**line_values)],
        discount_kind=kind,
        discount_value=value,
    )


def test_create_draft_quantity_at_the_cap_accepted(session):
    draft = create_draft(
        None,
        customer_id=CustomerFactory().id,
        lines=[line(quantity="999999999.999", unit_price="1.00", vat_rate="0")],
    )
    assert draft.gross_total == Decimal("1000000000.00")


def test_create_draft_quantity_above_the_cap_says_the_cap_not_above_zero(session):
    fields = refused(session, lines=[line(quantity="1000000000", unit_price="1.00")])
    assert fields["lines[0].quantity"] == ["Quantity can be at most 999,999,999.999."]


def test_create_draft_unit_price_above_the_cap_names_the_line(session):
    fields = refused(session, lines=[line(), line(unit_price="1000000000.00")])
    assert fields["lines[1].unit_price"] == ["Unit price can be at most 999,999,999.99."]


def test_create_draft_line_net_above_the_cap_names_the_line(session):
    # 1,000,000 x 100,000,000 = 1e14: each factor within its cap, the line not.
    fields = refused(session, lines=[line(quantity="1000000", unit_price="100000000")])
    assert list(fields) == ["lines[0].unit_price"]
    assert "a line can be at most 999,999,999,999.99" in fields["lines[0].unit_price"][0]


def test_create_draft_500_lines_over_the_cap_refused_not_overflowing(session):
    big = line(quantity="1000000", unit_price="100000000")
    fields = refused(session, lines=[dict(big) for _ in range(500)])
    assert "lines[499].unit_price" in fields


def test_create_draft_subtotal_above_the_cap_names_lines(session):
    each = line(quantity="999999999", unit_price="1000.00", vat_rate="0")  # 999,999,999,000.00
    fields = refused(session, lines=[each, dict(each)])
    assert list(fields) == ["lines"]
    assert "a document can be at most 999,999,999,999.99" in fields["lines"][0]


def test_create_draft_gross_above_the_cap_through_vat_names_lines(session):
    # Net 899,999,999,991.00 fits; with 23 % VAT the gross does not.
    fields = refused(
        session, lines=[line(quantity="900", unit_price="999999999.99", vat_rate="23")]
    )
    assert list(fields) == ["lines"]


def test_create_draft_zero_quantity_says_above_zero(session):
    fields = refused(session, lines=[line(quantity="0")])
    assert fields["lines[0].quantity"] == ["Enter a quantity above 0."]


# ---- currency --------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["XYZ", "USD"])
def test_create_draft_currency_the_books_cannot_carry_refused(session, currency):
    fields = refused(session, lines=[line()], currency=currency)
    assert fields["currency"] == [
        f"The books are kept in EUR and cannot carry {currency}; use EUR."
    ]


@pytest.mark.parametrize("currency", ["eur", "usd", " EUR", "EU1", 978])
def test_create_draft_currency_not_in_capitals_refused_not_changed(session, currency):
    fields = refused(session, lines=[line()], currency=currency)
    assert list(fields) == ["currency"]


def test_create_draft_in_the_company_currency_accepted(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()], currency="EUR")
    assert draft.currency == "EUR"


def test_update_draft_to_another_currency_refused(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    with pytest.raises(ValidationFailed) as caught:
        update_draft(None, draft.id, currency="USD")
    assert list(caught.value.fields) == ["currency"]
    session.expire_all()
    assert draft.currency == "EUR"


# ---- discounts -------------------------------------------------------------------------


def test_create_draft_discount_value_without_kind_refused(session):
    fields = refused(session, lines=[line()], discount_value="10.00")
    assert list(fields) == ["discount_kind"]


def test_create_draft_discount_kind_without_value_refused(session):
    fields = refused(session, lines=[line()], discount_kind="percent")
    assert list(fields) == ["discount_value"]


def test_create_draft_fixed_discount_above_subtotal_refused_not_capped(session):
    fields = refused(
        session,
        lines=[line(unit_price="10.00")],
        discount_kind="amount",
        discount_value="50.00",
    )
    assert fields["discount_value"] == [
        "The discount 50.00 is more than the subtotal 10.00: enter at most the subtotal."
    ]


def test_update_draft_lines_below_a_fixed_discount_refused(session):
    draft = discounted_draft("amount", "50.00", unit_price="100.00")
    with pytest.raises(ValidationFailed) as caught:
        update_draft(None, draft.id, lines=[line(unit_price="10.00")])
    assert list(caught.value.fields) == ["discount_value"]


def test_update_draft_percent_value_above_100_on_a_percent_draft_refused(session):
    draft = discounted_draft("percent", "10")
    with pytest.raises(ValidationFailed) as caught:
        update_draft(None, draft.id, discount_value="150")
    assert caught.value.fields == {"discount_value": ["A percent discount can be at most 100."]}


def test_update_draft_header_only_keeps_the_discount(session):
    draft = discounted_draft("percent", "10")
    update_draft(None, draft.id, notes="Thanks")
    assert (draft.discount_kind, draft.discount_value) == ("percent", Decimal("10.00"))
    assert draft.discount_total == Decimal("10.00")


# ---- digits ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["\uff11\uff12", "\u0661\u0662", "1_000", "1e3", "+5"])
def test_create_draft_quantity_not_in_ascii_digits_refused(session, text):
    fields = refused(session, lines=[line(quantity=text)])
    assert fields["lines[0].quantity"] == [
        "Quantity is not written with the digits 0-9 and one decimal point."
    ]


# ---- header-only changes and the customer of order-made drafts ------------------------


def test_update_draft_without_lines_keeps_line_ids(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line(), line("B")])
    create_draft(None, customer_id=CustomerFactory().id, lines=[line()])  # SQLite reuses no id
    ids = [ln.id for ln in draft.lines]
    update_draft(None, draft.id, notes="x")
    session.expire_all()
    assert [ln.id for ln in draft.lines] == ids


def _from_orders(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    draft.from_service_orders = True  # as service_orders.invoicing.invoice_orders sets it
    session.flush()
    return draft


def test_update_draft_from_orders_to_another_customer_refused(session):
    draft = _from_orders(session)
    owner, other = draft.customer_id, CustomerFactory()
    with pytest.raises(MadeFromOrders) as caught:
        update_draft(None, draft.id, customer_id=other.id)
    assert (caught.value.status, caught.value.code) == (409, "made_from_orders")
    assert "Delete the draft to release its orders" in caught.value.fields["customer_id"][0]
    session.expire_all()
    assert draft.customer_id == owner


def test_update_draft_from_orders_with_its_own_customer_allowed(session):
    draft = _from_orders(session)
    update_draft(None, draft.id, customer_id=draft.customer_id, notes="Checked")
    assert draft.notes == "Checked"


def test_update_draft_not_from_orders_may_change_customer(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    other = CustomerFactory()
    update_draft(None, draft.id, customer_id=other.id)
    assert draft.customer_id == other.id
