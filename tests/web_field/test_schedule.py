"""The dispatcher's schedule: lanes per technician for a day or a week, the unassigned new
orders, overlaps flagged, and moving a visit by dropping it (the POST a drag sends).

The test clock stands at 2026-06-14 10:00 UTC, a Sunday: 11:00 in Dublin, the company's
time zone, so `fw.scheduled()` makes a visit from 12:00 to 14:00 local time.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from app.service_orders import schedule, services
from app.service_orders.models import ServiceOrder
from tests.factories import UserFactory
from tests.web_field.conftest import NOW

SUNDAY = date(2026, 6, 14)


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    """A Dublin wall-clock time in June (UTC+1) as a UTC instant."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=1)


def _visit(fw, technicians, start, end, **values):  # type: ignore[no-untyped-def]
    order = fw.order(**values)
    return services.schedule_order(
        fw.dispatcher,
        order.id,
        start=start,
        end=end,
        technician_ids=[t.id for t in technicians],
    )


def _lane(built, technician):  # type: ignore[no-untyped-def]
    return next(lane for lane in built.lanes if lane.technician.id == technician.id)


def _flashes(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


# The period and the grid


def test_a_week_runs_monday_to_sunday_and_a_day_is_itself():
    week = schedule.period(SUNDAY, "week")
    assert week.first == date(2026, 6, 8)
    assert week.days[-1] == SUNDAY
    assert (week.previous, week.following) == (date(2026, 6, 1), date(2026, 6, 15))
    day = schedule.period(SUNDAY, "day")
    assert day.days == [SUNDAY]
    assert (day.previous, day.following) == (date(2026, 6, 13), date(2026, 6, 15))


def test_every_active_technician_has_a_lane_and_a_shared_visit_shows_in_each(fw):
    shared = _visit(fw, [fw.tech, fw.tech2], _local(SUNDAY, 9), _local(SUNDAY, 11))
    UserFactory(role="technician", name="Ivo Idle", active=False)
    built = schedule.build_schedule(schedule.period(SUNDAY, "day"))
    assert [lane.technician.name for lane in built.lanes] == ["Tara Tech", "Theo Tech"]
    for technician in (fw.tech, fw.tech2):
        (visit,) = _lane(built, technician).days[SUNDAY]
        assert visit.order.id == shared.id
        assert (visit.from_minute, visit.to_minute) == (9 * 60, 11 * 60)


def test_cancelled_orders_and_other_days_are_not_on_the_day(fw):
    cancelled = fw.scheduled()
    services.cancel_order(fw.dispatcher, cancelled.id, reason="Customer called off")
    monday = SUNDAY + timedelta(days=1)
    _visit(fw, [fw.tech], _local(monday, 9), _local(monday, 11))
    built = schedule.build_schedule(schedule.period(SUNDAY, "day"))
    assert _lane(built, fw.tech).days == {}


def test_visits_sharing_time_take_separate_rows_and_are_flagged(fw):
    first = _visit(fw, [fw.tech], _local(SUNDAY, 9), _local(SUNDAY, 11))
    second = _visit(fw, [fw.tech], _local(SUNDAY, 10), _local(SUNDAY, 12))
    later = _visit(fw, [fw.tech], _local(SUNDAY, 12), _local(SUNDAY, 13))
    lane = _lane(schedule.build_schedule(schedule.period(SUNDAY, "day")), fw.tech)
    rows = {v.order.id: (v.track, v.overlap) for v in lane.days[SUNDAY]}
    assert rows == {first.id: (0, True), second.id: (1, True), later.id: (0, False)}
    assert lane.tracks == 2
    assert lane.overlaps == 2


def test_a_finished_visit_beside_an_open_one_is_not_an_overlap(fw):
    done = fw.done()  # 12:00-14:00, done
    other = _visit(fw, [fw.tech], _local(SUNDAY, 13), _local(SUNDAY, 15))
    lane = _lane(schedule.build_schedule(schedule.period(SUNDAY, "day")), fw.tech)
    flags = {v.order.id: v.overlap for v in lane.days[SUNDAY]}
    assert flags == {done.id: False, other.id: False}


def test_a_visit_past_midnight_shows_on_both_days_of_the_week(fw):
    night = _visit(fw, [fw.tech], _local(date(2026, 6, 10), 22), _local(date(2026, 6, 11), 2))
    lane = _lane(schedule.build_schedule(schedule.period(SUNDAY, "week")), fw.tech)
    evening, morning = lane.days[date(2026, 6, 10)][0], lane.days[date(2026, 6, 11)][0]
    assert evening.order.id == morning.order.id == night.id
    assert (evening.from_minute, evening.to_minute) == (22 * 60, 24 * 60)
    assert (morning.from_minute, morning.to_minute) == (0, 2 * 60)


def test_the_day_widens_to_whole_hours_around_an_early_or_late_visit(fw):
    built = schedule.build_schedule(schedule.period(SUNDAY, "day"))
    assert (built.first_hour, built.last_hour) == schedule.DAY_HOURS
    _visit(fw, [fw.tech], _local(SUNDAY, 5, 30), _local(SUNDAY, 7))
    _visit(fw, [fw.tech2], _local(SUNDAY, 18), _local(SUNDAY, 20, 15))
    built = schedule.build_schedule(schedule.period(SUNDAY, "day"))
    assert (built.first_hour, built.last_hour) == (5, 21)
    visit = _lane(built, fw.tech).days[SUNDAY][0]
    assert built.position(visit) == {"left": round(30 / (16 * 60) * 100, 3), "width": 9.375}


def test_unassigned_lists_new_orders_most_urgent_first_then_oldest(fw):
    old = fw.order(description="Old normal")
    urgent = fw.order(description="Urgent", priority="urgent")
    low = fw.order(description="Low", priority="low")
    fw.scheduled()
    built = schedule.build_schedule(schedule.period(SUNDAY, "day"))
    assert [o.id for o in built.unassigned] == [urgent.id, old.id, low.id]
    assert built.unassigned_total == 3


# The page


def test_dispatcher_sees_lanes_visits_and_the_tray_with_geometry_under_the_nonce(login, fw):
    visit = fw.scheduled()
    waiting = fw.order(description="Needs a technician")
    response = login("dispatcher").get("/orders/schedule?day=2026-06-14")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in ("Theo Tech", "Tara Tech", visit.reference, "12:00\u201314:00", waiting.reference):
        assert text in html
    assert "Needs a technician" in html
    assert f'data-move-url="/orders/{visit.id}/move"' in html
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in html
    # 12:00 is 5 of the 12 hours shown from 07:00; the visit is 2 of them wide.
    assert f"#v-{fw.tech.id}-{visit.id} {{ left: 41.667%; width: 16.667%;" in html
    assert "style=" not in html  # style attributes stay refused by the policy


def test_week_view_lists_each_day_with_its_visits(login, fw):
    visit = fw.scheduled()
    html = (
        login("dispatcher").get("/orders/schedule?day=2026-06-10&span=week").get_data(as_text=True)
    )
    assert "Week of 8 Jun 2026 to 14 Jun 2026" in html
    assert "Mon 8 Jun" in html
    assert "Sun 14 Jun" in html
    assert visit.reference in html
    assert 'data-day="2026-06-14"' in html
    assert "style nonce" not in html  # a week view places nothing by the hour


def test_bookkeeper_reads_the_schedule_without_moving_anything(login, fw):
    fw.scheduled()
    html = login("bookkeeper").get("/orders/schedule").get_data(as_text=True)
    assert "Theo Tech" in html
    assert "data-move-url" not in html
    assert "move-form" not in html
    assert "Assign…" not in html


def test_in_progress_and_finished_visits_cannot_be_dragged(login, fw):
    working = fw.worked()
    html = login("dispatcher").get("/orders/schedule").get_data(as_text=True)
    assert working.reference in html
    assert f'data-move-url="/orders/{working.id}/move"' not in html
    assert f"/orders/{working.id}/assign" in html  # its team still changes through Assign…


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("day=14-06-2026", "is not a date (YYYY-MM-DD); showing today."),
        ("day=2026-02-30", "is not a date (YYYY-MM-DD); showing today."),
        ("span=month", "Show a day or a week."),
        ("day=9999-12-31", "The schedule shows 2000 to 2099; showing today."),
        ("day=0001-01-01", "The schedule shows 2000 to 2099; showing today."),
    ],
)
def test_a_bad_day_or_span_says_so_and_shows_today(login, fw, query, message):
    response = login("dispatcher").get(f"/orders/schedule?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "Sunday 14 Jun 2026" in html


def test_schedule_is_in_the_dispatcher_menu_and_marked_there(login, fw):
    html = login("dispatcher").get("/orders/schedule").get_data(as_text=True)
    assert 'href="/orders/schedule" aria-current="page">Schedule' in html
    assert 'href="/orders" aria-current="page"' not in html


# Moving a visit (what a drop posts)


def _move(client, order_id, **form):  # type: ignore[no-untyped-def]
    form.setdefault("day", "2026-06-14")
    form.setdefault("span", "day")
    return client.post(f"/orders/{order_id}/move", data=form, follow_redirects=True)


def test_dropping_a_visit_on_another_lane_moves_it_and_keeps_its_length(login, fw, session):
    order = fw.scheduled()
    response = _move(
        login("dispatcher"),
        order.id,
        start="2026-06-15T09:30",
        technician_id=fw.tech2.id,
        from_technician_id=fw.tech.id,
    )
    html = _flashes(response)
    assert response.request.path == "/orders/schedule"
    assert (
        f"{order.reference} moved to Tara Tech, 15 Jun 2026 09:30\u201311:30 "
        "(was Theo Tech, 14 Jun 2026 12:00\u201314:00)." in html
    )
    session.expire_all()
    moved = session.get(ServiceOrder, order.id)
    assert moved.technician_ids == {fw.tech2.id}
    assert moved.scheduled_start == _local(date(2026, 6, 15), 9, 30)
    assert moved.scheduled_end - moved.scheduled_start == timedelta(hours=2)


def test_a_new_order_dropped_on_a_lane_is_scheduled_for_two_hours(login, fw, session):
    order = fw.order()
    response = _move(
        login("dispatcher"), order.id, start="2026-06-14T08:00", technician_id=fw.tech.id
    )
    assert f"{order.reference} moved to Theo Tech, 14 Jun 2026 08:00\u201310:00" in _flashes(
        response
    )
    session.expire_all()
    moved = session.get(ServiceOrder, order.id)
    assert moved.state == "scheduled"
    assert moved.scheduled_end - moved.scheduled_start == services.DEFAULT_VISIT


def test_moving_one_technician_of_a_team_keeps_the_others(login, fw, session):
    third = UserFactory(role="technician", name="Tom Third")
    order = _visit(fw, [fw.tech, fw.tech2], _local(SUNDAY, 9), _local(SUNDAY, 10))
    _move(
        login("dispatcher"),
        order.id,
        start="2026-06-14T09:00",
        technician_id=third.id,
        from_technician_id=fw.tech.id,
    )
    session.expire_all()
    assert session.get(ServiceOrder, order.id).technician_ids == {fw.tech2.id, third.id}


def test_a_drop_onto_a_time_clashing_with_another_visit_warns(login, fw):
    fw.scheduled(fw.tech2)  # Tara 12:00-14:00
    order = fw.scheduled()
    html = _flashes(
        _move(
            login("dispatcher"),
            order.id,
            start="2026-06-14T13:00",
            technician_id=fw.tech2.id,
            from_technician_id=fw.tech.id,
        )
    )
    assert "Overlap: Tara Tech is also on" in html


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"start": ""}, "Drop the visit where it should start."),
        ({"start": "tomorrow"}, "Enter a date and time as YYYY-MM-DDTHH:MM."),
        ({"technician_id": ""}, "Drop the visit on a technician&#39;s lane."),
        ({"technician_id": "bookkeeper"}, "is not an active technician"),
        ({"from_technician_id": "tech2"}, "It is no longer with that technician"),
        ({"from_technician_id": "xyz"}, "Send the lane&#39;s technician as a user id."),
        ({"start": "9999-12-31T23:00"}, "Plan visits between 2000 and 2099."),
        ({"start": "0001-01-01T00:00"}, "Plan visits between 2000 and 2099."),
    ],
)
def test_a_refused_drop_says_why_and_changes_nothing(login, fw, session, form, message):
    order = fw.scheduled()
    ids = {"bookkeeper": fw.bookkeeper.id, "tech2": fw.tech2.id}
    values = {
        "start": "2026-06-15T09:00",
        "technician_id": fw.tech2.id,
        "from_technician_id": fw.tech.id,
        **{key: ids.get(value, value) for key, value in form.items()},
    }
    html = _flashes(_move(login("dispatcher"), order.id, **values))
    assert "Not moved." in html
    assert message in html
    session.expire_all()
    unchanged = session.get(ServiceOrder, order.id)
    assert unchanged.technician_ids == {fw.tech.id}
    assert unchanged.scheduled_start == NOW + timedelta(hours=1)


def test_an_order_in_progress_keeps_its_window(login, fw, session):
    order = fw.worked()
    html = _flashes(
        _move(
            login("dispatcher"),
            order.id,
            start="2026-06-15T09:00",
            technician_id=fw.tech.id,
            from_technician_id=fw.tech.id,
        )
    )
    assert "it is in progress" in html
    session.expire_all()
    assert session.get(ServiceOrder, order.id).scheduled_start == NOW + timedelta(hours=1)


def test_after_a_move_the_week_it_was_made_on_is_shown_again(login, fw):
    order = fw.scheduled()
    response = login("dispatcher").post(
        f"/orders/{order.id}/move",
        data={
            "start": "2026-06-09T12:00",
            "technician_id": fw.tech.id,
            "from_technician_id": fw.tech.id,
            "day": "2026-06-08",
            "span": "week",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == (
        f"/orders/schedule?day=2026-06-08&span=week#lane-{fw.tech.id}"
    )


def test_dropping_one_of_a_team_on_a_colleague_already_there_is_refused(login, fw, session):
    order = _visit(fw, [fw.tech, fw.tech2], _local(SUNDAY, 9), _local(SUNDAY, 10))
    html = _flashes(
        _move(
            login("dispatcher"),
            order.id,
            start="2026-06-14T09:00",
            technician_id=fw.tech2.id,
            from_technician_id=fw.tech.id,
        )
    )
    assert "That technician is already on it; use Assign… to change the team." in html
    session.expire_all()
    assert session.get(ServiceOrder, order.id).technician_ids == {fw.tech.id, fw.tech2.id}


def test_a_visit_past_midnight_says_which_day_it_starts_and_ends(login, fw):
    night = _visit(fw, [fw.tech], _local(date(2026, 6, 10), 22), _local(date(2026, 6, 11), 2))
    html = login("dispatcher").get("/orders/schedule?day=2026-06-11").get_data(as_text=True)
    assert "Wed 10 Jun 22:00\u201302:00" in html
    # The card on the second day still carries the visit's own start for a drag.
    assert 'data-start="2026-06-10T22:00" data-day="2026-06-11" data-from-minute="0"' in html
    flash = _flashes(
        _move(
            login("dispatcher"),
            night.id,
            start="2026-06-12T22:00",
            technician_id=fw.tech.id,
            from_technician_id=fw.tech.id,
        )
    )
    assert "Theo Tech, 12 Jun 2026 22:00\u201313 Jun 2026 02:00" in flash
