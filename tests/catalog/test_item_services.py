"""Changing catalog items: SKUs stay unique, refused changes write nothing."""

from __future__ import annotations

import pytest

from app.catalog.services import update_item
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
