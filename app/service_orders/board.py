"""Read-only views for the field pages: board filters and counts, technicians, overlaps,
the next visit and a technician's recent parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from app.auth.models import User
from app.catalog.models import CatalogItem
from app.core import clock
from app.core.search import typed_id
from app.customers.models import Customer
from app.extensions import db
from app.service_orders import queries
from app.service_orders.models import PartUsage, ServiceOrder, order_technicians
from app.service_orders.operations import company_zone
from app.service_orders.states import STATES


@dataclass
class BoardFilters:
    state: str = ""
    technician_id: int | None = None
    customer_id: int | None = None
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    unassigned: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.technician_id
            or self.customer_id
            or self.q
            or self.date_from
            or self.date_to
            or self.unassigned
        )


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


def parse_filters(args: Any) -> BoardFilters:
    """Filters from the query string; unreadable values are dropped, never an error page."""
    state = args.get("state", "")
    technician = args.get("technician", "")
    customer = args.get("customer", "")
    return BoardFilters(
        state=state if state in STATES else "",
        technician_id=typed_id(technician),
        unassigned=technician == "none",
        customer_id=typed_id(customer),
        q=args.get("q", "").strip()[:100],
        date_from=_day(args.get("from", "")),
        date_to=_day(args.get("to", "")),
    )


def filtered(actor: Any, f: BoardFilters, *, with_state: bool = True) -> Select[Any]:
    stmt = queries.list_orders(
        actor,
        state=(f.state or None) if with_state else None,
        customer_id=f.customer_id,
        technician_id=f.technician_id,
        q=f.q,
    )
    zone = company_zone()
    if f.date_from:
        start = datetime.combine(f.date_from, time(0), zone)
        stmt = stmt.where(ServiceOrder.scheduled_end > start)
    if f.date_to:
        end = datetime.combine(f.date_to, time(0), zone) + timedelta(days=1)
        stmt = stmt.where(ServiceOrder.scheduled_start < end)
    if f.unassigned:
        stmt = stmt.where(~ServiceOrder.id.in_(select(order_technicians.c.order_id)))
    return stmt


def state_counts(actor: Any, f: BoardFilters) -> dict[str, int]:
    """How many orders per state match the other filters (the count on each tab)."""
    sub = filtered(actor, f, with_state=False).order_by(None).subquery()
    rows = db.session.execute(select(sub.c.state, func.count()).group_by(sub.c.state)).all()
    counts = dict.fromkeys(STATES, 0)
    counts.update({state: int(n) for state, n in rows})
    return counts


def technicians() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == "technician", User.active.is_(True)).order_by(User.name)
        )
    )


def customers(limit: int = 500) -> list[Customer]:
    return list(db.session.scalars(select(Customer).order_by(Customer.name).limit(limit)))


def overlaps(
    start: datetime | None, end: datetime | None, technician_ids: list[int], exclude: int | None
) -> list[tuple[User, ServiceOrder]]:
    """Other open orders of these technicians whose window overlaps [start, end)."""
    if not start or not end or not technician_ids:
        return []
    stmt = (
        select(User, ServiceOrder)
        .join(order_technicians, order_technicians.c.user_id == User.id)
        .join(ServiceOrder, ServiceOrder.id == order_technicians.c.order_id)
        .where(
            User.id.in_(technician_ids),
            ServiceOrder.state.in_(("new", "scheduled", "in_progress")),
            ServiceOrder.scheduled_start < end,
            ServiceOrder.scheduled_end > start,
        )
        .order_by(User.name, ServiceOrder.scheduled_start)
    )
    if exclude is not None:
        stmt = stmt.where(ServiceOrder.id != exclude)
    return [(user, order) for user, order in db.session.execute(stmt).all()]


def totals_by_state() -> dict[str, int]:
    rows = db.session.execute(
        select(ServiceOrder.state, func.count()).group_by(ServiceOrder.state)
    ).all()
    counts = dict.fromkeys(STATES, 0)
    counts.update({state: int(n) for state, n in rows})
    return counts


def queue_size() -> int:
    """Done orders not yet on an invoice (the "requires invoicing" queue)."""
    return int(
        db.session.scalar(
            select(func.count()).where(
                ServiceOrder.state == "done", ServiceOrder.invoice_id.is_(None)
            )
        )
        or 0
    )


def next_visit(actor: Any) -> ServiceOrder | None:
    """The technician's next scheduled visit from now on."""
    stmt = (
        queries.list_orders(actor)
        .where(
            ServiceOrder.scheduled_start >= clock.now_utc(),
            ServiceOrder.state.in_(("scheduled", "in_progress")),
        )
        .order_by(None)
        .order_by(ServiceOrder.scheduled_start)
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def overlapping_ids() -> set[int]:
    """Open orders sharing a technician with another open order in an overlapping window
    (one self-join; the board marks them)."""
    a, b = order_technicians.alias("a"), order_technicians.alias("b")
    first, second = ServiceOrder.__table__.alias("o1"), ServiceOrder.__table__.alias("o2")
    open_states = ("new", "scheduled", "in_progress")
    stmt = (
        select(first.c.id)
        .join(a, a.c.order_id == first.c.id)
        .join(b, (b.c.user_id == a.c.user_id) & (b.c.order_id != a.c.order_id))
        .join(second, second.c.id == b.c.order_id)
        .where(
            first.c.state.in_(open_states),
            second.c.state.in_(open_states),
            first.c.scheduled_start < second.c.scheduled_end,
            first.c.scheduled_end > second.c.scheduled_start,
        )
        .distinct()
    )
    return set(db.session.scalars(stmt))


def recent_parts(user_id: int, limit: int = 10) -> list[CatalogItem]:
    """Active catalog parts this user added most recently, newest first."""
    latest = (
        select(PartUsage.catalog_item_id, func.max(PartUsage.id).label("last"))
        .where(PartUsage.created_by_id == user_id, PartUsage.catalog_item_id.is_not(None))
        .group_by(PartUsage.catalog_item_id)
        .subquery()
    )
    stmt = (
        select(CatalogItem)
        .join(latest, latest.c.catalog_item_id == CatalogItem.id)
        .where(CatalogItem.active.is_(True))
        .order_by(latest.c.last.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
