"""From done orders to draft invoices: lines to the cent, combining, queue, delete, post."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from app.accounting.services import post_invoice
from app.core.errors import InvalidTransition, ValidationFailed
from app.invoicing.models import Invoice
from app.invoicing.operations import copy_lines
from app.invoicing.services import copy_invoice, delete_draft, update_draft
from app.service_orders import parts, services, timesheets
from app.service_orders.invoicing import (
    AlreadyInvoiced,
    invoice_order,
    invoice_orders,
    list_invoicing_queue,
)

D = Decimal


def _lines(invoice: Invoice) -> list[tuple[Any, ...]]:
    return [
        (
            line.description,
            line.quantity,
            line.unit,
            line.unit_price,
            line.vat_rate,
            line.kind,
            line.net,
            line.source_order_id,
        )
        for line in invoice.lines
    ]


def _invoices(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(Invoice))


def test_invoice_order_builds_lines_and_totals_to_the_cent(world: Any, policy: Any) -> None:
    policy(15, "order")
    order = world.in_progress(fee=True)
    timesheets.log_time(world.tech, order.id, minutes=70)
    parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="2")
    parts.add_part(world.tech, order.id, catalog_item_id=world.pipe.id, quantity="3.5")
    services.complete_order(world.dispatcher, order.id)
    invoice = invoice_order(world.dispatcher, order.id)
    ref = order.reference
    assert _lines(invoice) == [
        (
            f"Labour ({ref})",
            D("1.250"),
            "h",
            D("68.00"),
            D("13.50"),
            "labour",
            D("85.00"),
            order.id,
        ),
        (
            f"Call-out fee ({ref})",
            D("1.000"),
            "pcs",
            D("55.00"),
            D("13.50"),
            "other",
            D("55.00"),
            order.id,
        ),
        (
            f"Radiator valve ({ref})",
            D("2.000"),
            "pcs",
            D("24.90"),
            D("23.00"),
            "parts",
            D("49.80"),
            order.id,
        ),
        (
            f"Copper pipe ({ref})",
            D("3.500"),
            "m",
            D("8.75"),
            D("23.00"),
            "parts",
            D("30.63"),
            order.id,
        ),
    ]
    assert [(t.rate, t.base, t.amount) for t in invoice.taxes] == [
        (D("13.50"), D("140.00"), D("18.90")),
        (D("23.00"), D("80.43"), D("18.50")),
    ]
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        D("220.43"),
        D("37.40"),
        D("257.83"),
    )
    assert order.invoice_id == invoice.id


def test_invoice_groups_labour_by_rate_kind(world: Any, policy: Any) -> None:
    policy(15, "order")
    order = world.in_progress()
    timesheets.log_time(world.tech, order.id, minutes=50)
    timesheets.log_time(world.tech, order.id, minutes=20, rate_kind="travel")
    timesheets.log_time(world.tech, order.id, minutes=25)
    services.complete_order(world.dispatcher, order.id)
    invoice = invoice_order(world.dispatcher, order.id)
    lines = [(line.description.split(" (")[0], line.quantity, line.net) for line in invoice.lines]
    assert lines == [
        ("Labour", D("1.250"), D("85.00")),
        ("Travel", D("0.500"), D("22.50")),
    ]


def test_ten_one_minute_entries_bill_quarter_hour_per_order(world: Any, policy: Any) -> None:
    policy(15, "order")
    order = world.in_progress()
    for _ in range(10):
        timesheets.log_time(world.tech, order.id, minutes=1)
    services.complete_order(world.dispatcher, order.id)
    invoice = invoice_order(world.dispatcher, order.id)
    assert [(line.quantity, line.net) for line in invoice.lines] == [(D("0.250"), D("17.00"))]
    assert [e.minutes for e in order.time_entries] == [1] * 10  # actual time untouched


def test_ten_one_minute_entries_bill_each_rounded_per_entry(world: Any, policy: Any) -> None:
    policy(15, "entry")
    order = world.in_progress()
    for _ in range(10):
        timesheets.log_time(world.tech, order.id, minutes=1)
    services.complete_order(world.dispatcher, order.id)
    invoice = invoice_order(world.dispatcher, order.id)
    assert [(line.quantity, line.net) for line in invoice.lines] == [(D("2.500"), D("170.00"))]


def test_minimum_charge_bills_at_least_an_hour(world: Any, policy: Any) -> None:
    policy(15, "order", minimum=60)
    order = world.done(minutes=10)
    invoice = invoice_order(world.dispatcher, order.id)
    assert [(line.quantity, line.net) for line in invoice.lines] == [(D("1.000"), D("68.00"))]


def test_rounding_does_not_drift_between_separate_and_combined_invoices(
    world: Any, policy: Any
) -> None:
    policy(1, "order")
    orders = [world.done(minutes=20) for _ in range(3)]
    combined = invoice_orders(world.dispatcher, [o.id for o in orders])
    hours = [line.quantity for line in combined.lines]
    assert hours == [D("0.333"), D("0.334"), D("0.333")]
    assert sum(hours) == D("1.000")  # billed time exact; amounts round per line (EN 16931)
    delete_draft(world.dispatcher, combined.id)
    alone = [invoice_order(world.dispatcher, o.id) for o in orders]
    assert [i.lines[0].quantity for i in alone] == [D("0.333")] * 3


def test_combined_orders_make_one_draft_with_lines_per_order(world: Any) -> None:
    first = world.done(minutes=60, parts=((world.valve, "1"),))
    second = world.done(minutes=30)
    invoice = invoice_orders(world.dispatcher, [second.id, first.id])
    assert [(line.source_order_id, line.kind, line.quantity) for line in invoice.lines] == [
        (first.id, "labour", D("1.000")),
        (first.id, "parts", D("1.000")),
        (second.id, "labour", D("0.500")),
    ]
    # 102.00 at 13.5 % -> 13.77 VAT; 24.90 at 23 % -> 5.73 VAT.
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        D("126.90"),
        D("19.50"),
        D("146.40"),
    )
    assert first.invoice_id == second.invoice_id == invoice.id


def test_combining_orders_of_different_customers_refused(world: Any, session: Any) -> None:
    first = world.done(minutes=60)
    second = world.done(minutes=60, customer=world.other_customer)
    before = _invoices(session)
    with pytest.raises(ValidationFailed) as error:
        invoice_orders(world.dispatcher, [first.id, second.id])
    message = error.value.fields["order_ids"][0]
    assert "different customers" in message
    assert "Brightside Hotels" in message
    assert _invoices(session) == before
    assert first.invoice_id is None
    assert second.invoice_id is None


def test_invoicing_order_twice_refused(world: Any, session: Any) -> None:
    order = world.done(minutes=60)
    invoice_order(world.dispatcher, order.id)
    before = _invoices(session)
    with pytest.raises(AlreadyInvoiced):
        invoice_order(world.dispatcher, order.id)
    assert _invoices(session) == before


def test_invoicing_order_not_done_refused(world: Any) -> None:
    order = world.in_progress()
    timesheets.log_time(world.tech, order.id, minutes=30)
    with pytest.raises(InvalidTransition, match="only done orders"):
        invoice_order(world.dispatcher, order.id)


def test_invoicing_without_labour_item_for_rate_refused(world: Any, session: Any) -> None:
    world.overtime.active = False
    session.commit()
    order = world.in_progress()
    timesheets.log_time(world.tech, order.id, minutes=30, rate_kind="overtime")
    services.complete_order(world.dispatcher, order.id)
    with pytest.raises(ValidationFailed, match="rate kind 'overtime'"):
        invoice_order(world.dispatcher, order.id)


def test_returned_parts_are_billed_net(world: Any) -> None:
    order = world.in_progress()
    used = parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="4")
    parts.return_part(world.tech, used.id, quantity="1.5")
    services.complete_order(world.dispatcher, order.id)
    invoice = invoice_order(world.dispatcher, order.id)
    assert [(line.quantity, line.net) for line in invoice.lines] == [(D("2.500"), D("62.25"))]


def test_queue_lists_done_orders_grouped_by_customer(world: Any) -> None:
    first = world.done(minutes=30)
    other = world.done(minutes=30, customer=world.other_customer)
    second = world.done(minutes=30)
    world.in_progress()
    groups = list_invoicing_queue(world.dispatcher)
    assert [(g.customer.name, [o.id for o in g.orders]) for g in groups] == [
        ("Acme Facilities", [first.id, second.id]),
        ("Brightside Hotels", [other.id]),
    ]


def test_invoiced_order_leaves_queue(world: Any) -> None:
    order = world.done(minutes=30)
    invoice_order(world.dispatcher, order.id)
    assert list_invoicing_queue(world.dispatcher) == []


def test_deleting_draft_puts_orders_back_in_queue(world: Any) -> None:
    first, second = world.done(minutes=30), world.done(minutes=45)
    invoice = invoice_orders(world.dispatcher, [first.id, second.id])
    delete_draft(world.dispatcher, invoice.id)
    assert (first.state, first.invoice_id, second.invoice_id) == ("done", None, None)
    groups = list_invoicing_queue(world.dispatcher)
    assert [o.id for o in groups[0].orders] == [first.id, second.id]


def test_posting_invoice_marks_orders_invoiced(world: Any) -> None:
    first, second = world.done(minutes=30), world.done(minutes=45)
    invoice = invoice_orders(world.dispatcher, [first.id, second.id])
    post_invoice(world.bookkeeper, invoice.id)
    assert (first.state, second.state) == ("invoiced", "invoiced")
    assert first.invoice_id == invoice.id
    assert first.invoiced_at is not None


def test_posting_returns_an_order_whose_lines_were_removed_to_the_queue(world: Any) -> None:
    kept, dropped = world.done(minutes=30), world.done(minutes=45)
    invoice = invoice_orders(world.dispatcher, [kept.id, dropped.id])
    lines = [  # the kept lines, given with their ids
        {**values, "id": line.id, "quantity": str(values["quantity"])}
        for line, values in zip(invoice.lines, copy_lines(invoice), strict=True)
        if line.source_order_id == kept.id
    ]
    update_draft(world.bookkeeper, invoice.id, lines=lines)
    post_invoice(world.bookkeeper, invoice.id)
    assert (kept.state, kept.invoice_id) == ("invoiced", invoice.id)
    assert (dropped.state, dropped.invoice_id) == ("done", None)
    assert [o.id for o in list_invoicing_queue(world.dispatcher)[0].orders] == [dropped.id]


def test_posting_a_copy_of_an_order_invoice_leaves_the_orders_alone(world: Any) -> None:
    order = world.done(minutes=30)
    invoice = invoice_order(world.dispatcher, order.id)
    copy = copy_invoice(world.bookkeeper, invoice.id)
    assert copy.from_service_orders is False
    post_invoice(world.bookkeeper, copy.id)
    assert (order.state, order.invoice_id) == ("done", invoice.id)


def test_reopen_after_posting_refused(world: Any) -> None:
    order = world.done(minutes=30)
    post_invoice(world.bookkeeper, invoice_order(world.dispatcher, order.id).id)
    with pytest.raises(InvalidTransition, match="it is invoiced"):
        services.reopen_order(world.dispatcher, order.id)


def test_reopen_with_draft_removes_its_lines(world: Any) -> None:
    first, second = world.done(minutes=30), world.done(minutes=45)
    invoice = invoice_orders(world.dispatcher, [first.id, second.id])
    services.reopen_order(world.dispatcher, first.id)
    assert [line.source_order_id for line in invoice.lines] == [second.id]
    assert invoice.net_total == D("51.00")
    assert (first.state, first.invoice_id) == ("in_progress", None)


def test_reopen_only_order_of_draft_deletes_draft(world: Any, session: Any) -> None:
    order = world.done(minutes=30)
    invoice_id = invoice_order(world.dispatcher, order.id).id
    services.reopen_order(world.dispatcher, order.id)
    assert session.get(Invoice, invoice_id) is None


def test_technician_cannot_invoice(world: Any) -> None:
    from app.core.errors import Forbidden

    order = world.done(minutes=30)
    with pytest.raises(Forbidden):
        invoice_order(world.tech, order.id)


def test_preview_invoice_lines_writes_nothing(world: Any, session: Any) -> None:
    from app.service_orders.invoicing import preview_invoice_lines

    order = world.done(minutes=70, parts=((world.valve, "2"),))
    before = _invoices(session)
    lines = preview_invoice_lines(world.dispatcher, [order.id])
    assert [(line["kind"], line["quantity"], line["source_order_id"]) for line in lines] == [
        ("labour", D("1.250"), order.id),
        ("parts", D("2.000"), order.id),
    ]
    assert _invoices(session) == before
    assert order.invoice_id is None


def test_invoicing_an_order_listed_twice_refused_naming_the_repeat(
    world: Any, session: Any
) -> None:
    order = world.done(minutes=60)
    other = world.done(minutes=30)
    before = _invoices(session)
    with pytest.raises(ValidationFailed) as error:
        invoice_orders(world.dispatcher, [order.id, other.id, order.id])
    assert error.value.fields == {"order_ids[2]": [f"{order.reference} is listed twice."]}
    assert _invoices(session) == before
    assert order.invoice_id is None


def test_draft_refusal_of_a_stored_line_names_the_order(world: Any, session: Any) -> None:
    """A part priced before the caps reached part lines: the draft's `lines[i].unit_price`
    is not in the request, so the refusal names the order and the line."""
    first = world.done(minutes=30)
    order = world.done(minutes=0, parts=((world.valve, "1"),))
    usage = order.parts[0]
    usage.unit_price = D("1000000000.00")
    session.commit()
    before = _invoices(session)
    with pytest.raises(ValidationFailed) as error:
        invoice_orders(world.dispatcher, [first.id, order.id])
    assert error.value.fields == {
        "order_ids[1]": [
            f"{order.reference}: the line 'Radiator valve': "
            "Unit price can be at most 999,999,999.99."
        ]
    }
    assert _invoices(session) == before


def test_orders_worth_more_than_a_document_refused_naming_them(world: Any, session: Any) -> None:
    turbine = world.valve
    turbine.price = D("999999999.99")
    session.commit()
    first = world.done(minutes=0, parts=((turbine, "1000"),))
    second = world.done(minutes=0, parts=((turbine, "1"),))
    with pytest.raises(ValidationFailed) as error:
        invoice_orders(world.dispatcher, [first.id, second.id])
    assert list(error.value.fields) == ["order_ids"]
    message = error.value.fields["order_ids"][0]
    assert message.startswith(f"Invoicing {first.reference}, {second.reference}: ")
    assert "a document can be at most 999,999,999,999.99" in message
