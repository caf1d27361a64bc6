"""Changing catalog items: SKUs stay unique, refused changes write nothing."""

from __future__ import annotations

import pytest

from app.catalog.services import create_item, update_item
from app.company.services import update_settings
from app.core.errors import ValidationFailed
from tests.factories import CatalogItemFactory


def test_update_item_to_taken_sku_refused_naming_the_field(session):
    CatalogItemFactory(sku="VALVE-22")
    other = CatalogItemFactory(sku="PUMP-A2", name="Pump")
    session.commit()  # a refused use case rolls back to here, as a real one would

    with pytest.raises(ValidationFailed) as refused:
        update_item(None, other.id, sku="VALVE-22", name="Renamed pump")

    assert "sku" in refused.value.fields
    session.refresh(other)
    assert (other.sku, other.name) == ("PUMP-A2", "Pump")


def test_update_item_keeping_its_own_sku_allowed(session):
    item = CatalogItemFactory(sku="VALVE-22")
    assert update_item(None, item.id, sku="VALVE-22", name="Valve 22 mm").name == "Valve 22 mm"


@pytest.mark.parametrize(("kind", "rate_kind"), [("part", "overtime"), ("fee", "normal")])
def test_create_non_labour_item_with_rate_kind_refused(session, kind, rate_kind):
    with pytest.raises(ValidationFailed) as refused:
        create_item(None, name="X", kind=kind, rate_kind=rate_kind, price="1", vat_rate="23")
    assert list(refused.value.fields) == ["rate_kind"]


@pytest.mark.parametrize("currency", ["usd", "eur", "XYZ", "GBP", "", 978])
def test_create_item_in_another_currency_than_the_books_refused(session, currency):
    with pytest.raises(ValidationFailed) as refused:
        create_item(None, name="X", kind="part", price="1", vat_rate="23", currency=currency)
    assert list(refused.value.fields) == ["currency"]


def test_item_without_currency_is_priced_in_the_books_currency(session):
    update_settings(None, currency="GBP")
    item = create_item(None, name="X", kind="part", price="1", vat_rate="23")
    assert item.currency == "GBP"
    with pytest.raises(ValidationFailed) as refused:
        update_item(None, item.id, currency="EUR")
    assert refused.value.fields == {
        "currency": ["The books are kept in GBP and cannot carry EUR; use GBP."]
    }


def test_update_item_price_above_the_invoice_cap_refused_stating_the_cap(session):
    item = CatalogItemFactory(price="10.00")
    session.commit()

    with pytest.raises(ValidationFailed) as refused:
        update_item(None, item.id, price="1000000000.00")

    assert refused.value.fields == {"price": ["Enter a price from 0 to 999,999,999.99."]}
    session.refresh(item)
    assert str(item.price) == "10.00"


def test_create_item_priced_at_the_invoice_cap_allowed(session):
    item = create_item(None, name="Turbine", kind="part", price="999999999.99", vat_rate="23")
    assert str(item.price) == "999999999.99"
