"""Service orders over the API: life cycle, time, parts, invoicing, and the technician's view."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from app.accounting.verify import verify_ledger
from app.invoicing.models import Invoice
from app.service_orders.models import ServiceOrder, TimeEntry
from tests.api.conftest import count
from tests.factories import CatalogItemFactory

WINDOW = {"start": "2026-06-14T08:00:00+00:00", "end": "2026-06-14T12:00:00+00:00"}


@pytest.fixture
def labour(session):
    return CatalogItemFactory(
        name="Labour", kind="labour", rate_kind="normal", unit="h", price=Decimal("60.00")
    )


@pytest.fixture
def valve(session):
    return CatalogItemFactory(name="Valve", kind="part", price=Decimal("12.50"))


@pytest.fixture
def tech(make_api):
    return make_api("technician")


@pytest.fixture
def order(dispatcher, customer, tech):
    created = dispatcher.post(
        "/api/v1/service-orders", {"customer_id": customer.id, "description": "Boiler service"}
    )
    assert created.status_code == 201, created.json
    order_id = created.json["id"]
    scheduled = dispatcher.post(
        f"/api/v1/service-orders/{order_id}/schedule",
        {**WINDOW, "technician_ids": [tech.user.id]},
    )
    assert scheduled.status_code == 200, scheduled.json
    return scheduled.json


def time_body(**extra):
    return {
        "client_id": str(uuid.uuid4()),
        "started_at": "2026-06-14T08:00:00+00:00",
        "ended_at": "2026-06-14T09:30:00+00:00",
        "rate_kind": "normal",
        **extra,
    }


def test_create_order_returns_it_new(dispatcher, customer):
    response = dispatcher.post(
        "/api/v1/service-orders",
        {"customer_id": customer.id, "description": "Leak", "priority": "high"},
    )
    assert response.status_code == 201
    assert (response.json["state"], response.json["priority"]) == ("new", "high")
    assert response.json["reference"].startswith("SO-")


def test_create_order_without_description_is_422(dispatcher, customer):
    before = count(ServiceOrder)
    response = dispatcher.post("/api/v1/service-orders", {"customer_id": customer.id})
    assert response.status_code == 422
    assert "description" in response.json["error"]["fields"]
    assert count(ServiceOrder) == before


def test_technician_cannot_create_orders(tech, customer):
    response = tech.post("/api/v1/service-orders", {"customer_id": customer.id, "description": "x"})
    assert response.status_code == 403


def test_schedule_assigns_technicians(order, tech):
    assert order["state"] == "scheduled"
    assert [t["id"] for t in order["technicians"]] == [tech.user.id]


def test_technician_logs_own_time_and_order_starts(tech, order):
    response = tech.post(f"/api/v1/service-orders/{order['id']}/time-entries", time_body())
    assert response.status_code == 201
    assert (response.json["minutes"], response.json["technician_id"]) == (90, tech.user.id)
    assert tech.get(f"/api/v1/service-orders/{order['id']}").json["state"] == "in_progress"


def test_time_entry_with_same_client_id_is_recorded_once(tech, order):
    body = time_body()
    first = tech.post(f"/api/v1/service-orders/{order['id']}/time-entries", body)
    second = tech.post(f"/api/v1/service-orders/{order['id']}/time-entries", body)
    assert first.status_code == second.status_code == 201
    assert first.json["id"] == second.json["id"]
    assert count(TimeEntry) == 1


def test_time_entry_in_minutes(tech, order):
    response = tech.post(
        f"/api/v1/service-orders/{order['id']}/time-entries",
        {"minutes": 45, "work_date": "2026-06-14", "rate_kind": "travel"},
    )
    assert response.status_code == 201
    assert (response.json["minutes"], response.json["rate_kind"]) == (45, "travel")


def test_time_entry_in_the_future_is_422(tech, order):
    response = tech.post(
        f"/api/v1/service-orders/{order['id']}/time-entries",
        time_body(started_at="2026-06-15T08:00:00+00:00", ended_at="2026-06-15T09:00:00+00:00"),
    )
    assert response.status_code == 422
    assert "ended_at" in response.json["error"]["fields"]


def test_time_entry_with_bad_client_id_is_422(tech, order):
    response = tech.post(
        f"/api/v1/service-orders/{order['id']}/time-entries", time_body(client_id="abc")
    )
    assert response.status_code == 422
    assert "client_id" in response.json["error"]["fields"]


def test_technician_cannot_log_for_a_colleague(make_api, tech, order):
    other = make_api("technician")
    response = tech.post(
        f"/api/v1/service-orders/{order['id']}/time-entries",
        time_body(technician_id=other.user.id),
    )
    assert response.status_code == 422
    assert "technician_id" in response.json["error"]["fields"]


def test_other_technicians_order_is_404(make_api, order):
    stranger = make_api("technician")
    assert stranger.get(f"/api/v1/service-orders/{order['id']}").status_code == 404
    response = stranger.post(f"/api/v1/service-orders/{order['id']}/time-entries", time_body())
    assert response.status_code == 404
    assert stranger.get("/api/v1/service-orders").json["total"] == 0


def test_technician_sees_no_money_on_orders(tech, order, valve):
    added = tech.post(
        f"/api/v1/service-orders/{order['id']}/parts",
        {"catalog_item_id": valve.id, "quantity": "2"},
    )
    assert added.status_code == 201
    assert "unit_price" not in added.json
    body = tech.get(f"/api/v1/service-orders/{order['id']}").json
    assert "call_out_fee" not in body
    assert "billed_minutes" not in body
    assert all("unit_price" not in p for p in body["parts"])


def test_office_sees_part_prices(dispatcher, order, valve):
    added = dispatcher.post(
        f"/api/v1/service-orders/{order['id']}/parts",
        {"catalog_item_id": valve.id, "quantity": "1.5"},
    )
    assert added.status_code == 201
    assert (added.json["unit_price"], added.json["quantity"]) == ("12.50", "1.500")


def test_part_quantity_as_json_number_is_422(tech, order, valve):
    response = tech.post(
        f"/api/v1/service-orders/{order['id']}/parts", {"catalog_item_id": valve.id, "quantity": 2}
    )
    assert response.status_code == 422
    assert "quantity" in response.json["error"]["fields"]


def test_complete_new_order_is_409(dispatcher, customer):
    created = dispatcher.post(
        "/api/v1/service-orders", {"customer_id": customer.id, "description": "x"}
    ).json
    response = dispatcher.post(f"/api/v1/service-orders/{created['id']}/complete")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "invalid_state"


def test_cancel_scheduled_order(dispatcher, order):
    response = dispatcher.post(
        f"/api/v1/service-orders/{order['id']}/cancel", {"reason": "Customer called off"}
    )
    assert response.status_code == 200
    assert response.json["state"] == "cancelled"


def test_start_then_complete_then_reopen(dispatcher, tech, order):
    assert tech.post(f"/api/v1/service-orders/{order['id']}/start").json["state"] == "in_progress"
    done = dispatcher.post(f"/api/v1/service-orders/{order['id']}/complete")
    assert done.json["state"] == "done"
    reopened = dispatcher.post(f"/api/v1/service-orders/{order['id']}/reopen")
    assert reopened.json["state"] == "in_progress"


def test_patch_order_changes_priority(dispatcher, order):
    response = dispatcher.patch(f"/api/v1/service-orders/{order['id']}", {"priority": "urgent"})
    assert response.status_code == 200
    assert response.json["priority"] == "urgent"


def test_list_orders_filters_by_state(dispatcher, order):
    response = dispatcher.get("/api/v1/service-orders?state=scheduled")
    assert [o["id"] for o in response.json["items"]] == [order["id"]]
    assert dispatcher.get("/api/v1/service-orders?state=done").json["total"] == 0


def test_invoicing_an_unfinished_order_is_409(dispatcher, order):
    response = dispatcher.post("/api/v1/service-orders/invoice", {"order_ids": [order["id"]]})
    assert response.status_code == 409
    assert "order_ids" in response.json["error"]["fields"]


def test_technician_cannot_invoice(tech, order):
    response = tech.post("/api/v1/service-orders/invoice", {"order_ids": [order["id"]]})
    assert response.status_code == 403


def test_order_to_money_end_to_end(dispatcher, books, tech, order, labour, valve):
    """order -> time -> parts -> complete -> invoice -> post -> partial payment -> credit note
    -> trial balance, all over the API."""
    oid = order["id"]
    assert tech.post(f"/api/v1/service-orders/{oid}/time-entries", time_body()).status_code == 201
    part = tech.post(
        f"/api/v1/service-orders/{oid}/parts", {"catalog_item_id": valve.id, "quantity": "2"}
    )
    assert part.status_code == 201
    assert dispatcher.post(f"/api/v1/service-orders/{oid}/complete").json["state"] == "done"

    draft = dispatcher.post(
        "/api/v1/service-orders/invoice", {"order_ids": [oid]}, headers={"Idempotency-Key": "i1"}
    )
    assert draft.status_code == 201, draft.json
    lines = {line["kind"]: line for line in draft.json["lines"]}
    assert (lines["labour"]["quantity"], lines["labour"]["unit_price"]) == ("1.500", "60.00")
    assert (lines["parts"]["quantity"], lines["parts"]["unit_price"]) == ("2.000", "12.50")
    assert draft.json["totals"]["net"] == "115.00"
    assert draft.json["totals"]["gross"] == "141.45"

    invoice_id = draft.json["id"]
    posted = books.post(f"/api/v1/invoices/{invoice_id}/post")
    assert posted.status_code == 200
    assert posted.json["number"].startswith("INV-2026-")
    assert dispatcher.get(f"/api/v1/service-orders/{oid}").json["state"] == "invoiced"

    paid = books.post(
        f"/api/v1/invoices/{invoice_id}/payments",
        {"amount": "41.45", "method": "bank_transfer"},
        headers={"Idempotency-Key": "p1"},
    )
    assert paid.status_code == 201
    labour_line = next(line for line in posted.json["lines"] if line["kind"] == "labour")
    note = books.post(
        f"/api/v1/invoices/{invoice_id}/credit-notes",
        {
            "reason": "Half an hour less",
            "lines": [{"line_id": labour_line["id"], "quantity": "0.5"}],
        },
    )
    assert note.status_code == 201
    assert note.json["totals"]["gross"] == "36.90"
    invoice = books.get(f"/api/v1/invoices/{invoice_id}").json
    assert (invoice["residual"], invoice["payment_state"]) == ("63.10", "partial")

    trial = books.get("/api/v1/reports/trial-balance").json
    assert trial["total_debit"] == trial["total_credit"]
    receivable = next(r for r in trial["rows"] if r["balance"] == "63.10")
    assert receivable["type"] == "asset"
    assert verify_ledger() == []


# ---- search and sort (API audit) -------------------------------------------------------


@pytest.mark.parametrize("q", ["%C2%B2", "99999999999999999999", "SO-99999999999999999999"])
def test_search_with_odd_digits_is_an_empty_page_not_an_error(dispatcher, order, q):
    response = dispatcher.get(f"/api/v1/service-orders?customer_id=1000&q={q}")
    assert response.status_code == 200
    assert response.json["total"] == 0


def test_search_by_reference_finds_the_order(dispatcher, order):
    response = dispatcher.get(f"/api/v1/service-orders?q={order['reference']}")
    assert [o["id"] for o in response.json["items"]] == [order["id"]]


def test_search_takes_like_wildcards_literally(dispatcher, order, customer):
    dispatcher.post(
        "/api/v1/service-orders", {"customer_id": customer.id, "description": "Fit 50% valve"}
    )
    percent = dispatcher.get("/api/v1/service-orders?q=50%25")
    assert [o["description"] for o in percent.json["items"]] == ["Fit 50% valve"]
    assert dispatcher.get("/api/v1/service-orders?q=boiler_").json["total"] == 0


def test_list_orders_sorts_oldest_first(dispatcher, order, customer):
    later = dispatcher.post(
        "/api/v1/service-orders", {"customer_id": customer.id, "description": "Later"}
    ).json
    default = dispatcher.get("/api/v1/service-orders").json["items"]
    oldest_first = dispatcher.get("/api/v1/service-orders?sort=id").json["items"]
    assert [o["id"] for o in default] == [later["id"], order["id"]]
    assert [o["id"] for o in oldest_first] == [order["id"], later["id"]]


@pytest.mark.parametrize("sort", ["bogus", "-name", "description"])
def test_list_orders_with_unknown_sort_is_422_naming_sort(dispatcher, sort):
    response = dispatcher.get(f"/api/v1/service-orders?sort={sort}")
    assert response.status_code == 422
    assert "sort" in response.json["error"]["fields"]


def test_invoicing_an_unknown_order_is_422_naming_its_place(dispatcher, order):
    response = dispatcher.post(
        "/api/v1/service-orders/invoice", {"order_ids": [order["id"], 999999]}
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["order_ids[1]"]


# ---- correcting and removing part lines ------------------------------------------------

WASHER = {"description": "Odd washer", "quantity": "1"}


def parts_url(order_id, part_id=None):
    base = f"/api/v1/service-orders/{order_id}/parts"
    return base if part_id is None else f"{base}/{part_id}"


@pytest.fixture
def free_line(tech, order):
    added = tech.post(parts_url(order["id"]), WASHER)
    assert added.status_code == 201, added.json
    return added.json


def test_office_prices_a_free_line_and_the_order_completes(dispatcher, order, free_line):
    refused = dispatcher.post(f"/api/v1/service-orders/{order['id']}/complete")
    assert refused.status_code == 409
    priced = dispatcher.patch(parts_url(order["id"], free_line["id"]), {"unit_price": "2.50"})
    assert priced.status_code == 200, priced.json
    assert (priced.json["unit_price"], priced.json["vat_rate"]) == ("2.50", "23.00")
    done = dispatcher.post(f"/api/v1/service-orders/{order['id']}/complete")
    assert done.json["state"] == "done"


def test_technician_corrects_quantity_and_description_of_a_free_line(tech, order, free_line):
    response = tech.patch(
        parts_url(order["id"], free_line["id"]),
        {"quantity": "3", "description": "M8 washer"},
    )
    assert response.status_code == 200
    assert (response.json["quantity"], response.json["description"]) == ("3.000", "M8 washer")
    assert "unit_price" not in response.json


def test_technician_cannot_price_a_line(tech, order, free_line):
    response = tech.patch(parts_url(order["id"], free_line["id"]), {"unit_price": "2.50"})
    assert response.status_code == 403
    assert "unit_price" in response.json["error"]["fields"]


def test_catalog_part_keeps_its_name(dispatcher, order, valve):
    added = dispatcher.post(parts_url(order["id"]), {"catalog_item_id": valve.id, "quantity": "1"})
    response = dispatcher.patch(parts_url(order["id"], added.json["id"]), {"description": "X"})
    assert response.status_code == 422
    assert "description" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": 2}, "quantity"),
        ({"unit_price": "-1.00"}, "unit_price"),
        ({"unit_price": None}, "unit_price"),
        ({"description": ""}, "description"),
        ({"sku": "X"}, "sku"),
    ],
)
def test_patch_part_with_bad_values_is_422(dispatcher, order, free_line, body, field):
    response = dispatcher.patch(parts_url(order["id"], free_line["id"]), body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    part = dispatcher.get(f"/api/v1/service-orders/{order['id']}").json["parts"][0]
    assert (part["quantity"], part["unit_price"]) == ("1.000", None)


def test_part_of_another_order_is_404(dispatcher, customer, order, free_line):
    other = dispatcher.post(
        "/api/v1/service-orders", {"customer_id": customer.id, "description": "Other"}
    ).json
    patched = dispatcher.patch(parts_url(other["id"], free_line["id"]), {"quantity": "2"})
    deleted = dispatcher.delete(parts_url(other["id"], free_line["id"]))
    assert patched.status_code == deleted.status_code == 404
    assert patched.json["error"]["fields"] == {"part_id": ["No such part line on this order."]}


def test_part_on_another_technicians_order_is_404(make_api, order, free_line):
    stranger = make_api("technician")
    assert stranger.patch(parts_url(order["id"], free_line["id"]), WASHER).status_code == 404
    assert stranger.delete(parts_url(order["id"], free_line["id"])).status_code == 404


def test_part_on_a_done_order_is_409_for_the_technician(dispatcher, tech, order, free_line):
    dispatcher.patch(parts_url(order["id"], free_line["id"]), {"unit_price": "2.50"})
    assert dispatcher.post(f"/api/v1/service-orders/{order['id']}/complete").status_code == 200
    patched = tech.patch(parts_url(order["id"], free_line["id"]), {"quantity": "2"})
    deleted = tech.delete(parts_url(order["id"], free_line["id"]))
    assert patched.status_code == deleted.status_code == 409
    assert patched.json["error"]["code"] == "order_locked"


def test_part_on_an_invoiced_draft_is_409_for_the_office(dispatcher, order, free_line, labour):
    dispatcher.patch(parts_url(order["id"], free_line["id"]), {"unit_price": "2.50"})
    dispatcher.post(f"/api/v1/service-orders/{order['id']}/complete")
    invoiced = dispatcher.post("/api/v1/service-orders/invoice", {"order_ids": [order["id"]]})
    assert invoiced.status_code == 201, invoiced.json
    response = dispatcher.patch(parts_url(order["id"], free_line["id"]), {"unit_price": "3.00"})
    assert response.status_code == 409


def test_technician_removes_a_line(tech, order, free_line):
    response = tech.delete(parts_url(order["id"], free_line["id"]))
    assert response.status_code == 204
    assert tech.get(f"/api/v1/service-orders/{order['id']}").json["parts"] == []


def test_bookkeeper_cannot_change_part_lines(books, order, free_line):
    assert books.patch(parts_url(order["id"], free_line["id"]), WASHER).status_code == 403
    assert books.delete(parts_url(order["id"], free_line["id"])).status_code == 403


# ---- caps shared with invoices, repeated ids, positions ---------------------------------


def test_schedule_with_an_unknown_technician_is_422_naming_its_place(dispatcher, tech, customer):
    created = dispatcher.post(
        "/api/v1/service-orders", {"customer_id": customer.id, "description": "Leak"}
    ).json
    response = dispatcher.post(
        f"/api/v1/service-orders/{created['id']}/schedule",
        {**WINDOW, "technician_ids": [tech.user.id, 999999]},
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "technician_ids[1]": ["User 999999 is not an active technician."]
    }
    assert dispatcher.get(f"/api/v1/service-orders/{created['id']}").json["state"] == "new"


def test_invoicing_an_order_listed_twice_is_422_naming_the_repeat(dispatcher, tech, order, labour):
    tech.post(f"/api/v1/service-orders/{order['id']}/time-entries", time_body())
    assert dispatcher.post(f"/api/v1/service-orders/{order['id']}/complete").status_code == 200
    before = count(Invoice)
    response = dispatcher.post(
        "/api/v1/service-orders/invoice", {"order_ids": [order["id"], order["id"]]}
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "order_ids[1]": [f"{order['reference']} is listed twice."]
    }
    assert count(Invoice) == before


def test_pricing_a_part_worth_more_than_an_invoice_line_is_422(dispatcher, order, free_line):
    url = parts_url(order["id"], free_line["id"])
    assert dispatcher.patch(url, {"quantity": "999999.999"}).status_code == 200
    response = dispatcher.patch(url, {"unit_price": "100000000"})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "unit_price": [
            "The line comes to 99,999,999,900,000.00; a line can be at most "
            "999,999,999,999.99. Lower the quantity or the unit price."
        ]
    }
    part = dispatcher.get(f"/api/v1/service-orders/{order['id']}").json["parts"][0]
    assert part["unit_price"] is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"quantity": "1000000000"}, "A quantity can be at most 999,999,999.999."),
        ({"quantity": "-1"}, "Enter a number of 0 or more; negative numbers are refused."),
        ({"unit_price": "1000000000"}, "A unit price can be at most 999,999,999.99."),
        ({"unit_price": "-1"}, "Enter a number of 0 or more; negative numbers are refused."),
    ],
)
def test_part_value_outside_its_pattern_is_422_stating_why(dispatcher, order, body, message):
    response = dispatcher.post(parts_url(order["id"]), {**WASHER, **body})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {next(iter(body)): [message]}


def test_a_million_of_a_part_is_accepted(dispatcher, order):
    response = dispatcher.post(parts_url(order["id"]), {**WASHER, "quantity": "1000000"})
    assert response.status_code == 201, response.json
    assert response.json["quantity"] == "1000000.000"


@pytest.mark.parametrize("schema", ["PartIn", "PartPatch"])
def test_part_patterns_are_the_invoice_caps(client, schema):
    fields = client.get("/api/v1/openapi.json").json["components"]["schemas"][schema]
    properties = fields["properties"]
    assert properties["quantity"]["pattern"] == r"^[0-9]{1,9}(\.[0-9]{1,3})?$"
    assert properties["unit_price"]["pattern"] == r"^[0-9]{1,9}(\.[0-9]{1,2})?$"
    assert "999,999,999.999" in properties["quantity"]["description"]
