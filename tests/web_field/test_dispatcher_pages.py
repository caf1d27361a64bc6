"""Dispatcher pages: board and list with URL filters and counts, create/edit, assign with
overlap flags, review and close, re-open, cancel, the invoicing queue."""

from __future__ import annotations

from datetime import timedelta

from app.invoicing.models import Invoice
from app.service_orders import handover, signoff
from app.service_orders.models import ServiceOrder, TimeEntry
from tests.conftest import DEFAULT_NOW
from tests.web_field.conftest import count

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_board_shows_counts_per_status_tab(login, fw):
    fw.order()
    fw.scheduled()
    fw.worked()
    html = login("dispatcher").get("/orders").get_data(as_text=True)
    assert 'data-state="new">New <span class="count">1</span>' in html
    assert 'data-state="scheduled">Scheduled <span class="count">1</span>' in html
    assert 'data-state="in_progress">In progress <span class="count">1</span>' in html


def test_list_filters_by_status_technician_and_text_from_the_url(login, fw):
    mine = fw.scheduled(description="Leaking tap in kitchen")
    fw.scheduled(fw.tech2, description="Leaking roof")
    fw.order(description="Leaking gutter")
    html = (
        login("dispatcher")
        .get(f"/orders?view=list&state=scheduled&technician={fw.tech.id}&q=leaking")
        .get_data(as_text=True)
    )
    assert mine.reference in html
    assert "Leaking roof" not in html
    assert "Leaking gutter" not in html
    assert "Showing 1\u20131 of 1" in html


def test_list_with_no_match_offers_clear_filters(login, fw):
    fw.order()
    html = login("dispatcher").get("/orders?view=list&q=nothing-like-this").get_data(as_text=True)
    assert "No orders match" in html
    assert "Clear filters" in html


def test_list_filters_by_date_range(login, fw):
    today = fw.scheduled()
    html = login("dispatcher").get("/orders?view=list&from=2026-06-15&to=2026-06-20")
    assert today.reference not in html.get_data(as_text=True)


def test_create_order_without_description_writes_nothing(login, fw, session):
    before = count(session, ServiceOrder)
    response = login("dispatcher").post(
        "/orders/new", data={"customer_id": fw.customer.id, "description": " "}
    )
    assert response.status_code == 422
    assert "Describe the work to be done." in response.get_data(as_text=True)
    assert count(session, ServiceOrder) == before


def test_create_order_with_half_a_window_writes_nothing(login, fw, session):
    before = count(session, ServiceOrder)
    response = login("dispatcher").post(
        "/orders/new",
        data={"customer_id": fw.customer.id, "description": "Fix", "start": "2026-06-15T09:00"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter when the visit ends" in html
    assert "Assign a technician" in html
    assert count(session, ServiceOrder) == before


def test_create_order_with_window_schedules_it(login, fw, session):
    response = login("dispatcher").post(
        "/orders/new",
        data={
            "customer_id": fw.customer.id,
            "site_id": fw.site.id,
            "contact_id": fw.contact.id,
            "description": "Service the boiler",
            "priority": "high",
            "start": "2026-06-15T09:00",
            "end": "2026-06-15T11:00",
            "technician_ids": [fw.tech.id],
        },
    )
    assert response.status_code == 302
    order = session.query(ServiceOrder).order_by(ServiceOrder.id.desc()).first()
    assert (order.state, order.priority, order.technician_ids) == (
        "scheduled",
        "high",
        {fw.tech.id},
    )


def test_create_order_form_lists_sites_of_the_chosen_customer(login, fw):
    html = login("dispatcher").get(f"/orders/new?customer_id={fw.customer.id}")
    assert "Head office" in html.get_data(as_text=True)


def test_edit_order_with_site_of_another_customer_is_refused(login, fw, session):
    order = fw.order()
    from app.customers.sites import add_site

    foreign = add_site(fw.dispatcher, fw.other_customer.id, name="Hotel")
    response = login("dispatcher").post(
        f"/orders/{order.id}/edit",
        data={"customer_id": fw.customer.id, "site_id": foreign.id, "description": "x"},
    )
    assert response.status_code == 422
    assert "Choose a site of this order" in response.get_data(as_text=True)
    assert session.get(ServiceOrder, order.id).site_id == fw.site.id


def test_assign_flags_an_overlapping_visit(login, fw):
    busy = fw.scheduled()
    order = fw.order()
    response = login("dispatcher").post(
        f"/orders/{order.id}/assign",
        data={
            "start": "2026-06-14T12:30",
            "end": "2026-06-14T13:30",
            "technician_ids": [fw.tech.id],
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert f"Overlap: Theo Tech is also on {busy.reference}" in html


def test_assign_without_technician_writes_nothing(login, fw, session):
    order = fw.order()
    response = login("dispatcher").post(
        f"/orders/{order.id}/assign",
        data={"start": "2026-06-15T09:00", "end": "2026-06-15T10:00"},
    )
    assert response.status_code == 422
    assert "Assign at least one technician." in response.get_data(as_text=True)
    assert session.get(ServiceOrder, order.id).state == "new"


def test_review_shows_actual_and_billable_time_and_flags(login, fw):
    order = fw.worked(minutes=50)
    html = login("dispatcher").get(f"/orders/{order.id}").get_data(as_text=True)
    assert '<td class="num" data-billable="normal">1:00</td>' in html
    assert "0:50" in html
    assert "The customer has not signed." in html
    assert "No report was written." in html


def test_review_flags_a_running_timer_and_a_very_long_entry(login, fw):
    from app.service_orders import timesheets

    order = fw.worked(minutes=11 * 60)
    timesheets.start_timer(fw.tech, order.id)
    html = login("dispatcher").get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Theo Tech&#39;s timer is still running." in html
    assert "one entry of 11 h 00 min" in html


def test_close_with_running_timer_is_refused_and_order_stays_open(login, fw, session):
    from app.service_orders import timesheets

    order = fw.worked()
    timesheets.start_timer(fw.tech, order.id)
    response = login("dispatcher").post(f"/orders/{order.id}/close")
    assert response.status_code == 422
    assert "timer is still running" in response.get_data(as_text=True)
    assert session.get(ServiceOrder, order.id).state == "in_progress"


def test_correct_time_with_bad_duration_writes_nothing(login, fw, session):
    order = fw.worked(minutes=50)
    entry = order.time_entries[0]
    response = login("dispatcher").post(
        f"/orders/time/{entry.id}/correct", data={"duration": "lots"}
    )
    assert response.status_code == 422
    assert session.get(TimeEntry, entry.id).minutes == 50


def test_correct_time_changes_the_minutes(login, fw, session):
    order = fw.worked(minutes=50)
    entry = order.time_entries[0]
    login("dispatcher").post(f"/orders/time/{entry.id}/correct", data={"duration": "0:45"})
    assert session.get(TimeEntry, entry.id).minutes == 45


def test_send_back_clears_the_technicians_done_mark(login, fw, session, uploads):
    order = fw.worked()
    signoff.update_report(fw.tech, order.id, "Done")
    signoff.sign_order(fw.tech, order.id, PNG, signer_name="Cora")
    handover.finish_work(fw.tech, order.id)
    login("dispatcher").post(f"/orders/{order.id}/send-back")
    assert handover.finished_mark(order.id) is None


def test_reopen_done_order_returns_it_to_in_progress(login, fw, session):
    order = fw.done()
    response = login("dispatcher").post(f"/orders/{order.id}/reopen")
    assert response.status_code == 302
    assert session.get(ServiceOrder, order.id).state == "in_progress"


def test_cancel_without_reason_writes_nothing(login, fw, session):
    order = fw.scheduled()
    response = login("dispatcher").post(f"/orders/{order.id}/cancel", data={"reason": ""})
    assert response.status_code == 422
    assert session.get(ServiceOrder, order.id).state == "scheduled"


def test_cancel_with_reason_cancels(login, fw, session):
    order = fw.scheduled()
    login("dispatcher").post(f"/orders/{order.id}/cancel", data={"reason": "Customer called"})
    stored = session.get(ServiceOrder, order.id)
    assert (stored.state, stored.cancel_reason) == ("cancelled", "Customer called")


def test_queue_groups_done_orders_by_customer(login, fw):
    a1, a2, b1 = fw.done(), fw.done(), fw.done(fw.other_customer)
    html = login("dispatcher").get("/orders/invoicing").get_data(as_text=True)
    assert html.index("Acme Facilities") < html.index(a1.reference) < html.index(a2.reference)
    assert html.index("Brightside Hotels") < html.index(b1.reference)


def test_queue_with_orders_of_two_customers_explains_and_writes_nothing(login, fw, session):
    a, b = fw.done(), fw.done(fw.other_customer)
    response = login("dispatcher").post("/orders/invoicing", data={"order_ids": [a.id, b.id]})
    assert response.status_code == 422
    assert "One invoice bills one customer" in response.get_data(as_text=True)
    assert count(session, Invoice) == 0


def test_queue_with_nothing_ticked_asks_for_orders(login, fw, session):
    fw.done()
    response = login("dispatcher").post("/orders/invoicing", data={})
    assert response.status_code == 422
    assert "Tick one or more orders" in response.get_data(as_text=True)


def test_queue_creates_one_draft_for_two_orders_and_opens_it(login, fw, session):
    a, b = fw.done(), fw.done()
    response = login("dispatcher").post("/orders/invoicing", data={"order_ids": [a.id, b.id]})
    invoice = session.query(Invoice).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/invoices/{invoice.id}/edit")
    assert {session.get(ServiceOrder, o.id).invoice_id for o in (a, b)} == {invoice.id}


def test_dispatcher_home_shows_board_counts(login, fw):
    fw.done()
    fw.scheduled()
    html = login("dispatcher").get("/").get_data(as_text=True)
    assert 'data-figure="to-invoice">1<' in html
    assert "data-board-counts" in html


def test_schedule_start_defaults_to_company_time(login, fw, session):
    order = fw.order()
    login("dispatcher").post(
        f"/orders/{order.id}/assign",
        data={
            "start": "2026-06-15T09:00",
            "end": "2026-06-15T10:00",
            "technician_ids": [fw.tech.id],
        },
    )
    stored = session.get(ServiceOrder, order.id)
    # 09:00 in Dublin in June is 08:00 UTC.
    assert stored.scheduled_start == DEFAULT_NOW + timedelta(hours=22)


def test_board_marks_overlapping_visits_of_one_technician(login, fw):
    first, second = fw.scheduled(), fw.scheduled()
    other = fw.scheduled(fw.tech2)
    html = login("dispatcher").get("/orders").get_data(as_text=True)
    assert html.count("Overlap</span>") == 2
    card = html[html.index(f'<span class="strong">{other.reference}') :][:400]
    assert "Overlap" not in card
    assert first.id != second.id
