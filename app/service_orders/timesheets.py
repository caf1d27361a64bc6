"""Time entries: a running timer per technician, start/stop spans and plain durations.

Tablets retry: every submission may carry a client-generated UUID, and a replay returns the
entry stored the first time instead of adding another. Refused: overlapping spans of one
technician, more than 24 h in one company-local day, an order not assigned to the
technician, an order that can no longer change.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.core import clock
from app.core.db import use_case
from app.core.errors import DomainError, Errors, NotFound, ValidationFailed
from app.extensions import db
from app.service_orders.billing import actual_minutes
from app.service_orders.models import TimeEntry
from app.service_orders.operations import (
    ensure_work_open,
    insert_once,
    is_technician,
    load_order,
    load_order_for_work,
    load_technician,
    mark_work_changed,
    start_if_scheduled,
)
from app.service_orders.time_rules import (
    WITHIN_DAY,
    check_day,
    check_rate,
    clash_message,
    clean_client_id,
    clean_note,
    find_overlap,
    local_day,
    lock_technician,
    parse_minutes,
    replayed_entry,
    span_of,
    technician_for,
)


class NoRunningTimer(DomainError):
    code = "no_running_timer"
    status = 409


def _stop(entry: TimeEntry, at: datetime, errors: Errors) -> None:
    assert entry.started_at is not None
    minutes = actual_minutes(int((at - entry.started_at).total_seconds()))
    check_day(entry.technician_id, entry.work_date, minutes, errors, "minutes", entry.id)
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
    replay = replayed_entry(actor, client)
    if replay is not None:
        return replay
    order, assigned, zone = load_order_for_work(actor, order_id, technician_id)
    technician = technician_for(actor, order, technician_id, errors, assigned)
    check_rate(rate_kind, errors)
    note = clean_note(note, errors)
    errors.raise_if_any()
    ensure_work_open(actor, order)
    lock_technician(technician.id)
    now = clock.now_utc()
    running = _running_of(technician.id)
    if running is not None:
        _stop(running, now, Errors())
    clash = find_overlap(technician.id, now, now + timedelta(seconds=1), None)
    if clash is not None:
        raise ValidationFailed({"started_at": [clash_message(clash)]})
    start_if_scheduled(order)
    mark_work_changed(order)
    entry = TimeEntry(
        order_id=order.id,
        technician_id=technician.id,
        client_id=client,
        rate_kind=rate_kind,
        started_at=now,
        running=True,
        work_date=local_day(now, zone),
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
        lock_technician(technician.id)
        entry = _running_of(technician.id)
        if entry is None:
            raise NoRunningTimer("No timer is running.")
    _stop(entry, clock.now_utc(), errors)
    return entry


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
        replay = replayed_entry(actor, client)  # a replay is answered even where new work is not
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
    technician = technician_for(actor, order, technician_id, errors, assigned)
    check_rate(rate_kind, errors)
    start, end, actual, day = span_of(values, errors, zone)
    note = clean_note(note, errors)
    errors.raise_if_any()
    ensure_work_open(actor, order)
    lock_technician(technician.id)
    assert actual is not None
    assert day is not None
    field = "minutes" if start is None else "ended_at"
    if start is not None:
        clash = find_overlap(technician.id, start, end, None)
        if clash is not None:
            errors.add("started_at", clash_message(clash))
            check_day(technician.id, day, actual, errors, field)
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
        only_if=WITHIN_DAY,
    )
    if entry is None:  # the day would pass 24 h, or the client id is stored (a replay)
        replay = replayed_entry(actor, client)
        if replay is not None:
            return replay
        check_day(technician.id, day, actual, errors, field)
        errors.raise_if_any()
        raise AssertionError("a refused time entry names its reason")
    # Changed only once the entry is in: a replay leaves the order as it is.
    start_if_scheduled(order)
    mark_work_changed(order)
    return entry


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
    lock_technician(entry.technician_id)
    errors = Errors()
    if entry.running:
        errors.add("entry_id", "Stop the timer before correcting it.")
    if rate_kind is not None:
        check_rate(rate_kind, errors)
    new_minutes = parse_minutes(minutes, errors) if minutes is not None else entry.minutes
    new_note = clean_note(note, errors) if note is not None else entry.note
    errors.raise_if_any()
    assert new_minutes is not None
    new_end = entry.ended_at
    if entry.started_at is not None and minutes is not None:
        new_end = entry.started_at + timedelta(minutes=new_minutes)
        clash = find_overlap(entry.technician_id, entry.started_at, new_end, entry.id)
        if clash is not None:
            errors.add("minutes", clash_message(clash))
    check_day(entry.technician_id, entry.work_date, new_minutes, errors, "minutes", entry.id)
    errors.raise_if_any()
    entry.minutes, entry.ended_at = new_minutes, new_end
    if rate_kind is not None:
        entry.rate_kind = rate_kind
    entry.note = new_note
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
