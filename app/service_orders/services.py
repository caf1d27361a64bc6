"""Service-order use cases: create, schedule and assign, start, complete, re-open, cancel.

Every transition is a named use case with an actor, checked against the state table in
states.py. Time, parts, sign-off and invoicing live in timesheets.py, parts.py, signoff.py
and invoicing.py; read-only views in queries.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.catalog.models import CatalogItem
from app.core import clock
from app.core.db import use_case
from app.core.errors import Errors, InvalidTransition
from app.customers.models import Contact, Customer, Site
from app.extensions import db
from app.service_orders.models import PRIORITIES, PartUsage, ServiceOrder, TimeEntry
from app.service_orders.operations import (
    OFFICE_ROLES,
    load_order,
    load_technicians,
    parse_instant,
    require_role,
    transition,
)

# How long a visit lasts when a new order is dropped on the schedule; Assign… changes it.
DEFAULT_VISIT = timedelta(hours=2)
# The years the schedule shows and a dropped visit may start in.
SCHEDULE_YEARS = (2000, 2099)
ORDER_FIELDS = [
    "customer_id",
    "site_id",
    "contact_id",
    "description",
    "priority",
    "call_out_item_id",
]


def _ref(model: Any, value: Any, field: str, errors: Errors, label: str) -> Any:
    if value in (None, ""):
        return None
    found = (
        db.session.get(model, value)
        if isinstance(value, int) and not isinstance(value, bool)
        else None
    )
    if found is None:
        errors.add(field, f"No such {label}.")
    return found


def _clean_order(
    values: dict[str, Any], errors: Errors, *, customer_id: int | None
) -> dict[str, Any]:
    for field in sorted(set(values) - set(ORDER_FIELDS)):
        errors.add(field, "This field cannot be set.")
    clean: dict[str, Any] = {}
    if "customer_id" in values or customer_id is None:
        customer = _ref(Customer, values.get("customer_id"), "customer_id", errors, "customer")
        if customer is None and "customer_id" not in errors.fields:
            errors.add("customer_id", "Choose a customer.")
        customer_id = customer.id if customer else None
        clean["customer_id"] = customer_id
    for field, model, label in (("site_id", Site, "site"), ("contact_id", Contact, "contact")):
        if field in values:
            found = _ref(model, values[field], field, errors, label)
            if found is not None and found.customer_id != customer_id:
                errors.add(field, f"Choose a {label} of this order's customer.")
            clean[field] = found.id if found else None
    if "call_out_item_id" in values:
        item = _ref(CatalogItem, values["call_out_item_id"], "call_out_item_id", errors, "item")
        if item is not None and item.kind != "fee":
            errors.add("call_out_item_id", "Choose a call-out fee item from the catalog.")
        clean["call_out_item_id"] = item.id if item else None
    if "description" in values:
        description = str(values.get("description") or "").strip()
        if not description:
            errors.add("description", "Describe the work to be done.")
        elif len(description) > 5000:
            errors.add("description", "Use at most 5000 characters.")
        clean["description"] = description
    if "priority" in values:
        if values["priority"] not in PRIORITIES:
            errors.add("priority", f"Choose one of: {', '.join(PRIORITIES)}.")
        clean["priority"] = values["priority"]
    return clean


@use_case
def create_order(actor: Any, **values: Any) -> ServiceOrder:
    """A new order for a customer (optionally at a site, with a contact and a call-out fee)."""
    require_role(actor, *OFFICE_ROLES)
    errors = Errors()
    values.setdefault("description", "")
    clean = _clean_order({"customer_id": None, **values}, errors, customer_id=None)
    errors.raise_if_any()
    order = ServiceOrder(state="new", created_by_id=actor.id, **clean)
    db.session.add(order)
    db.session.flush()
    return order


@use_case
def update_order(actor: Any, order_id: int, **values: Any) -> ServiceOrder:
    """Description, priority, site, contact and call-out fee; the customer is fixed once
    work is recorded (the time belongs to that customer's job)."""
    require_role(actor, *OFFICE_ROLES)
    order = load_order(actor, order_id, for_update=True)
    if order.state in ("invoiced", "cancelled") or order.invoice_id:
        raise InvalidTransition(f"{order.reference} can no longer be changed.")
    errors = Errors()
    if "customer_id" in values and (order.time_entries or order.parts):
        errors.add("customer_id", "Work is recorded on this order; the customer cannot change.")
    clean = _clean_order(values, errors, customer_id=order.customer_id)
    errors.raise_if_any()
    if clean.get("customer_id", order.customer_id) != order.customer_id:
        # The old customer's site and contact do not follow the order to a new customer.
        clean.setdefault("site_id", None)
        clean.setdefault("contact_id", None)
    for key, value in clean.items():
        setattr(order, key, value)
    return order


@use_case
def schedule_order(
    actor: Any, order_id: int, *, start: Any, end: Any, technician_ids: Any
) -> ServiceOrder:
    """Set the window and the technicians (new -> scheduled; again to reschedule)."""
    require_role(actor, *OFFICE_ROLES)
    order = load_order(actor, order_id, for_update=True)
    errors = Errors()
    starts = parse_instant(start, "start", errors)
    ends = parse_instant(end, "end", errors)
    if start in (None, ""):
        errors.add("start", "Enter when the visit starts.")
    if end in (None, ""):
        errors.add("end", "Enter when the visit ends.")
    if starts and ends and ends <= starts:
        errors.add("end", "The end must be after the start.")
    technicians = load_technicians(technician_ids, errors)
    if not technicians and not any(f.startswith("technician_ids") for f in errors.fields):
        errors.add("technician_ids", "Assign at least one technician.")
    errors.raise_if_any()
    transition(order, "schedule")
    order.scheduled_start, order.scheduled_end = starts, ends
    _assign(order, technicians)
    return order


def _assign(order: ServiceOrder, technicians: list[Any]) -> None:
    keep = {t.id for t in technicians}
    recorded = {e.technician_id for e in order.time_entries}
    dropped = recorded & (order.technician_ids - keep)
    if dropped:
        names = ", ".join(t.name or t.email for t in order.technicians if t.id in dropped)
        raise InvalidTransition(
            f"{names} recorded time on {order.reference} and stays assigned.",
            field="technician_ids",
        )
    order.technicians = technicians


@use_case
def assign_technicians(actor: Any, order_id: int, technician_ids: Any) -> ServiceOrder:
    """Change who works on an open order; a technician with recorded time stays assigned."""
    require_role(actor, *OFFICE_ROLES)
    order = load_order(actor, order_id, for_update=True)
    if order.state not in ("new", "scheduled", "in_progress"):
        raise InvalidTransition(f"{order.reference} is {order.state}; its team is final.")
    errors = Errors()
    technicians = load_technicians(technician_ids, errors)
    errors.raise_if_any()
    _assign(order, technicians)
    return order


@use_case
def move_visit(
    actor: Any,
    order_id: int,
    *,
    start: Any,
    technician_id: Any,
    from_technician_id: Any = None,
) -> ServiceOrder:
    """A visit dragged on the schedule: the same length of visit from `start`, with
    `technician_id` in place of `from_technician_id` (the lane it left; None for a new order)
    and everyone else on the order kept. A new order gets a visit of DEFAULT_VISIT."""
    require_role(actor, *OFFICE_ROLES)
    order = load_order(actor, order_id, for_update=True)
    errors = Errors()
    starts = _schedule_start(start, errors)
    team = [t.id for t in order.technicians]
    if technician_id is None:
        errors.add("technician_id", "Drop the visit on a technician's lane.")
    else:
        load_technicians([technician_id], errors, "technician_id", positions=False)
    if from_technician_id is not None:
        if not isinstance(from_technician_id, int) or isinstance(from_technician_id, bool):
            errors.add("from_technician_id", "Send the lane's technician as a user id.")
        elif from_technician_id not in team:
            errors.add(
                "from_technician_id",
                "It is no longer with that technician; the schedule shows where it is now.",
            )
        elif technician_id != from_technician_id and technician_id in team:
            errors.add(
                "technician_id",
                "That technician is already on it; use Assign… to change the team.",
            )
    errors.raise_if_any()
    length = (
        order.scheduled_end - order.scheduled_start
        if order.scheduled_start and order.scheduled_end
        else DEFAULT_VISIT
    )
    team = [t for t in team if t != from_technician_id]
    return schedule_order(
        actor,
        order_id,
        start=starts,
        end=starts + length,  # type: ignore[operator]
        technician_ids=[*team, technician_id],
    )


def _schedule_start(value: Any, errors: Errors) -> datetime | None:
    """Where a dropped visit starts: a date and time within the years the schedule shows."""
    if value in (None, ""):
        errors.add("start", "Drop the visit where it should start.")
        return None
    starts = parse_instant(value, "start", errors)
    if starts is not None and not SCHEDULE_YEARS[0] <= starts.year <= SCHEDULE_YEARS[1]:
        errors.add("start", f"Plan visits between {SCHEDULE_YEARS[0]} and {SCHEDULE_YEARS[1]}.")
        return None
    return starts


@use_case
def start_order(actor: Any, order_id: int) -> ServiceOrder:
    """The technician is on site (scheduled -> in progress)."""
    order = load_order(actor, order_id, for_update=True)
    transition(order, "start")
    order.started_at = clock.now_utc()
    return order


@use_case
def complete_order(actor: Any, order_id: int) -> ServiceOrder:
    """The office has checked hours and parts: the order goes to the invoicing queue."""
    require_role(actor, *OFFICE_ROLES)
    order = load_order(actor, order_id, for_update=True)
    transition(order, "complete")
    problems = completion_problems(order)
    if problems:
        raise InvalidTransition(f"{order.reference} cannot be completed yet: {' '.join(problems)}")
    order.completed_at = clock.now_utc()
    order.completed_by_id = actor.id
    return order


def completion_problems(order: ServiceOrder) -> list[str]:
    """What stops an order from being closed: running timers and unpriced free lines."""
    problems = []
    running = db.session.scalars(
        select(TimeEntry).where(TimeEntry.order_id == order.id, TimeEntry.running.is_(True))
    ).all()
    for entry in running:
        who = entry.technician.name or entry.technician.email
        problems.append(f"{who}'s timer is still running; stop it first.")
    unpriced = db.session.scalars(
        select(PartUsage).where(
            PartUsage.order_id == order.id,
            PartUsage.unit_price.is_(None),
            PartUsage.returns_usage_id.is_(None),
        )
    ).all()
    for usage in unpriced:
        problems.append(f"Price the free line {usage.description!r}.")
    return problems


@use_case
def reopen_order(actor: Any, order_id: int) -> ServiceOrder:
    """Back to in progress to correct the work; only until the invoice is posted. An order
    already on a draft leaves that draft (its lines are removed; an empty draft is deleted)."""
    require_role(actor, *OFFICE_ROLES)
    order = load_order(actor, order_id, for_update=True)
    transition(order, "reopen")
    if order.invoice_id is not None:
        from app.service_orders.invoicing import detach_from_draft

        detach_from_draft(actor, order)
    order.completed_at = None
    order.completed_by_id = None
    return order


@use_case
def cancel_order(actor: Any, order_id: int, reason: str = "") -> ServiceOrder:
    """Called off before the work began (new or scheduled)."""
    require_role(actor, *OFFICE_ROLES)
    order = load_order(actor, order_id, for_update=True)
    transition(order, "cancel")
    order.cancel_reason = (reason or "").strip()[:2000]
    return order
