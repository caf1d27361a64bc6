"""Time entries: a running timer per technician, start/stop spans and plain durations.

Tablets retry: every submission may carry a client-generated UUID, and a replay returns the
entry stored the first time instead of adding another. Refused: overlapping spans of one
technician, more than 24 h in one company-local day, an order not assigned to the
technician, an order that can no longer change.
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
from app.core.db import use_case
from app.core.errors import DomainError, Errors, NotFound, ValidationFailed
from app.extensions import db
from app.service_orders.billing import actual_minutes
from app.service_orders.models import ServiceOrder, TimeEntry
from app.service_orders.operations import (
    company_zone,
    ensure_work_open,
    insert_once,
    is_technician,
    load_order,
    load_order_for_work,
    load_technician,
    mark_work_changed,
    parse_instant,
    start_if_scheduled,
)

DAY_MINUTES = 24 * 60


class NoRunningTimer(DomainError):
    code = "no_running_timer"
    status = 409


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


def _replayed(actor: Any, client_id: str | None) -> TimeEntry | None:
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


def _local_day(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def _check_rate(rate_kind: Any, errors: Errors) -> None:
    if rate_kind not in RATE_KINDS:
        errors.add("rate_kind", f"Choose one of: {', '.join(RATE_KINDS)}.")


def _prepare(
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


def _overlap(technician_id: int, start: datetime, end: datetime, exclude: int | None) -> Any:
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


def _check_day(
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


def _serialize(technician_id: int) -> None:
    """One technician's time is recorded one transaction at a time, so the overlap, 24-hour
    and single-timer checks see what the previous writer committed. FOR NO KEY UPDATE leaves
    inserts that merely reference the user unblocked. (SQLite's BEGIN IMMEDIATE already
    serializes writers.)"""
    db.session.execute(_LOCK_TECHNICIAN, {"technician_id": technician_id})


def _stop(entry: TimeEntry, at: datetime, errors: Errors) -> None:
    assert entry.started_at is not None
    minutes = actual_minutes(int((at - entry.started_at).total_seconds()))
    _check_day(entry.technician_id, entry.work_date, minutes, errors, "minutes", entry.id)
    errors.raise_if_any()
    entry.ended_at, entry.running, entry.minutes = at, False, minutes
    mark_work_changed(entry.order)
    db.session.flush()


def _running_of(technician_id: int) -> TimeEntry | None:
    return db.session.scalar(
        select(TimeEntry).where(
            TimeEntry.technician_id == technician_id, TimeEntry.running.is_(True)
        )
    )


@use_case
def start_timer(
    actor: Any,
    order_id: int,
    *,
    technician_id: int | None = None,
    rate_kind: str = "normal",
    client_id: str | None = None,
    note: str = "",
) -> TimeEntry:
    """Start the technician's timer on this order; a timer running on another job stops."""
    errors = Errors()
    client = clean_client_id(client_id, errors)
    errors.raise_if_any()
    replay = _replayed(actor, client)
    if replay is not None:
        return replay
    order, assigned, zone = load_order_for_work(actor, order_id, technician_id)
    technician = _prepare(actor, order, technician_id, errors, assigned)
    _check_rate(rate_kind, errors)
    note = clean_note(note, errors)
    errors.raise_if_any()
    ensure_work_open(actor, order)
    _serialize(technician.id)
    now = clock.now_utc()
    running = _running_of(technician.id)
    if running is not None:
        _stop(running, now, Errors())
    clash = _overlap(technician.id, now, now + timedelta(seconds=1), None)
    if clash is not None:
        raise ValidationFailed({"started_at": [_clash_message(clash)]})
    start_if_scheduled(order)
    mark_work_changed(order)
    entry = TimeEntry(
        order_id=order.id,
        technician_id=technician.id,
        client_id=client,
        rate_kind=rate_kind,
        started_at=now,
        running=True,
        work_date=_local_day(now, zone),
        minutes=0,
        note=note,
        created_by_id=actor.id,
    )
    return insert_once(entry)


@use_case
def stop_timer(
    actor: Any, *, technician_id: int | None = None, entry_id: int | None = None
) -> TimeEntry:
    """Stop the running timer (of `technician_id`, or the one `entry_id` names). Stopping an
    entry that is already stopped returns it unchanged, so a retried stop is harmless."""
    errors = Errors()
    if entry_id is not None:
        entry = get_time_entry(actor, entry_id)
        if not entry.running:
            return entry
    else:
        technician = load_technician(actor, technician_id, errors)
        errors.raise_if_any()
        _serialize(technician.id)
        entry = _running_of(technician.id)
        if entry is None:
            raise NoRunningTimer("No timer is running.")
    _stop(entry, clock.now_utc(), errors)
    return entry


def _clash_message(clash: TimeEntry) -> str:
    zone = company_zone()
    start = clash.started_at.astimezone(zone).strftime("%d %b %H:%M") if clash.started_at else ""
    end = clash.ended_at.astimezone(zone).strftime("%H:%M") if clash.ended_at else "now"
    return (
        f"Overlaps time already recorded from {start} to {end} on "
        f"{clash.order.reference}; a technician cannot be on two jobs at once."
    )


def _parse_minutes(value: Any, errors: Errors) -> int | None:
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


def _span(
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
        return start, end, minutes, _local_day(start, zone)
    minutes = _parse_minutes(values.get("minutes"), errors)
    raw_day = values.get("work_date")
    day = _local_day(now, zone) if raw_day in (None, "") else _parse_day(raw_day, errors)
    if day > _local_day(now, zone):
        errors.add("work_date", "Time cannot be recorded for a future day.")
    return None, None, minutes, day


@use_case
def log_time(
    actor: Any,
    order_id: int,
    *,
    technician_id: int | None = None,
    minutes: Any = None,
    started_at: Any = None,
    ended_at: Any = None,
    work_date: Any = None,
    rate_kind: str = "normal",
    client_id: str | None = None,
    note: str = "",
) -> TimeEntry:
    """Record finished work: a start and end, or a number of minutes on a day.

    A submission is taken as new: a replay (its client id already stored) is recognised
    when the insert skips or a check refuses it, and then answered with the stored entry,
    so the common case spends no lookup on it."""
    errors = Errors()
    client = clean_client_id(client_id, errors)
    errors.raise_if_any()
    values = {
        "minutes": minutes,
        "started_at": started_at,
        "ended_at": ended_at,
        "work_date": work_date,
    }
    try:
        entry = _record(actor, order_id, technician_id, rate_kind, client, note, values)
    except DomainError:
        replay = _replayed(actor, client)  # a replay is answered even where new work is not
        if replay is None:
            raise
        return replay
    return entry


def _record(
    actor: Any,
    order_id: int,
    technician_id: Any,
    rate_kind: Any,
    client: str | None,
    note: Any,
    values: dict[str, Any],
) -> TimeEntry:
    order, assigned, zone = load_order_for_work(actor, order_id, technician_id)
    errors = Errors()
    technician = _prepare(actor, order, technician_id, errors, assigned)
    _check_rate(rate_kind, errors)
    start, end, actual, day = _span(values, errors, zone)
    note = clean_note(note, errors)
    errors.raise_if_any()
    ensure_work_open(actor, order)
    _serialize(technician.id)
    assert actual is not None
    assert day is not None
    field = "minutes" if start is None else "ended_at"
    if start is not None:
        clash = _overlap(technician.id, start, end, None)
        if clash is not None:
            errors.add("started_at", _clash_message(clash))
            _check_day(technician.id, day, actual, errors, field)
            errors.raise_if_any()
    entry = insert_once(
        TimeEntry(
            order_id=order.id,
            technician_id=technician.id,
            client_id=client,
            rate_kind=rate_kind,
            started_at=start,
            ended_at=end,
            running=False,
            work_date=day,
            minutes=actual,
            note=note,
            created_by_id=actor.id,
        ),
        only_if=_WITHIN_DAY,
    )
    if entry is None:  # the day would pass 24 h, or the client id is stored (a replay)
        replay = _replayed(actor, client)
        if replay is not None:
            return replay
        _check_day(technician.id, day, actual, errors, field)
        errors.raise_if_any()
        raise AssertionError("a refused time entry names its reason")
    # Changed only once the entry is in: a replay leaves the order as it is.
    start_if_scheduled(order)
    mark_work_changed(order)
    return entry


# The 24-hour rule inside the insert itself: the day's total, read after the technician's
# lock, plus the new minutes (bind parameters named like the entry's columns).
_WITHIN_DAY = (
    select(func.coalesce(func.sum(TimeEntry.minutes), 0))
    .where(
        TimeEntry.technician_id == bindparam("technician_id"),
        TimeEntry.work_date == bindparam("work_date"),
    )
    .scalar_subquery()
    + bindparam("minutes")
    <= DAY_MINUTES
)


def get_time_entry(actor: Any, entry_id: Any) -> TimeEntry:
    """The entry if the actor may see its order; a technician sees their own entries only."""
    key = entry_id if isinstance(entry_id, int) and not isinstance(entry_id, bool) else None
    entry = db.session.get(TimeEntry, key) if key else None
    if entry is None or (is_technician(actor) and entry.technician_id != actor.id):
        raise NotFound("No such time entry.", field="entry_id")
    load_order(actor, entry.order_id)
    return entry


@use_case
def correct_time_entry(
    actor: Any, entry_id: int, *, minutes: Any = None, rate_kind: Any = None, note: Any = None
) -> TimeEntry:
    """Change the minutes, rate kind or note of a stopped entry (a span keeps its start)."""
    entry = get_time_entry(actor, entry_id)
    order = load_order(actor, entry.order_id, for_update=True)
    ensure_work_open(actor, order)
    _serialize(entry.technician_id)
    errors = Errors()
    if entry.running:
        errors.add("entry_id", "Stop the timer before correcting it.")
    if rate_kind is not None:
        _check_rate(rate_kind, errors)
    new_minutes = _parse_minutes(minutes, errors) if minutes is not None else entry.minutes
    errors.raise_if_any()
    assert new_minutes is not None
    new_end = entry.ended_at
    if entry.started_at is not None and minutes is not None:
        new_end = entry.started_at + timedelta(minutes=new_minutes)
        clash = _overlap(entry.technician_id, entry.started_at, new_end, entry.id)
        if clash is not None:
            errors.add("minutes", _clash_message(clash))
    _check_day(entry.technician_id, entry.work_date, new_minutes, errors, "minutes", entry.id)
    errors.raise_if_any()
    entry.minutes, entry.ended_at = new_minutes, new_end
    if rate_kind is not None:
        entry.rate_kind = rate_kind
    if note is not None:
        entry.note = str(note).strip()[:2000]
    mark_work_changed(order)
    return entry


@use_case
def delete_time_entry(actor: Any, entry_id: int) -> None:
    """Remove a mistaken entry (a forgotten running timer too)."""
    entry = get_time_entry(actor, entry_id)
    order = load_order(actor, entry.order_id, for_update=True)
    ensure_work_open(actor, order)
    mark_work_changed(order)
    db.session.delete(entry)
    db.session.flush()
