"""Technician pages: own orders only, no prices anywhere, timer, time, parts, report,
signature and mark done through the HTML routes."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

from app.core import clock
from app.service_orders.handover_models import WorkFinished
from app.service_orders.models import OrderPhoto, PartUsage, ServiceOrder, TimeEntry
from tests.conftest import DEFAULT_NOW
from tests.web_field.conftest import count

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PAD = "data:image/png;base64," + base64.b64encode(PNG).decode()


def test_show_another_technicians_order_returns_404(login, fw):
    theirs = fw.scheduled(fw.tech2)
    response = login("technician").get(f"/orders/{theirs.id}")
    assert response.status_code == 404
    assert "Boiler" not in response.get_data(as_text=True)


def test_part_search_on_another_technicians_order_returns_404(login, fw):
    theirs = fw.scheduled(fw.tech2)
    assert login("technician").get(f"/orders/{theirs.id}/parts/search?part_q=va").status_code == 404


def test_delete_another_technicians_time_returns_404_and_keeps_it(login, fw, session):
    theirs = fw.worked(fw.tech2)
    entry = theirs.time_entries[0]
    response = login("technician").post(f"/orders/time/{entry.id}/delete")
    assert response.status_code == 404
    assert session.get(TimeEntry, entry.id) is not None


def test_technician_pages_show_no_price_or_total(login, fw):
    order = fw.worked()
    client = login("technician")
    client.post(f"/orders/{order.id}/parts", data={"catalog_item_id": fw.valve.id})
    pages = [
        client.get("/").get_data(as_text=True),
        client.get(f"/orders/{order.id}").get_data(as_text=True),
        client.get(f"/orders/{order.id}/parts/search?part_q=valve").get_data(as_text=True),
        client.get("/orders/mine").get_data(as_text=True),
    ]
    for html in pages:
        assert "24.90" not in html
        assert "24,90" not in html
        assert "€" not in html
    assert "Radiator valve" in pages[2]
    assert "VALVE" in pages[2]


def test_my_day_lists_todays_visits_as_cards_with_one_button(login, fw):
    fw.scheduled()
    html = login("technician").get("/").get_data(as_text=True)
    assert html.count('class="visit-card') == 1
    assert ">Start</button>" in html
    assert "https://www.google.com/maps/search/" in html


def test_my_day_without_visits_today_shows_the_next_one(login, fw):
    order = fw.order()
    from app.service_orders import services

    services.schedule_order(
        fw.dispatcher,
        order.id,
        start=DEFAULT_NOW + timedelta(days=2),
        end=DEFAULT_NOW + timedelta(days=2, hours=1),
        technician_ids=[fw.tech.id],
    )
    html = login("technician").get("/").get_data(as_text=True)
    assert "No visits today" in html
    assert order.reference in html


def test_start_timer_twice_with_same_client_id_records_one_entry(login, fw, session):
    order = fw.scheduled()
    client = login("technician")
    client_id = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(f"/orders/{order.id}/timer/start", data={"client_id": client_id})
        assert response.status_code == 302
    assert count(session, TimeEntry) == 1
    assert session.get(ServiceOrder, order.id).state == "in_progress"


def test_start_timer_on_second_order_stops_first_with_message(login, fw, session):
    first, second = fw.scheduled(), fw.scheduled()
    client = login("technician")
    client.post(f"/orders/{first.id}/timer/start")
    clock.freeze(DEFAULT_NOW + timedelta(minutes=30))
    response = client.post(f"/orders/{second.id}/timer/start", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert f"Timer on {first.reference} stopped at 0:30" in html
    stopped = session.query(TimeEntry).filter_by(order_id=first.id).one()
    assert (stopped.running, stopped.minutes) == (False, 30)


def test_running_timer_chip_shows_on_other_pages(login, fw):
    order = fw.scheduled()
    client = login("technician")
    client.post(f"/orders/{order.id}/timer/start")
    clock.freeze(DEFAULT_NOW + timedelta(minutes=75))
    html = client.get("/orders/mine").get_data(as_text=True)
    assert 'class="timer-chip"' in html
    assert order.reference in html
    assert 'data-started="2026-06-14T10:00:00+00:00"' in html
    assert ">1:15<" in html


def test_add_time_with_unreadable_duration_writes_nothing(login, fw, session):
    order = fw.scheduled()
    response = login("technician").post(
        f"/orders/{order.id}/time", data={"duration": "an hour", "work_date": "2026-06-14"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter the time worked as h:mm" in html
    assert 'aria-invalid="true"' in html
    assert count(session, TimeEntry) == 0


def test_add_time_replayed_with_same_client_id_records_once(login, fw, session):
    order = fw.scheduled()
    client = login("technician")
    data = {"duration": "1:30", "work_date": "2026-06-14", "client_id": str(uuid.uuid4())}
    client.post(f"/orders/{order.id}/time", data=data)
    client.post(f"/orders/{order.id}/time", data=data)
    entries = session.query(TimeEntry).filter_by(order_id=order.id).all()
    assert [e.minutes for e in entries] == [90]


def test_add_time_in_the_future_is_refused_beside_the_field(login, fw, session):
    order = fw.scheduled()
    response = login("technician").post(
        f"/orders/{order.id}/time", data={"duration": "1:00", "work_date": "2026-06-20"}
    )
    assert response.status_code == 422
    assert "future day" in response.get_data(as_text=True)
    assert count(session, TimeEntry) == 0


def test_step_part_up_changes_quantity_in_place(login, fw, session):
    order = fw.worked()
    client = login("technician")
    client.post(f"/orders/{order.id}/parts", data={"catalog_item_id": fw.valve.id})
    client.post(
        f"/orders/{order.id}/parts/step",
        data={"key": f"item-{fw.valve.id}", "seen": "1", "delta": "+1"},
    )
    rows = session.query(PartUsage).filter_by(order_id=order.id).all()
    assert [str(r.quantity) for r in rows] == ["2.000"]


def test_step_part_with_stale_quantity_changes_nothing(login, fw, session):
    order = fw.worked()
    client = login("technician")
    client.post(f"/orders/{order.id}/parts", data={"catalog_item_id": fw.valve.id})
    data = {"key": f"item-{fw.valve.id}", "seen": "1", "delta": "+1"}
    client.post(f"/orders/{order.id}/parts/step", data=data)
    response = client.post(f"/orders/{order.id}/parts/step", data=data, follow_redirects=True)
    assert "had changed already" in response.get_data(as_text=True)
    assert str(session.query(PartUsage).filter_by(order_id=order.id).one().quantity) == "2.000"


def test_remove_part_removes_all_its_lines(login, fw, session):
    order = fw.worked()
    client = login("technician")
    client.post(f"/orders/{order.id}/parts", data={"catalog_item_id": fw.valve.id})
    client.post(f"/orders/{order.id}/parts/remove", data={"key": f"item-{fw.valve.id}"})
    assert count(session, PartUsage) == 0


def test_save_report_by_htmx_answers_saved_time(login, fw, session):
    order = fw.worked()
    response = login("technician").post(
        f"/orders/{order.id}/report",
        data={"report": "Bled the radiators."},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved 11:00" in response.get_data(as_text=True)
    assert session.get(ServiceOrder, order.id).report == "Bled the radiators."


def test_sign_without_name_writes_nothing(login, fw, session, uploads):
    order = fw.worked()
    response = login("technician").post(
        f"/orders/{order.id}/sign", data={"signature": PAD, "signer_name": " "}
    )
    assert response.status_code == 422
    assert "Enter the name of the person signing." in response.get_data(as_text=True)
    assert session.get(ServiceOrder, order.id).signed_at is None


def test_sign_without_drawing_asks_for_signature(login, fw, session, uploads):
    order = fw.worked()
    response = login("technician").post(
        f"/orders/{order.id}/sign", data={"signature": "", "signer_name": "Cora"}
    )
    assert response.status_code == 422
    assert "Ask the customer to sign in the box." in response.get_data(as_text=True)
    assert session.get(ServiceOrder, order.id).signed_at is None


def test_sign_with_pad_image_and_name_stores_signature(login, fw, session, uploads):
    order = fw.worked()
    client = login("technician")
    response = client.post(
        f"/orders/{order.id}/sign", data={"signature": PAD, "signer_name": "Cora Contact"}
    )
    assert response.status_code == 302
    stored = session.get(ServiceOrder, order.id)
    assert stored.signed_by_name == "Cora Contact"
    image = client.get(f"/orders/{order.id}/signature.png")
    body = image.data
    image.close()
    assert body == PNG


def test_upload_a_non_image_photo_is_refused_and_writes_nothing(login, fw, session, uploads):
    import io

    order = fw.worked()
    response = login("technician").post(
        f"/orders/{order.id}/photos",
        data={"photos": (io.BytesIO(b"%PDF-1.4 not a photo"), "site.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "site.jpg: Upload a JPEG, PNG or WebP image." in response.get_data(as_text=True)
    assert count(session, OrderPhoto) == 0


def test_upload_photos_stores_each_and_serves_them(login, fw, session, uploads):
    import io

    order = fw.worked()
    client = login("technician")
    response = client.post(
        f"/orders/{order.id}/photos",
        data={"photos": [(io.BytesIO(PNG), "a.png"), (io.BytesIO(PNG), "b.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photos = session.query(OrderPhoto).filter_by(order_id=order.id).all()
    assert len(photos) == 2
    served = client.get(f"/orders/photos/{photos[0].id}")
    body = served.data
    served.close()
    assert body == PNG


def test_mark_done_with_missing_items_links_each_to_its_section(login, fw, session):
    order = fw.worked()
    response = login("technician").post(f"/orders/{order.id}/finish")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'href="#report-text"' in html
    assert 'href="#signoff"' in html
    assert "Have the customer sign." in html
    assert count(session, WorkFinished) == 0


def test_mark_done_with_checklist_complete_hands_over(login, fw, session, uploads):
    order = fw.worked()
    client = login("technician")
    client.post(f"/orders/{order.id}/report", data={"report": "Fixed."})
    client.post(f"/orders/{order.id}/sign", data={"signature": PAD, "signer_name": "Cora"})
    response = client.post(f"/orders/{order.id}/finish", follow_redirects=True)
    assert f"{order.reference} marked done" in response.get_data(as_text=True)
    assert session.query(WorkFinished).filter_by(order_id=order.id).count() == 1
    assert session.get(ServiceOrder, order.id).state == "in_progress"


def test_remove_part_offers_undo_that_adds_it_back(login, fw, session):
    order = fw.worked()
    client = login("technician")
    client.post(f"/orders/{order.id}/parts", data={"catalog_item_id": fw.valve.id, "quantity": "2"})
    removed = client.post(f"/orders/{order.id}/parts/remove", data={"key": f"item-{fw.valve.id}"})
    page = client.get(removed.headers["Location"]).get_data(as_text=True)
    assert "Removed 2 pcs Radiator valve." in page
    client.post(f"/orders/{order.id}/parts", data={"catalog_item_id": fw.valve.id, "quantity": "2"})
    assert str(session.query(PartUsage).filter_by(order_id=order.id).one().quantity) == "2.000"


def test_timer_start_on_another_technicians_order_returns_404(login, fw, session):
    theirs = fw.scheduled(fw.tech2)
    response = login("technician").post(f"/orders/{theirs.id}/timer/start")
    assert response.status_code == 404
    assert count(session, TimeEntry) == 0


def test_my_day_button_finish_stops_the_timer_and_opens_sign_off(login, fw, session):
    order = fw.scheduled()
    client = login("technician")
    client.post(f"/orders/{order.id}/go")
    assert ">Finish</button>" in client.get("/").get_data(as_text=True)
    clock.freeze(DEFAULT_NOW + timedelta(minutes=20))
    response = client.post(f"/orders/{order.id}/go")
    assert response.headers["Location"].endswith(f"/orders/{order.id}#signoff")
    entry = session.query(TimeEntry).filter_by(order_id=order.id).one()
    assert (entry.running, entry.minutes) == (False, 20)
