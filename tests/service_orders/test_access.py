"""Who may see and do what: technicians see their own orders only, and no money."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from app.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from app.service_orders import parts, queries, services, timesheets
from tests.service_orders.conftest import NOW

MONEY_KEYS = {"unit_price", "vat_rate", "currency", "call_out_fee", "billed_minutes"}


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_technician_order_view_has_no_money(world: Any) -> None:
    order = world.in_progress(fee=True)
    parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="1")
    view = queries.order_view(world.tech, order.id)
    assert _keys(view) & MONEY_KEYS == set()
    assert view["parts"][0]["description"] == "Radiator valve"


def test_dispatcher_order_view_has_prices(world: Any) -> None:
    order = world.in_progress(fee=True)
    parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="1")
    timesheets.log_time(world.tech, order.id, minutes=20)
    view = queries.order_view(world.dispatcher, order.id)
    assert str(view["parts"][0]["unit_price"]) == "24.90"
    assert view["call_out_fee"]["name"] == "Call-out fee"
    assert view["billed_minutes"] == {"normal": 30}


def test_technician_view_shows_own_time_only(world: Any) -> None:
    order = world.in_progress(world.tech, world.tech2)
    timesheets.log_time(world.tech, order.id, minutes=20)
    timesheets.log_time(world.tech2, order.id, minutes=40)
    view = queries.order_view(world.tech, order.id)
    assert [e["minutes"] for e in view["time_entries"]] == [20]


def test_other_technicians_order_is_not_found(world: Any) -> None:
    order = world.scheduled(world.tech)
    with pytest.raises(NotFound):
        queries.order_view(world.tech2, order.id)
    with pytest.raises(NotFound):
        services.start_order(world.tech2, order.id)


def test_list_orders_for_technician_shows_assigned_only(world: Any, session: Any) -> None:
    mine = world.scheduled(world.tech)
    world.scheduled(world.tech2)
    shared = world.scheduled(world.tech, world.tech2)
    ids = [o.id for o in session.scalars(queries.list_orders(world.tech))]
    assert ids == [shared.id, mine.id]


def test_list_orders_technician_filter_cannot_widen(world: Any, session: Any) -> None:
    world.scheduled(world.tech2)
    stmt = queries.list_orders(world.tech, technician_id=world.tech2.id)
    assert list(session.scalars(stmt)) == []


def test_list_orders_filters_by_state_and_reference(world: Any, session: Any) -> None:
    first = world.scheduled()
    world.order()
    by_state = [
        o.id for o in session.scalars(queries.list_orders(world.dispatcher, state="scheduled"))
    ]
    by_ref = [
        o.id for o in session.scalars(queries.list_orders(world.dispatcher, q=first.reference))
    ]
    assert by_state == [first.id]
    assert by_ref == [first.id]


def test_list_orders_unknown_state_refused(world: Any) -> None:
    with pytest.raises(ValidationFailed):
        queries.list_orders(world.dispatcher, state="lost")


def test_technician_day_lists_scheduled_orders(world: Any, session: Any) -> None:
    today = world.scheduled(world.tech)
    order = world.order()
    services.schedule_order(
        world.dispatcher,
        order.id,
        start=NOW + timedelta(days=1),
        end=NOW + timedelta(days=1, hours=2),
        technician_ids=[world.tech.id],
    )
    day = [o.id for o in session.scalars(queries.technician_day(world.tech, date(2026, 6, 14)))]
    assert day == [today.id]


def test_technician_cannot_create_order(world: Any) -> None:
    with pytest.raises(Forbidden):
        services.create_order(world.tech, customer_id=world.customer.id, description="x")


def test_technician_cannot_complete_order(world: Any) -> None:
    order = world.in_progress()
    with pytest.raises(Forbidden):
        services.complete_order(world.tech, order.id)


def test_create_order_with_site_of_other_customer_refused(world: Any) -> None:
    from app.customers.sites import add_site

    site = add_site(world.dispatcher, world.other_customer.id, name="Hotel kitchen")
    with pytest.raises(ValidationFailed) as error:
        world.order(site_id=site.id)
    assert "site_id" in error.value.fields


def test_create_order_without_description_refused(world: Any) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.create_order(world.dispatcher, customer_id=world.customer.id, description=" ")
    assert "description" in error.value.fields


def refused_schedule(world: Any, **changes: Any) -> dict[str, list[str]]:
    """The field errors of scheduling a new order for one hour from NOW, with `changes`."""
    values = {"start": NOW, "end": NOW + timedelta(hours=1), "technician_ids": [world.tech.id]}
    with pytest.raises(ValidationFailed) as error:
        services.schedule_order(world.dispatcher, world.order().id, **{**values, **changes})
    return error.value.fields


def test_schedule_without_technician_refused(world: Any) -> None:
    assert "technician_ids" in refused_schedule(world, technician_ids=[])


def test_schedule_with_non_technician_refused(world: Any) -> None:
    fields = refused_schedule(world, technician_ids=[world.bookkeeper.id])
    assert "not an active technician" in fields["technician_ids[0]"][0]


def test_schedule_with_non_technician_refused_naming_its_place(world: Any) -> None:
    fields = refused_schedule(world, technician_ids=[world.tech.id, world.bookkeeper.id])
    assert fields == {
        "technician_ids[1]": [f"User {world.bookkeeper.id} is not an active technician."]
    }


def test_schedule_end_before_start_refused(world: Any) -> None:
    assert "end" in refused_schedule(world, end=NOW - timedelta(hours=1))


def test_unassigning_technician_with_time_refused(world: Any) -> None:
    order = world.in_progress(world.tech, world.tech2)
    timesheets.log_time(world.tech2, order.id, minutes=10)
    with pytest.raises(InvalidTransition, match="recorded time"):
        services.assign_technicians(world.dispatcher, order.id, [world.tech.id])


def test_complete_with_running_timer_refused(world: Any) -> None:
    order = world.scheduled()
    timesheets.start_timer(world.tech, order.id)
    with pytest.raises(InvalidTransition, match="timer is still running"):
        services.complete_order(world.dispatcher, order.id)


def test_update_order_changes_priority_only(world: Any) -> None:
    order = world.order(priority="low")
    services.update_order(world.dispatcher, order.id, priority="urgent")
    assert (order.priority, order.description) == ("urgent", "Boiler pressure drops overnight")


def test_update_order_customer_clears_old_site(world: Any) -> None:
    from app.customers.sites import add_site

    site = add_site(world.dispatcher, world.customer.id, name="Plant room")
    order = world.order(site_id=site.id)
    services.update_order(world.dispatcher, order.id, customer_id=world.other_customer.id)
    assert (order.customer_id, order.site_id) == (world.other_customer.id, None)


def test_update_order_customer_after_work_recorded_refused(world: Any) -> None:
    order = world.in_progress()
    timesheets.log_time(world.tech, order.id, minutes=10)
    with pytest.raises(ValidationFailed) as error:
        services.update_order(world.dispatcher, order.id, customer_id=world.other_customer.id)
    assert "customer_id" in error.value.fields


def test_update_order_state_cannot_be_mass_assigned(world: Any) -> None:
    order = world.order()
    with pytest.raises(ValidationFailed) as error:
        services.update_order(world.dispatcher, order.id, state="invoiced")
    assert error.value.fields["state"] == ["This field cannot be set."]
    assert order.state == "new"


def test_search_parts_for_technician_has_no_prices(world: Any) -> None:
    found = queries.search_parts(world.tech, "valve")
    assert [p["sku"] for p in found] == ["VALVE"]
    assert _keys(found) & {"price", "vat_rate", "currency"} == set()


def test_search_parts_for_dispatcher_has_prices(world: Any) -> None:
    found = queries.search_parts(world.dispatcher, "valve")
    assert str(found[0]["price"]) == "24.90"


def test_timesheet_shows_own_day_with_total(world: Any) -> None:
    order = world.in_progress(world.tech, world.tech2)
    timesheets.log_time(world.tech, order.id, minutes=20)
    timesheets.log_time(world.tech, order.id, minutes=25)
    timesheets.log_time(world.tech2, order.id, minutes=40)
    sheet = queries.timesheet(world.tech, date(2026, 6, 14), technician_id=world.tech2.id)
    assert (sheet["technician_id"], sheet["minutes"]) == (world.tech.id, 45)
    assert sheet["entries"][0]["order_reference"] == order.reference
