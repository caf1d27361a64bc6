"""Part lines stay within what an invoice line takes (app/core/money.py caps), so every part
recorded can be invoiced; refusals state the cap and write nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.errors import ValidationFailed
from app.service_orders import part_steps, parts
from app.service_orders.models import PartUsage
from tests.factories import CatalogItemFactory

LINE_TOO_BIG = (
    "The line comes to 1,000,999,999,989.99; a line can be at most 999,999,999,999.99. "
    "Lower the quantity or the unit price."
)


def _count(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(PartUsage))


@pytest.fixture
def turbine(session: Any) -> Any:
    item = CatalogItemFactory(name="Turbine", price=Decimal("999999999.99"))
    session.commit()
    return item


def test_add_part_quantity_above_the_cap_refused_stating_it(world: Any, session: Any) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as refused:
        parts.add_part(world.tech, order.id, catalog_item_id=world.pipe.id, quantity="1000000000")
    assert refused.value.fields == {"quantity": ["A quantity can be at most 999,999,999.999."]}


def test_add_part_a_million_allowed(world: Any) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, catalog_item_id=world.pipe.id, quantity="1000000")
    assert usage.quantity == Decimal("1000000.000")


def test_add_part_worth_more_than_an_invoice_line_refused(
    world: Any, session: Any, turbine: Any
) -> None:
    order = world.in_progress()
    before = _count(session)
    with pytest.raises(ValidationFailed) as refused:
        parts.add_part(world.tech, order.id, catalog_item_id=turbine.id, quantity="1001")
    assert refused.value.fields == {"quantity": [LINE_TOO_BIG]}
    assert _count(session) == before


def test_free_line_price_above_the_cap_refused_stating_it(world: Any, session: Any) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as refused:
        parts.add_part(
            world.dispatcher, order.id, description="Rotor", quantity="1", unit_price="1000000000"
        )
    assert refused.value.fields == {"unit_price": ["Enter a unit price from 0 to 999,999,999.99."]}


def test_price_part_worth_more_than_an_invoice_line_refused(world: Any, session: Any) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, description="Bolt", quantity="999999.999")
    with pytest.raises(ValidationFailed) as refused:
        parts.price_part(world.dispatcher, usage.id, unit_price="100000000")
    assert list(refused.value.fields) == ["unit_price"]
    assert "a line can be at most 999,999,999,999.99" in refused.value.fields["unit_price"][0]
    session.refresh(usage)
    assert usage.unit_price is None


def test_price_part_counts_only_what_was_not_returned(world: Any) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, description="Bolt", quantity="1500")
    parts.return_part(world.tech, usage.id, quantity="600")
    priced = parts.price_part(world.dispatcher, usage.id, unit_price="999999999.99")
    assert priced.unit_price == Decimal("999999999.99")


def test_edit_part_quantity_worth_more_than_an_invoice_line_refused(
    world: Any, session: Any, turbine: Any
) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, catalog_item_id=turbine.id, quantity="1")
    with pytest.raises(ValidationFailed) as refused:
        parts.edit_part(world.tech, order.id, usage.id, quantity="1001")
    assert refused.value.fields == {"quantity": [LINE_TOO_BIG]}
    session.refresh(usage)
    assert usage.quantity == Decimal("1.000")


def test_step_part_worth_more_than_an_invoice_line_refused(
    world: Any, session: Any, turbine: Any
) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, catalog_item_id=turbine.id, quantity="1000")
    with pytest.raises(ValidationFailed) as refused:
        part_steps.step_part(world.tech, usage.id, expected="1000", target="1001")
    assert refused.value.fields == {"quantity": [LINE_TOO_BIG]}
    session.refresh(usage)
    assert usage.quantity == Decimal("1000.000")
