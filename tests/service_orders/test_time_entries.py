"""Time entries: timers, spans, durations, replays and every refusal."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.core.errors import NotFound, ValidationFailed
from app.service_orders import timesheets
from app.service_orders.models import TimeEntry
from app.service_orders.operations import OrderLocked
from app.service_orders.timesheets import NoRunningTimer
from tests.service_orders.conftest import NOW


def _count(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(TimeEntry))


def test_start_timer_on_scheduled_order_starts_the_order(world: Any) -> None:
    order = world.scheduled()
    entry = timesheets.start_timer(world.tech, order.id)
    assert entry.running
    assert entry.started_at == NOW
    assert order.state == "in_progress"


def test_stop_timer_keeps_actual_minutes(world: Any, at: Any) -> None:
    order = world.scheduled()
    timesheets.start_timer(world.tech, order.id)
    at(minutes=47, seconds=20)
    entry = timesheets.stop_timer(world.tech)
    assert (entry.running, entry.minutes, entry.work_date) == (False, 47, date(2026, 6, 14))


def test_start_timer_on_other_job_stops_the_first(world: Any, at: Any) -> None:
    first, second = world.scheduled(), world.scheduled()
    timesheets.start_timer(world.tech, first.id)
    at(minutes=30)
    timesheets.start_timer(world.tech, second.id)
    stopped = first.time_entries[0]
    assert (stopped.running, stopped.minutes) == (False, 30)
    assert second.time_entries[0].running


def test_one_running_timer_per_technician_at_most(world: Any, session: Any, at: Any) -> None:
    orders = [world.scheduled() for _ in range(3)]
    for step, order in enumerate(orders):
        at(minutes=10 * step)
        timesheets.start_timer(world.tech, order.id)
    running = session.scalar(
        select(func.count()).where(TimeEntry.technician_id == world.tech.id, TimeEntry.running)
    )
    assert running == 1


def test_stop_timer_without_running_timer_refused(world: Any) -> None:
    with pytest.raises(NoRunningTimer):
        timesheets.stop_timer(world.tech)


def test_stop_timer_twice_by_entry_returns_same_entry(world: Any, at: Any) -> None:
    order = world.scheduled()
    entry = timesheets.start_timer(world.tech, order.id)
    at(minutes=20)
    first = timesheets.stop_timer(world.tech, entry_id=entry.id)
    at(minutes=40)
    again = timesheets.stop_timer(world.tech, entry_id=entry.id)
    assert again.id == first.id
    assert again.minutes == 20


def test_replayed_time_entry_stores_one_row(world: Any, session: Any) -> None:
    order = world.in_progress()
    client_id = str(uuid.uuid4())
    before = _count(session)
    results = {
        timesheets.log_time(world.tech, order.id, minutes=30, client_id=client_id).id
        for _ in range(100)
    }
    assert len(results) == 1
    assert _count(session) == before + 1


def test_replayed_timer_start_returns_stored_entry(world: Any, at: Any) -> None:
    order = world.scheduled()
    client_id = str(uuid.uuid4())
    first = timesheets.start_timer(world.tech, order.id, client_id=client_id)
    at(minutes=5)
    again = timesheets.start_timer(world.tech, order.id, client_id=client_id)
    assert again.id == first.id
    assert again.started_at == NOW


def test_log_time_with_bad_client_id_refused(world: Any) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(world.tech, order.id, minutes=5, client_id="not-a-uuid")
    assert "client_id" in error.value.fields


def test_note_over_2000_characters_refused_not_cut(world: Any, session: Any) -> None:
    order = world.in_progress()
    before = _count(session)
    for record in (timesheets.log_time, timesheets.start_timer):
        kwargs = {"minutes": 5} if record is timesheets.log_time else {}
        with pytest.raises(ValidationFailed) as error:
            record(world.tech, order.id, note="x" * 2001, **kwargs)
        assert error.value.fields == {"note": ["Use at most 2000 characters."]}
    assert _count(session) == before


def test_log_time_span_overlapping_same_technician_refused(world: Any, session: Any) -> None:
    first, second = world.in_progress(), world.in_progress()
    timesheets.log_time(
        world.tech, first.id, started_at=NOW - timedelta(hours=3), ended_at=NOW - timedelta(hours=1)
    )
    before = _count(session)
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(
            world.tech, second.id, started_at=NOW - timedelta(hours=2), ended_at=NOW
        )
    assert "Overlaps time already recorded" in error.value.fields["started_at"][0]
    assert _count(session) == before


def test_log_time_span_of_other_technician_may_overlap(world: Any) -> None:
    order = world.in_progress(world.tech, world.tech2)
    span = {"started_at": NOW - timedelta(hours=2), "ended_at": NOW}
    timesheets.log_time(world.tech, order.id, **span)
    entry = timesheets.log_time(world.tech2, order.id, **span)
    assert entry.minutes == 120


def test_log_time_adjacent_spans_accepted(world: Any) -> None:
    order = world.in_progress()
    timesheets.log_time(
        world.tech, order.id, started_at=NOW - timedelta(hours=2), ended_at=NOW - timedelta(hours=1)
    )
    entry = timesheets.log_time(
        world.tech, order.id, started_at=NOW - timedelta(hours=1), ended_at=NOW
    )
    assert entry.minutes == 60


def test_log_time_over_24_hours_in_local_day_refused(world: Any, session: Any) -> None:
    order = world.in_progress()
    timesheets.log_time(world.tech, order.id, minutes=1000)
    before = _count(session)
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(world.tech, order.id, minutes=441)
    assert "more than 24 h in one day" in error.value.fields["minutes"][0]
    assert _count(session) == before


def test_log_time_exactly_24_hours_in_day_accepted(world: Any) -> None:
    order = world.in_progress()
    timesheets.log_time(world.tech, order.id, minutes=1000)
    assert timesheets.log_time(world.tech, order.id, minutes=440).minutes == 440


def test_log_time_day_is_company_local(world: Any) -> None:
    order = world.in_progress()
    # 23:30 UTC on 13 June is 00:30 on 14 June in Dublin (summer time).
    start = NOW.replace(day=13, hour=23, minute=30)
    entry = timesheets.log_time(
        world.tech, order.id, started_at=start, ended_at=start + timedelta(minutes=20)
    )
    assert entry.work_date == date(2026, 6, 14)


def test_log_time_on_unassigned_order_refused(world: Any, session: Any) -> None:
    order = world.in_progress(world.tech)
    before = _count(session)
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(world.dispatcher, order.id, technician_id=world.tech2.id, minutes=30)
    assert "is not assigned to" in error.value.fields["technician_id"][0]
    assert _count(session) == before


def test_technician_logging_on_other_technicians_order_gets_not_found(world: Any) -> None:
    order = world.in_progress(world.tech)
    with pytest.raises(NotFound):
        timesheets.log_time(world.tech2, order.id, minutes=30)


def test_log_time_on_invoiced_order_refused(world: Any, session: Any) -> None:
    order = world.done(minutes=30)
    order.state = "invoiced"
    session.commit()
    with pytest.raises(OrderLocked, match="invoiced"):
        timesheets.log_time(world.dispatcher, order.id, technician_id=world.tech.id, minutes=10)


def test_technician_logging_on_done_order_refused(world: Any) -> None:
    order = world.done(minutes=30)
    with pytest.raises(OrderLocked, match="re-open"):
        timesheets.log_time(world.tech, order.id, minutes=10)


def test_dispatcher_corrects_time_on_done_order(world: Any) -> None:
    order = world.done(minutes=30)
    entry = order.time_entries[0]
    assert timesheets.correct_time_entry(world.dispatcher, entry.id, minutes=45).minutes == 45


def test_correction_with_a_note_over_2000_characters_refused_not_cut(
    world: Any, session: Any
) -> None:
    entry = world.done(minutes=30).time_entries[0]
    session.commit()  # a refused use case rolls back to here, as a real one would
    with pytest.raises(ValidationFailed) as error:
        timesheets.correct_time_entry(world.dispatcher, entry.id, minutes=45, note="x" * 2001)
    assert error.value.fields == {"note": ["Use at most 2000 characters."]}
    session.refresh(entry)
    assert (entry.minutes, entry.note) == (30, "")
    corrected = timesheets.correct_time_entry(world.dispatcher, entry.id, note="  Van broke down ")
    assert (corrected.minutes, corrected.note) == (30, "Van broke down")


def test_log_time_in_future_refused(world: Any) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(
            world.tech,
            order.id,
            started_at=NOW + timedelta(hours=1),
            ended_at=NOW + timedelta(hours=2),
        )
    assert "future" in error.value.fields["ended_at"][0]


@pytest.mark.parametrize("minutes", [0, -5, 1441, "abc", 1.5, None])
def test_log_time_with_bad_minutes_refused(world: Any, minutes: Any) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(world.tech, order.id, minutes=minutes)
    assert "minutes" in error.value.fields


def test_log_time_with_unknown_rate_kind_refused(world: Any) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(world.tech, order.id, minutes=5, rate_kind="weekend")
    assert "rate_kind" in error.value.fields


def test_technician_cannot_log_time_for_colleague(world: Any) -> None:
    order = world.in_progress(world.tech, world.tech2)
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(world.tech, order.id, technician_id=world.tech2.id, minutes=5)
    assert "technician_id" in error.value.fields


def test_technician_cannot_see_colleagues_entry(world: Any) -> None:
    order = world.in_progress(world.tech, world.tech2)
    entry = timesheets.log_time(world.tech2, order.id, minutes=5)
    with pytest.raises(NotFound):
        timesheets.get_time_entry(world.tech, entry.id)


def test_delete_running_timer_frees_technician(world: Any) -> None:
    order = world.scheduled()
    entry = timesheets.start_timer(world.tech, order.id)
    timesheets.delete_time_entry(world.tech, entry.id)
    assert timesheets.start_timer(world.tech, order.id).running


def test_log_time_with_minutes_and_span_refused(world: Any) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(
            world.tech, order.id, minutes=30, started_at=NOW - timedelta(hours=1), ended_at=NOW
        )
    assert "not both" in error.value.fields["minutes"][0]


def test_bookkeeper_cannot_record_time(world: Any) -> None:
    from app.core.errors import Forbidden

    order = world.in_progress()
    with pytest.raises(Forbidden):
        timesheets.log_time(world.bookkeeper, order.id, technician_id=world.tech.id, minutes=5)


def test_replayed_span_returns_stored_entry_not_an_overlap(world: Any, session: Any) -> None:
    order = world.in_progress()
    span = {"started_at": NOW - timedelta(hours=2), "ended_at": NOW - timedelta(hours=1)}
    client_id = str(uuid.uuid4())
    first = timesheets.log_time(world.tech, order.id, client_id=client_id, **span)
    before = _count(session)
    assert timesheets.log_time(world.tech, order.id, client_id=client_id, **span).id == first.id
    assert _count(session) == before


def test_replay_that_would_pass_24_hours_returns_stored_entry(world: Any, session: Any) -> None:
    order = world.in_progress()
    client_id = str(uuid.uuid4())
    first = timesheets.log_time(world.tech, order.id, minutes=1000, client_id=client_id)
    again = timesheets.log_time(world.tech, order.id, minutes=1000, client_id=client_id)
    assert (again.id, again.minutes) == (first.id, 1000)


def test_replay_after_order_done_returns_stored_entry(world: Any, session: Any) -> None:
    order = world.in_progress()
    client_id = str(uuid.uuid4())
    first = timesheets.log_time(world.tech, order.id, minutes=30, client_id=client_id)
    order.state = "done"
    session.commit()
    assert timesheets.log_time(world.tech, order.id, minutes=30, client_id=client_id).id == first.id


def test_client_id_of_colleagues_entry_refused(world: Any, session: Any) -> None:
    order = world.in_progress(world.tech, world.tech2)
    client_id = str(uuid.uuid4())
    timesheets.log_time(world.tech, order.id, minutes=30, client_id=client_id)
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(world.tech2, order.id, minutes=30, client_id=client_id)
    assert "used for other work" in error.value.fields["client_id"][0]


def test_log_time_on_scheduled_order_starts_the_order(world: Any) -> None:
    order = world.scheduled()
    timesheets.log_time(world.tech, order.id, minutes=30)
    assert order.state == "in_progress"


def test_refused_log_time_leaves_scheduled_order_scheduled(world: Any, session: Any) -> None:
    order = world.scheduled()
    timesheets.log_time(world.tech, order.id, minutes=1000, work_date=NOW.date())
    order.state = "scheduled"
    session.commit()
    with pytest.raises(ValidationFailed):
        timesheets.log_time(world.tech, order.id, minutes=441, work_date=NOW.date())
    session.expire_all()
    assert order.state == "scheduled"


def test_span_over_24_hours_in_local_day_refused_on_its_end(world: Any, session: Any) -> None:
    order = world.in_progress()
    timesheets.log_time(world.tech, order.id, minutes=1400, work_date=NOW.date())
    with pytest.raises(ValidationFailed) as error:
        timesheets.log_time(world.tech, order.id, started_at=NOW - timedelta(hours=1), ended_at=NOW)
    assert "more than 24 h in one day" in error.value.fields["ended_at"][0]
