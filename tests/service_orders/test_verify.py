"""`verify_orders`: clean data passes; each broken invariant is named."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.accounting.services import post_invoice
from app.service_orders import parts
from app.service_orders.invoicing import invoice_order
from app.service_orders.models import PartUsage, TimeEntry
from app.service_orders.verify import verify_orders


def test_verify_passes_on_consistent_work(world: Any) -> None:
    order = world.done(minutes=30, parts=((world.valve, "2"),))
    post_invoice(world.bookkeeper, invoice_order(world.dispatcher, order.id).id)
    world.done(minutes=45)
    assert verify_orders() == []


def test_verify_names_time_of_unassigned_technician(world: Any, session: Any) -> None:
    order = world.in_progress(world.tech)
    entry = TimeEntry(
        order_id=order.id, technician_id=world.tech2.id, minutes=10, work_date=date(2026, 6, 14)
    )
    session.add(entry)
    session.flush()
    assert verify_orders() == [
        f"Time entry {entry.id} on {order.reference} belongs to user {world.tech2.id}, "
        "who is not assigned to the order."
    ]


def test_verify_names_over_returned_part(world: Any, session: Any) -> None:
    order = world.in_progress()
    used = parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="1")
    session.add(
        PartUsage(
            order_id=order.id, returns_usage_id=used.id, description="x", quantity=Decimal("-2")
        )
    )
    session.flush()
    assert verify_orders() == [
        f"Part line {used.id} on {order.reference} has more returned than used."
    ]


def test_verify_names_invoiced_order_without_posted_invoice(world: Any, session: Any) -> None:
    order = world.done(minutes=30)
    invoice_order(world.dispatcher, order.id)
    order.state = "invoiced"
    session.flush()
    assert verify_orders() == [f"{order.reference} is invoiced but its invoice is draft."]
