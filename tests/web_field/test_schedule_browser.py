"""The schedule in Chromium at tablet size: a visit dragged with the mouse to another lane
and time, a new order dragged by its grip with a finger (touch input through the browser's
own pipeline), Escape cancelling a drag, and a finger on a card's text not starting one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.extensions import db
from app.service_orders.models import ServiceOrder
from tests.conftest import DEFAULT_NOW
from tests.web_field.browser import Live, tablet_page

pytestmark = pytest.mark.browser
DAY = "/orders/schedule?day=2026-06-14"  # DEFAULT_NOW's day; Dublin is UTC+1 in June


def _seed(server: Live) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        from app.service_orders import services
        from tests.factories import CustomerFactory, UserFactory

        dispatcher = UserFactory(role="dispatcher", name="Dana Dispatch")
        theo = UserFactory(role="technician", name="Theo Tech")
        tara = UserFactory(role="technician", name="Tara Tech")
        customer = CustomerFactory(name="Acme Facilities")
        visit = services.create_order(dispatcher, customer_id=customer.id, description="Boiler")
        services.schedule_order(
            dispatcher,
            visit.id,
            start=DEFAULT_NOW - timedelta(hours=1),  # 10:00-12:00 local
            end=DEFAULT_NOW + timedelta(hours=1),
            technician_ids=[theo.id],
        )
        waiting = services.create_order(dispatcher, customer_id=customer.id, description="Pump")
        return {
            "dispatcher": dispatcher.email,
            "theo": theo.id,
            "tara": tara.id,
            "visit": visit.id,
            "visit_ref": visit.reference,
            "waiting": waiting.id,
            "waiting_ref": waiting.reference,
        }

    return server.seed(build)  # type: ignore[no-any-return]


def _order(server: Live, order_id: int) -> tuple[set[int], Any, Any, str]:
    with server.app.app_context():
        order = db.session.get(ServiceOrder, order_id)
        return order.technician_ids, order.scheduled_start, order.scheduled_end, order.state


def _lane_point(page: Any, technician_id: int, local_hour: float) -> tuple[float, float]:
    """The screen point on a technician's lane at a wall-clock hour of the day shown."""
    lane = page.locator(f"[data-drop][data-technician='{technician_id}']")
    box = lane.bounding_box()
    first = int(lane.get_attribute("data-first-minute")) / 60
    last = int(lane.get_attribute("data-last-minute")) / 60
    return box["x"] + (local_hour - first) / (last - first) * box["width"], box["y"] + 20


def test_mouse_drag_moves_a_visit_to_another_lane_and_time(live, browser):
    data = _seed(live)
    page = tablet_page(browser, live, data["dispatcher"])
    page.goto(live.url + DAY)
    card = page.locator(f"#v-{data['theo']}-{data['visit']}")
    box = card.bounding_box()
    # Grab the card one hour in from its left edge (its 11:00) and drop that point at 15:00
    # on Tara's lane: the visit then starts at 14:00.
    grab_x = box["x"] + box["width"] / 2
    page.mouse.move(grab_x, box["y"] + 10)
    page.mouse.down()
    x, y = _lane_point(page, data["tara"], 15)
    page.mouse.move(x, y, steps=12)
    assert page.locator(".sched-ghost-where").inner_text() == "Tara Tech · Sun, 14 Jun 14:00"
    page.mouse.up()
    page.wait_for_selector(".flash-success")
    assert (
        f"{data['visit_ref']} moved to Tara Tech, 14 Jun 2026 14:00\u201316:00 "
        "(was Theo Tech, 14 Jun 2026 10:00\u201312:00)."
        in page.locator(".flash-success").inner_text()
    )
    technicians, start, end, _state = _order(live, data["visit"])
    assert technicians == {data["tara"]}
    assert start == DEFAULT_NOW + timedelta(hours=3)
    assert end - start == timedelta(hours=2)
    assert page.locator(f"#v-{data['tara']}-{data['visit']}").is_visible()
    assert page.js_errors == []


def test_a_finger_on_the_grip_drags_a_new_order_onto_a_lane(live, browser):
    data = _seed(live)
    page = tablet_page(browser, live, data["dispatcher"])
    page.goto(live.url + DAY)
    grip = page.locator(f".sched-tray .sched-visit:has-text('{data['waiting_ref']}') .sched-grip")
    grip.scroll_into_view_if_needed()
    box = grip.bounding_box()
    start = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    x, y = _lane_point(page, data["theo"], 16)
    touch = page.context.new_cdp_session(page)
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [start]})
    for step in range(1, 11):
        point = {
            "x": start["x"] + (x - start["x"]) * step / 10,
            "y": start["y"] + (y - start["y"]) * step / 10,
        }
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_selector(".flash-success")
    assert (
        f"{data['waiting_ref']} moved to Theo Tech" in page.locator(".flash-success").inner_text()
    )
    technicians, start_at, end_at, state = _order(live, data["waiting"])
    assert (technicians, state) == ({data["theo"]}, "scheduled")
    assert end_at - start_at == timedelta(hours=2)
    assert page.js_errors == []


def test_escape_cancels_a_drag_and_nothing_is_sent(live, browser):
    data = _seed(live)
    page = tablet_page(browser, live, data["dispatcher"])
    page.goto(live.url + DAY)
    box = page.locator(f"#v-{data['theo']}-{data['visit']}").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10)
    page.mouse.down()
    x, y = _lane_point(page, data["tara"], 15)
    page.mouse.move(x, y, steps=8)
    page.keyboard.press("Escape")
    assert page.locator(".sched-ghost").count() == 0
    page.mouse.up()
    assert page.locator("#sched-status").inner_text() == "Move cancelled."
    assert page.locator(".flash").count() == 0
    assert _order(live, data["visit"])[0] == {data["theo"]}


def test_a_finger_on_a_card_s_text_scrolls_instead_of_dragging(live, browser):
    data = _seed(live)
    page = tablet_page(browser, live, data["dispatcher"])
    page.goto(live.url + DAY)
    text = page.locator(f"#v-{data['theo']}-{data['visit']} .sched-customer").bounding_box()
    start = {"x": text["x"] + 5, "y": text["y"] + 5}
    x, y = _lane_point(page, data["tara"], 15)
    touch = page.context.new_cdp_session(page)
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [start]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    assert page.locator(".sched-ghost").count() == 0
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(300)
    assert page.url.endswith(DAY)
    assert _order(live, data["visit"])[0] == {data["theo"]}


def test_a_visit_past_midnight_dragged_by_its_second_day_moves_by_one_day(live, browser):
    data = _seed(live)

    def night() -> int:
        from app.auth.models import User
        from app.service_orders import services

        dispatcher = db.session.scalar(db.select(User).where(User.role == "dispatcher"))
        order = services.create_order(
            dispatcher,
            customer_id=db.session.get(ServiceOrder, data["visit"]).customer_id,
            description="Night shift",
        )
        services.schedule_order(
            dispatcher,
            order.id,
            start=DEFAULT_NOW - timedelta(days=3, hours=-11),  # Thu 11 Jun 22:00 local
            end=DEFAULT_NOW - timedelta(days=3, hours=-15),  # Fri 12 Jun 02:00 local
            technician_ids=[data["theo"]],
        )
        return order.id

    order_id = live.seed(night)
    page = tablet_page(browser, live, data["dispatcher"])
    page.goto(live.url + "/orders/schedule?day=2026-06-14&span=week")
    second_day = page.locator(
        f"td[data-day='2026-06-12'] .sched-visit[data-move-url*='/{order_id}/']"
    )
    box = second_day.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 10)
    page.mouse.down()
    target = page.locator(f"td[data-technician='{data['theo']}'][data-day='2026-06-13']")
    cell = target.bounding_box()
    page.mouse.move(cell["x"] + cell["width"] / 2, cell["y"] + cell["height"] / 2, steps=10)
    # It moves by the day it was carried, from its own start the evening before.
    assert page.locator(".sched-ghost-where").inner_text() == "Theo Tech · Fri, 12 Jun 22:00"
    page.mouse.up()
    page.wait_for_selector(".flash-success")
    _technicians, start, end, _state = _order(live, order_id)
    assert start == DEFAULT_NOW - timedelta(days=2, hours=-11)  # Fri 12 Jun 22:00 local
    assert end - start == timedelta(hours=4)
