"""Parts used on orders: catalog snapshot, free lines, returns against earlier uses."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.errors import InvalidTransition, NotFound, ValidationFailed
from app.service_orders import parts, services
from app.service_orders.models import PartUsage


def _count(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(PartUsage))


def test_add_catalog_part_snapshots_price(world: Any, session: Any) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="2")
    world.valve.price = Decimal("30.00")
    session.commit()
    session.refresh(usage)
    assert (usage.unit_price, usage.vat_rate, usage.sku, usage.quantity) == (
        Decimal("24.90"),
        Decimal("23.00"),
        "VALVE",
        Decimal("2.000"),
    )


def test_add_part_quantity_with_three_decimals(world: Any) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, catalog_item_id=world.pipe.id, quantity="1,255")
    assert usage.quantity == Decimal("1.255")


@pytest.mark.parametrize("quantity", ["0", "-1", "1.2345", "abc", 1.5, "1000000000"])
def test_add_part_bad_quantity_refused(world: Any, session: Any, quantity: Any) -> None:
    order = world.in_progress()
    before = _count(session)
    with pytest.raises(ValidationFailed) as error:
        parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity=quantity)
    assert "quantity" in error.value.fields
    assert _count(session) == before


def test_part_note_over_2000_characters_refused_not_cut(world: Any, session: Any) -> None:
    order = world.in_progress()
    before = _count(session)
    with pytest.raises(ValidationFailed) as error:
        parts.add_part(
            world.tech, order.id, catalog_item_id=world.valve.id, quantity="1", note="x" * 2001
        )
    assert error.value.fields == {"note": ["Use at most 2000 characters."]}
    assert _count(session) == before


def test_technician_free_line_has_no_price(world: Any) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, description="Hose clamp", quantity="3")
    assert (usage.catalog_item_id, usage.unit_price, usage.description) == (
        None,
        None,
        "Hose clamp",
    )


def test_technician_setting_price_refused(world: Any) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as error:
        parts.add_part(world.tech, order.id, description="Clamp", quantity="1", unit_price="3")
    assert "unit_price" in error.value.fields


def test_unpriced_free_line_blocks_completion(world: Any) -> None:
    order = world.in_progress()
    parts.add_part(world.tech, order.id, description="Hose clamp", quantity="3")
    with pytest.raises(InvalidTransition, match="Price the free line 'Hose clamp'"):
        services.complete_order(world.dispatcher, order.id)


def test_office_prices_free_line(world: Any) -> None:
    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, description="Hose clamp", quantity="3")
    parts.price_part(world.dispatcher, usage.id, unit_price="2.35")
    assert (usage.unit_price, usage.vat_rate) == (Decimal("2.35"), Decimal("23.00"))
    assert services.complete_order(world.dispatcher, order.id).state == "done"


def test_return_part_stores_negative_quantity(world: Any) -> None:
    order = world.in_progress()
    used = parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="3")
    returned = parts.return_part(world.tech, used.id, quantity="1")
    assert (returned.quantity, returned.returns_usage_id) == (Decimal("-1.000"), used.id)
    assert returned.unit_price == used.unit_price


def test_return_more_than_used_refused(world: Any, session: Any) -> None:
    order = world.in_progress()
    used = parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="3")
    parts.return_part(world.tech, used.id, quantity="2")
    before = _count(session)
    with pytest.raises(ValidationFailed, match="Only 1 pcs of Radiator valve"):
        parts.return_part(world.tech, used.id, quantity="1.5")
    assert _count(session) == before


def test_return_against_a_return_refused(world: Any) -> None:
    order = world.in_progress()
    used = parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="3")
    returned = parts.return_part(world.tech, used.id, quantity="1")
    with pytest.raises(ValidationFailed) as error:
        parts.return_part(world.tech, returned.id, quantity="1")
    assert "usage_id" in error.value.fields


def test_replayed_part_stores_one_row(world: Any, session: Any) -> None:
    order = world.in_progress()
    client_id = str(uuid.uuid4())
    before = _count(session)
    for _ in range(20):
        parts.add_part(
            world.tech, order.id, catalog_item_id=world.valve.id, quantity="1", client_id=client_id
        )
    assert _count(session) == before + 1


def test_part_on_other_technicians_order_not_found(world: Any) -> None:
    order = world.in_progress(world.tech)
    with pytest.raises(NotFound):
        parts.add_part(world.tech2, order.id, catalog_item_id=world.valve.id, quantity="1")


def test_part_on_invoiced_order_refused(world: Any, session: Any) -> None:
    order = world.done(minutes=30)
    order.state = "invoiced"
    session.commit()
    with pytest.raises(InvalidTransition, match="invoiced"):
        parts.add_part(world.dispatcher, order.id, catalog_item_id=world.valve.id, quantity="1")


def test_remove_part_removes_its_returns(world: Any, session: Any) -> None:
    order = world.in_progress()
    used = parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="3")
    parts.return_part(world.tech, used.id, quantity="1")
    before = _count(session)
    parts.remove_part(world.tech, used.id)
    assert _count(session) == before - 2


def test_part_lines_follow_a_currency_change_and_pricing_a_line_puts_it_in_the_books(
    world: Any, session: Any
) -> None:
    from sqlalchemy import text

    from app.company.services import update_settings

    order = world.in_progress()
    usage = parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="1")
    update_settings(None, currency="USD")
    session.refresh(usage)
    assert usage.currency == "USD"

    session.execute(
        text("UPDATE part_usages SET currency = 'SEK' WHERE id = :id"), {"id": usage.id}
    )
    session.expire_all()
    priced = parts.price_part(world.dispatcher, usage.id, unit_price="12.00")
    assert (priced.currency, str(priced.unit_price)) == ("USD", "12.00")
