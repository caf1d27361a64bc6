"""Read-only views of orders for pages and the API, with object-level access applied.

A technician sees only orders assigned to them, and never a price: the dict views below
leave every money field out for a role that does not see money (User.sees_money), so a
template or serializer cannot leak one by accident.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, or_, select

from app.catalog.services import search_items
from app.core.errors import ValidationFailed
from app.core.search import contains_text, typed_id
from app.customers.models import Customer
from app.extensions import db
from app.service_orders.invoicing import net_parts, order_billed_minutes
from app.service_orders.models import (
    PRIORITIES,
    PartUsage,
    ServiceOrder,
    TimeEntry,
    order_technicians,
)
from app.service_orders.operations import company_zone, is_technician, load_order, require_role
from app.service_orders.states import STATE_LABELS, STATES

get_order = load_order  # get_order(actor, order_id) -> ServiceOrder, NotFound if not visible
# What a list of orders can be sorted by (API `sort`); the id is the reference's number.
ORDER_SORTS = {
    "id": ServiceOrder.id,
    "created": ServiceOrder.created_at,
    "scheduled": ServiceOrder.scheduled_start,
    "customer": Customer.name,
}


def list_orders(
    actor: Any,
    *,
    state: str | None = None,
    customer_id: int | None = None,
    technician_id: int | None = None,
    priority: str | None = None,
    q: str = "",
    scheduled_on: date | None = None,
) -> Select[Any]:
    """A select() of orders the actor may see, newest first; the caller paginates."""
    require_role(actor, "admin", "dispatcher", "bookkeeper", "technician")
    if state is not None and state not in STATES:
        raise ValidationFailed({"state": [f"Choose one of: {', '.join(STATES)}."]})
    if priority is not None and priority not in PRIORITIES:
        raise ValidationFailed({"priority": [f"Choose one of: {', '.join(PRIORITIES)}."]})
    stmt = select(ServiceOrder).join(ServiceOrder.customer)
    if is_technician(actor):
        technician_id = actor.id
    if technician_id is not None:
        stmt = stmt.where(
            ServiceOrder.id.in_(
                select(order_technicians.c.order_id).where(
                    order_technicians.c.user_id == technician_id
                )
            )
        )
    if state:
        stmt = stmt.where(ServiceOrder.state == state)
    if priority:
        stmt = stmt.where(ServiceOrder.priority == priority)
    if customer_id:
        stmt = stmt.where(ServiceOrder.customer_id == customer_id)
    if scheduled_on is not None:
        zone = company_zone()
        start = datetime.combine(scheduled_on, time(0), zone)
        end = start + timedelta(days=1)
        stmt = stmt.where(ServiceOrder.scheduled_start < end, ServiceOrder.scheduled_end > start)
    if q:
        conditions = [contains_text(ServiceOrder.description, q), contains_text(Customer.name, q)]
        reference = typed_id(q.strip().upper().removeprefix("SO-").lstrip("0"))
        if reference is not None:
            conditions.append(ServiceOrder.id == reference)
        stmt = stmt.where(or_(*conditions))
    return stmt.order_by(ServiceOrder.id.desc())


def technician_day(actor: Any, day: date) -> Select[Any]:
    """The technician's orders scheduled on `day` (company-local), earliest first."""
    return (
        list_orders(actor, scheduled_on=day, technician_id=getattr(actor, "id", None))
        .order_by(None)
        .order_by(ServiceOrder.scheduled_start, ServiceOrder.id)
    )


def time_entry_view(entry: TimeEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "client_id": entry.client_id,
        "technician_id": entry.technician_id,
        "technician_name": entry.technician.name or entry.technician.email,
        "rate_kind": entry.rate_kind,
        "started_at": entry.started_at,
        "ended_at": entry.ended_at,
        "running": entry.running,
        "work_date": entry.work_date,
        "minutes": entry.minutes,
        "note": entry.note,
    }


def part_view(usage: PartUsage, *, with_money: bool, left: Any = None) -> dict[str, Any]:
    view = {
        "id": usage.id,
        "client_id": usage.client_id,
        "catalog_item_id": usage.catalog_item_id,
        "returns_usage_id": usage.returns_usage_id,
        "sku": usage.sku,
        "description": usage.description,
        "unit": usage.unit,
        "quantity": usage.quantity,
        "note": usage.note,
    }
    if left is not None:
        view["quantity_left"] = left
    if with_money:
        view.update(unit_price=usage.unit_price, vat_rate=usage.vat_rate, currency=usage.currency)
    return view


def order_view(actor: Any, order_id: int) -> dict[str, Any]:
    """Everything an order page or the API shows; no money for technicians.

    Keys: id, reference, state, state_label, priority, description, customer {id, name},
    site {id, name, address_lines, access_notes} | None, contact {id, name, phone, email} |
    None, scheduled_start, scheduled_end, technicians [{id, name}], report, photos [{id,
    content_type, size, caption}], signature {signed_by_name, signed_at, outdated} | None,
    time_entries [...], parts [...], actual_minutes, invoice_id; and, for roles that see
    money, call_out_fee {item_id, name, unit_price} | None and billed_minutes {rate: min}.
    """
    order = load_order(actor, order_id)
    with_money = bool(getattr(actor, "sees_money", False))
    entries = order.time_entries
    if is_technician(actor):
        entries = [e for e in entries if e.technician_id == actor.id]
    lefts = {u.id: left for u, left in net_parts(order)}
    view: dict[str, Any] = {
        "id": order.id,
        "reference": order.reference,
        "state": order.state,
        "state_label": STATE_LABELS[order.state],
        "priority": order.priority,
        "description": order.description,
        "customer": {"id": order.customer.id, "name": order.customer.name},
        "site": _site(order),
        "contact": _contact(order),
        "scheduled_start": order.scheduled_start,
        "scheduled_end": order.scheduled_end,
        "technicians": [{"id": t.id, "name": t.name or t.email} for t in order.technicians],
        "report": order.report,
        "photos": [
            {"id": p.id, "content_type": p.content_type, "size": p.size, "caption": p.caption}
            for p in order.photos
        ],
        "signature": _signature(order),
        "time_entries": [time_entry_view(e) for e in entries],
        "parts": [part_view(u, with_money=with_money, left=lefts.get(u.id)) for u in order.parts],
        "actual_minutes": sum(e.minutes for e in entries),
        "invoice_id": order.invoice_id,
    }
    if with_money:
        item = order.call_out_item
        view["call_out_fee"] = (
            {"item_id": item.id, "name": item.name, "unit_price": item.price} if item else None
        )
        view["billed_minutes"] = order_billed_minutes(order)
    return view


def _site(order: ServiceOrder) -> dict[str, Any] | None:
    site = order.site
    if site is None:
        return None
    return {
        "id": site.id,
        "name": site.name,
        "address_lines": site.address_lines,
        "access_notes": site.access_notes,
    }


def _contact(order: ServiceOrder) -> dict[str, Any] | None:
    contact = order.contact
    if contact is None:
        return None
    return {"id": contact.id, "name": contact.name, "phone": contact.phone, "email": contact.email}


def _signature(order: ServiceOrder) -> dict[str, Any] | None:
    if order.signed_at is None:
        return None
    return {
        "signed_by_name": order.signed_by_name,
        "signed_at": order.signed_at,
        "outdated": order.signature_outdated,
        "path": order.signature_path,
    }


def search_parts(actor: Any, q: str = "", *, limit: int = 20) -> list[dict[str, Any]]:
    """Catalog parts for the tablet's part picker; prices only for roles that see money."""
    require_role(actor, "admin", "dispatcher", "bookkeeper", "technician")
    with_money = bool(getattr(actor, "sees_money", False))
    items = db.session.scalars(search_items(q, kind="part").limit(max(1, min(limit, 100))))
    views = []
    for item in items:
        view = {
            "id": item.id,
            "sku": item.sku,
            "name": item.name,
            "unit": item.unit,
            "group": item.group,
        }
        if with_money:
            view.update(price=item.price, vat_rate=item.vat_rate, currency=item.currency)
        views.append(view)
    return views


def timesheet(actor: Any, day: date, technician_id: int | None = None) -> dict[str, Any]:
    """A technician's entries on one company-local day with the total actual minutes (a
    technician sees their own; the office names the technician)."""
    require_role(actor, "admin", "dispatcher", "bookkeeper", "technician")
    who = actor.id if is_technician(actor) or technician_id is None else technician_id
    entries = list(
        db.session.scalars(
            select(TimeEntry)
            .where(TimeEntry.technician_id == who, TimeEntry.work_date == day)
            .order_by(TimeEntry.started_at, TimeEntry.id)
        )
    )
    return {
        "technician_id": who,
        "day": day,
        "entries": [time_entry_view(e) | {"order_reference": e.order.reference} for e in entries],
        "minutes": sum(e.minutes for e in entries),
    }


def running_timer(actor: Any, technician_id: int | None = None) -> TimeEntry | None:
    """The technician's running timer, if any (a technician asks for their own)."""
    who = actor.id if is_technician(actor) or technician_id is None else technician_id
    return db.session.scalar(
        select(TimeEntry).where(TimeEntry.technician_id == who, TimeEntry.running.is_(True))
    )
