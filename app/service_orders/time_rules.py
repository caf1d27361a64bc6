"""The rules every record of a technician's work obeys, shared by the timer, logged time and
corrections (and, for client ids and notes, by parts): flush-only checks and reads.

A technician's time is recorded one transaction at a time (`lock_technician`), so the
overlap and 24-hour checks see what the previous writer committed. A replayed submission is
recognised by its client id (`replayed_entry`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, or_, select

from app.auth.models import User
from app.catalog.models import RATE_KINDS
from app.core import clock
from app.core.errors import Errors, ValidationFailed
from app.extensions import db
from app.service_orders.billing import actual_minutes
from app.service_orders.models import ServiceOrder, TimeEntry
from app.service_orders.operations import (
    company_zone,
    is_technician,
    load_order,
    load_technician,
    parse_instant,
)

DAY_MINUTES = 24 * 60
MAX_NOTE = 2000


def clean_client_id(value: Any, errors: Errors) -> str | None:
    if value in (None, ""):
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        errors.add("client_id", "Send the client id as a UUID.")
        return None


def clean_note(value: Any, errors: Errors) -> str:
    """A note on recorded work (time or parts), refused rather than cut when too long."""
    note = str(value or "").strip()
    if len(note) > MAX_NOTE:
        errors.add("note", f"Use at most {MAX_NOTE} characters.")
    return note


_entries = TimeEntry.__table__
_ENTRY_BY_CLIENT_ID = select(_entries.c.id).where(_entries.c.client_id == bindparam("client_id"))


def replayed_entry(actor: Any, client_id: str | None) -> TimeEntry | None:
    """The entry a previous submission with this client id stored, if any."""
    if client_id is None:
        return None
    # Almost every submission is new: look for the id alone, load the entry only on a replay.
    entry_id = db.session.execute(_ENTRY_BY_CLIENT_ID, {"client_id": client_id}).scalar()
    if entry_id is None:
        return None
    entry = db.session.get_one(TimeEntry, entry_id)
    load_order(actor, entry.order_id)  # another technician's entry stays invisible
    if is_technician(actor) and entry.technician_id != actor.id:
        raise ValidationFailed({"client_id": ["This client id was used for other work."]})
    return entry


def local_day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def check_rate(rate_kind: Any, errors: Errors) -> None:
    if rate_kind not in RATE_KINDS:
        errors.add("rate_kind", f"Choose one of: {', '.join(RATE_KINDS)}.")


def technician_for(
    actor: Any, order: ServiceOrder, technician_id: Any, errors: Errors, assigned: bool
) -> Any:
    """The technician the work is for, refused when not assigned to the order (`assigned`,
    read with the order by load_order_for_work)."""
    technician = load_technician(actor, technician_id, errors)
    # A technician records their own work, and load_order_for_work refused them an order
    # they are not assigned to; the office names the technician, who must be assigned.
    if technician is not None and not is_technician(actor) and not assigned:
        errors.add(
            "technician_id",
            f"{technician.name or technician.email} is not assigned to {order.reference}.",
        )
    return technician


def find_overlap(technician_id: int, start: datetime, end: datetime, exclude: int | None) -> Any:
    """An entry of the technician whose span overlaps [start, end); a running timer counts
    until now."""
    now = clock.now_utc()
    still_open = [TimeEntry.running.is_(True)] if start < now else []
    stmt = select(TimeEntry).where(
        TimeEntry.technician_id == technician_id,
        TimeEntry.started_at.is_not(None),
        TimeEntry.started_at < end,
        or_(TimeEntry.ended_at > start, *still_open),
    )
    if exclude is not None:
        stmt = stmt.where(TimeEntry.id != exclude)
    return db.session.scalars(stmt.limit(1)).first()


# Built once (every time entry runs them); ids start at 1, so excluding id 0 excludes nothing.
_DAY_TOTAL = select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
    TimeEntry.technician_id == bindparam("technician_id"),
    TimeEntry.work_date == bindparam("day"),
    TimeEntry.id != bindparam("exclude"),
)
# On the table's columns, not the mapped class's: a Core statement skips the ORM's result
# machinery, a third of this statement's cost on every time entry.
_users = User.__table__
_LOCK_TECHNICIAN = (
    select(_users.c.id)
    .where(_users.c.id == bindparam("technician_id"))
    .with_for_update(key_share=True)
)


def _day_total(technician_id: int, day: date, exclude: int | None) -> int:
    parameters = {"technician_id": technician_id, "day": day, "exclude": exclude or 0}
    return int(db.session.scalar(_DAY_TOTAL, parameters) or 0)


def check_day(
    technician_id: int,
    day: date,
    minutes: int,
    errors: Errors,
    field: str,
    exclude: int | None = None,
) -> None:
    total = _day_total(technician_id, day, exclude) + minutes
    if total > DAY_MINUTES:
        errors.add(
            field,
            f"That makes {total // 60} h {total % 60:02d} min on {day.isoformat()}; "
            "a technician cannot record more than 24 h in one day.",
        )


def lock_technician(technician_id: int) -> None:
    """One technician's time is recorded one transaction at a time, so the overlap, 24-hour
    and single-timer checks see what the previous writer committed. FOR NO KEY UPDATE leaves
    inserts that merely reference the user unblocked. (SQLite's BEGIN IMMEDIATE already
    serializes writers.)"""
    db.session.execute(_LOCK_TECHNICIAN, {"technician_id": technician_id})


def clash_message(clash: TimeEntry) -> str:
    zone = company_zone()
    start = clash.started_at.astimezone(zone).strftime("%d %b %H:%M") if clash.started_at else ""
    end = clash.ended_at.astimezone(zone).strftime("%H:%M") if clash.ended_at else "now"
    return (
        f"Overlaps time already recorded from {start} to {end} on "
        f"{clash.order.reference}; a technician cannot be on two jobs at once."
    )


def parse_minutes(value: Any, errors: Errors) -> int | None:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= DAY_MINUTES:
        errors.add("minutes", "Enter whole minutes from 1 to 1440.")
        return None
    return value


def _parse_day(value: Any, errors: Errors) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.add("work_date", "Enter the day as YYYY-MM-DD.")
        return clock.now_utc().date()


def span_of(
    values: dict[str, Any], errors: Errors, zone: ZoneInfo
) -> tuple[Any, Any, int | None, date | None]:
    """(start, end, minutes, local day) from either start/end or minutes (+ work_date)."""
    now = clock.now_utc()
    start = parse_instant(values.get("started_at"), "started_at", errors)
    end = parse_instant(values.get("ended_at"), "ended_at", errors)
    if start is not None or end is not None:
        if values.get("minutes") not in (None, ""):
            errors.add("minutes", "Give minutes, or a start and an end, not both.")
        if start is None or end is None:
            errors.add("ended_at" if start else "started_at", "Give both start and end.")
            return None, None, None, None
        if end <= start:
            errors.add("ended_at", "The end must be after the start.")
        elif end - start > timedelta(hours=24):
            errors.add("ended_at", "One entry cannot be longer than 24 h.")
        if end > now + timedelta(minutes=1):
            errors.add("ended_at", "Time cannot be recorded in the future.")
        minutes = actual_minutes(int((end - start).total_seconds()))
        return start, end, minutes, local_day(start, zone)
    minutes = parse_minutes(values.get("minutes"), errors)
    raw_day = values.get("work_date")
    day = local_day(now, zone) if raw_day in (None, "") else _parse_day(raw_day, errors)
    if day > local_day(now, zone):
        errors.add("work_date", "Time cannot be recorded for a future day.")
    return None, None, minutes, day


# The 24-hour rule inside the insert itself: the day's total, read after the technician's
# lock, plus the new minutes (bind parameters named like the entry's columns).
WITHIN_DAY = (
    select(func.coalesce(func.sum(TimeEntry.minutes), 0))
    .where(
        TimeEntry.technician_id == bindparam("technician_id"),
        TimeEntry.work_date == bindparam("work_date"),
    )
    .scalar_subquery()
    + bindparam("minutes")
    <= DAY_MINUTES
)
