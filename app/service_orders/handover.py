"""Handing the work over: the technician's "Mark done" checklist, the office's review
flags, closing the order into the invoicing queue, sending it back and re-opening it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.core.db import use_case
from app.core.errors import InvalidTransition, ValidationFailed
from app.extensions import db
from app.service_orders import services
from app.service_orders.handover_models import WorkFinished
from app.service_orders.models import ServiceOrder, TimeEntry
from app.service_orders.operations import (
    OFFICE_ROLES,
    is_technician,
    load_order,
    require_role,
)

# One entry longer than this is flagged for the office to check (a forgotten timer).
LONG_ENTRY_MINUTES = 10 * 60


@dataclass(frozen=True)
class CheckItem:
    key: str  # also the field name of the error and the anchor of the section to fix it
    label: str
    ok: bool
    fix: str  # what to do when missing
    section: str


def checklist(order: ServiceOrder, technician_id: int | None) -> list[CheckItem]:
    """What "Mark done" needs: time recorded, no running timer, a report, a current signature."""
    entries = [
        e for e in order.time_entries if technician_id is None or e.technician_id == technician_id
    ]
    running = any(e.running for e in order.time_entries)
    signed = order.signed_at is not None and not order.signature_outdated
    return [
        CheckItem("time", "Time recorded", bool(entries), "Start the timer or add time.", "time"),
        CheckItem("timer", "Timer stopped", not running, "Stop the running timer.", "time"),
        CheckItem(
            "report", "Report written", bool(order.report.strip()), "Write the report.", "report"
        ),
        CheckItem(
            "signature",
            "Customer signature",
            signed,
            "Have the customer sign again: the work changed after signing."
            if order.signed_at is not None
            else "Have the customer sign.",
            "signoff",
        ),
    ]


def finished_mark(order_id: int) -> WorkFinished | None:
    return db.session.scalar(select(WorkFinished).where(WorkFinished.order_id == order_id))


@use_case
def finish_work(actor: Any, order_id: int, note: str = "") -> WorkFinished:
    """The technician is done on site; the order waits for the office's review. Refused,
    naming each missing item, until the checklist is complete."""
    order = load_order(actor, order_id, for_update=True)
    if order.state != "in_progress":
        raise InvalidTransition(
            f"{order.reference} is {order.state.replace('_', ' ')}; only work in progress "
            "can be marked done.",
        )
    items = checklist(order, actor.id if is_technician(actor) else None)
    missing = {i.key: [i.fix] for i in items if not i.ok}
    if missing:
        raise ValidationFailed(missing, f"{order.reference} is not ready to be marked done.")
    mark = finished_mark(order.id)
    if mark is None:
        mark = WorkFinished(order_id=order.id, finished_by_id=actor.id)
        db.session.add(mark)
    mark.note = str(note or "").strip()[:2000]
    db.session.flush()
    return mark


def _clear_mark(order_id: int) -> None:
    mark = finished_mark(order_id)
    if mark is not None:
        db.session.delete(mark)
        db.session.flush()


@use_case
def send_back(actor: Any, order_id: int) -> ServiceOrder:
    """The office returns a finished order to the technician for more work."""
    require_role(actor, *OFFICE_ROLES)
    order = load_order(actor, order_id, for_update=True)
    if order.state != "in_progress" or finished_mark(order.id) is None:
        raise InvalidTransition(f"{order.reference} is not waiting for review.")
    _clear_mark(order.id)
    return order


@use_case
def close_order(actor: Any, order_id: int) -> ServiceOrder:
    """The office has reviewed the work: the order is done and joins the invoicing queue."""
    return services.complete_order(actor, order_id)


@use_case
def reopen(actor: Any, order_id: int) -> ServiceOrder:
    """Back to in progress (off any draft); the technician's done mark is cleared."""
    order = services.reopen_order(actor, order_id)
    _clear_mark(order.id)
    return order


def review_flags(order: ServiceOrder) -> list[str]:
    """What the office should look at before closing: running timers, very long entries,
    a missing or outdated signature, an empty report."""
    flags = []
    for entry in order.time_entries:
        who = entry.technician.name or entry.technician.email
        if entry.running:
            flags.append(f"{who}'s timer is still running.")
        elif entry.minutes > LONG_ENTRY_MINUTES:
            flags.append(
                f"{who} has one entry of {entry.minutes // 60} h {entry.minutes % 60:02d} min "
                f"on {entry.work_date.isoformat()}: check it."
            )
    if order.signed_at is None:
        flags.append("The customer has not signed.")
    elif order.signature_outdated:
        flags.append("The signature is outdated: time or parts changed after signing.")
    if not order.report.strip():
        flags.append("No report was written.")
    return flags


def orders_to_review() -> list[ServiceOrder]:
    return list(
        db.session.scalars(
            select(ServiceOrder)
            .join(WorkFinished, WorkFinished.order_id == ServiceOrder.id)
            .where(ServiceOrder.state == "in_progress")
            .order_by(WorkFinished.finished_at)
        )
    )


def running_entries(order: ServiceOrder) -> list[TimeEntry]:
    return [e for e in order.time_entries if e.running]
