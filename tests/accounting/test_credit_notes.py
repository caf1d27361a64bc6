"""Credit notes: full and by lines, mirror entries, allocation, cancel, reverse and re-issue."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounting.credit_notes import cancel_invoice, credit_invoice, issue_credit_note
from app.accounting.services import apply_credit, post_invoice, register_payment
from app.accounting.verify import verify_ledger
from app.core.errors import InvalidTransition, ValidationFailed
from app.invoicing.models import Invoice
from app.invoicing.services import create_draft
from tests.accounting.helpers import D, entry_rows
from tests.factories import CustomerFactory, line

TODAY = date(2026, 6, 14)


def two_line_invoice(customer=None, **header):
    customer = customer or CustomerFactory()
    draft = create_draft(
        None,
        customer_id=customer.id,
        lines=[
            line("Labour", "2", "50.00", "13.5", "labour"),  # 100.00 + 13.50
            line("Valve", "4", "10.00", "23", "parts"),  # 40.00 + 9.20
        ],
        **header,
    )
    return post_invoice(None, draft.id)  # gross 162.70


def test_issue_credit_note_full_mirrors_entry_and_cancels(session):
    invoice = two_line_invoice()
    note = issue_credit_note(None, invoice.id, reason="Wrong customer")
    assert note.number == "CN-2026-001"
    assert note.gross_total == invoice.gross_total == D("162.70")
    assert entry_rows(note.journal_entry_id) == [
        ("receivable", D("0.00"), D("162.70")),
        ("revenue_labour", D("100.00"), D("0.00")),
        ("revenue_parts", D("40.00"), D("0.00")),
        ("vat_output", D("9.20"), D("0.00")),
        ("vat_output", D("13.50"), D("0.00")),
    ]
    assert (invoice.residual, invoice.payment_state) == (D("0.00"), "reversed")
    assert invoice.status(TODAY) == "cancelled"
    assert note.reason == "Wrong customer"
    assert note.credited_invoice_id == invoice.id
    assert verify_ledger() == []


def test_issue_credit_note_by_line_quantity_credits_that_part(session):
    invoice = two_line_invoice()
    valve = invoice.lines[1]
    note = issue_credit_note(
        None, invoice.id, reason="Valve returned", lines=[{"line_id": valve.id, "quantity": "1"}]
    )
    assert note.gross_total == D("12.30")
    assert entry_rows(note.journal_entry_id) == [
        ("receivable", D("0.00"), D("12.30")),
        ("revenue_parts", D("10.00"), D("0.00")),
        ("vat_output", D("2.30"), D("0.00")),
    ]
    assert (invoice.residual, invoice.payment_state) == (D("150.40"), "partial")
    assert verify_ledger() == []


def test_issue_credit_note_more_than_left_on_line_refused(session):
    invoice = two_line_invoice()
    valve = invoice.lines[1]
    issue_credit_note(None, invoice.id, reason="r", lines=[{"line_id": valve.id, "quantity": "3"}])
    before = session.scalar(select(func.count()).select_from(Invoice))
    with pytest.raises(ValidationFailed) as caught:
        issue_credit_note(
            None, invoice.id, reason="r", lines=[{"line_id": valve.id, "quantity": "2"}]
        )
    assert "lines[0].quantity" in caught.value.fields
    assert session.scalar(select(func.count()).select_from(Invoice)) == before
    assert verify_ledger() == []


def test_issue_credit_note_without_reason_refused(session):
    invoice = two_line_invoice()
    with pytest.raises(ValidationFailed) as caught:
        issue_credit_note(None, invoice.id, reason="  ")
    assert "reason" in caught.value.fields


def test_issue_credit_note_with_foreign_line_refused(session):
    first = two_line_invoice()
    second = two_line_invoice()
    with pytest.raises(ValidationFailed) as caught:
        issue_credit_note(
            None, first.id, reason="r", lines=[{"line_id": second.lines[0].id, "quantity": "1"}]
        )
    assert "lines[0].line_id" in caught.value.fields


def test_issue_credit_note_after_full_credit_refused(session):
    invoice = two_line_invoice()
    cancel_invoice(None, invoice.id)
    with pytest.raises(InvalidTransition, match="credited in full"):
        issue_credit_note(None, invoice.id, reason="again")


def test_issue_credit_note_on_paid_invoice_becomes_customer_credit(session):
    customer = CustomerFactory()
    invoice = two_line_invoice(customer)
    register_payment(None, invoice.id, amount="162.70")
    valve = invoice.lines[1]
    issue_credit_note(None, invoice.id, reason="r", lines=[{"line_id": valve.id, "quantity": "4"}])
    assert (invoice.residual, invoice.payment_state) == (D("0.00"), "paid")
    later = two_line_invoice(customer)
    assert apply_credit(None, later.id) == D("49.20")
    assert later.residual == D("113.50")
    assert verify_ledger() == []


def test_issue_credit_note_on_partly_paid_invoice_settles_rest_then_credit(session):
    customer = CustomerFactory()
    invoice = two_line_invoice(customer)
    register_payment(None, invoice.id, amount="100.00")
    note = cancel_invoice(None, invoice.id, reason="Dispute settled")
    assert (invoice.residual, invoice.payment_state) == (D("0.00"), "reversed")
    later = two_line_invoice(customer)
    assert apply_credit(None, later.id) == D("100.00")  # the part already paid comes back
    assert note.state == "posted"
    assert verify_ledger() == []


def test_issue_credit_note_with_reissue_creates_draft_copy(session):
    invoice = two_line_invoice(reference="PO-77")
    issue_credit_note(None, invoice.id, reason="Wrong address", reissue=True)
    copy = session.scalars(
        select(Invoice).where(Invoice.state == "draft", Invoice.doc_type == "invoice")
    ).one()
    assert (copy.customer_id, copy.reference, copy.gross_total) == (
        invoice.customer_id,
        "PO-77",
        D("162.70"),
    )
    assert [ln.description for ln in copy.lines] == ["Labour", "Valve"]
    assert copy.number is None
    assert verify_ledger() == []


def test_issue_credit_note_partial_keeps_document_discount_share(session):
    draft = create_draft(
        None,
        customer_id=CustomerFactory().id,
        lines=[line("A", "1", "100.00", "23", "labour"), line("B", "1", "100.00", "23", "parts")],
        discount_kind="percent",
        discount_value="10",
    )
    invoice = post_invoice(None, draft.id)  # 180 net + 41.40 VAT = 221.40
    assert invoice.gross_total == D("221.40")
    note = issue_credit_note(
        None, invoice.id, reason="r", lines=[{"line_id": invoice.lines[1].id, "quantity": "1"}]
    )
    assert note.gross_total == D("110.70")
    rest = issue_credit_note(
        None, invoice.id, reason="r", lines=[{"line_id": invoice.lines[0].id, "quantity": "1"}]
    )
    assert note.gross_total + rest.gross_total == invoice.gross_total
    assert invoice.payment_state == "reversed"
    assert verify_ledger() == []


def test_issue_credit_note_fixed_discount_by_pieces_credits_exactly_the_total(session):
    draft = create_draft(
        None,
        customer_id=CustomerFactory().id,
        lines=[line("A", "3", "33.33", "23", "labour")],
        discount_kind="amount",
        discount_value="0.01",
    )
    invoice = post_invoice(None, draft.id)
    assert invoice.gross_total == D("122.98")
    notes = [
        issue_credit_note(
            None, invoice.id, reason="r", lines=[{"line_id": invoice.lines[0].id, "quantity": "1"}]
        )
        for _ in range(2)
    ]
    notes.append(cancel_invoice(None, invoice.id, reason="the rest"))
    assert sum(n.gross_total for n in notes) == invoice.gross_total
    assert (invoice.residual, invoice.payment_state) == (D("0.00"), "reversed")
    assert verify_ledger() == []


def test_cancel_after_partial_credit_credits_only_the_rest(session):
    invoice = two_line_invoice()
    issue_credit_note(
        None, invoice.id, reason="r", lines=[{"line_id": invoice.lines[1].id, "quantity": "1"}]
    )
    rest = cancel_invoice(None, invoice.id)
    assert rest.gross_total == D("150.40")
    assert invoice.status(TODAY) == "cancelled"
    assert verify_ledger() == []


def test_issue_credit_note_on_draft_refused(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    with pytest.raises(InvalidTransition):
        issue_credit_note(None, draft.id, reason="r")


def test_cancel_overpaid_invoice_shows_cancelled_and_keeps_credit(session):
    customer = CustomerFactory()
    invoice = two_line_invoice(customer)
    register_payment(None, invoice.id, amount="170.00")
    cancel_invoice(None, invoice.id)
    assert (invoice.residual, invoice.payment_state) == (D("0.00"), "reversed")
    assert invoice.status(TODAY) == "cancelled"
    later = two_line_invoice(customer)
    assert apply_credit(None, later.id) == D("162.70")  # 7.30 + 162.70 - 162.70 left
    assert verify_ledger() == []


def test_issue_credit_note_worth_less_than_a_cent_refused(session):
    draft = create_draft(
        None, customer_id=CustomerFactory().id, lines=[line("Washer", "1", "0.01", "0", "parts")]
    )
    invoice = post_invoice(None, draft.id)
    before = session.scalar(select(func.count()).select_from(Invoice))
    with pytest.raises(ValidationFailed) as caught:
        issue_credit_note(
            None,
            invoice.id,
            reason="r",
            lines=[{"line_id": invoice.lines[0].id, "quantity": "0.4"}],
        )
    assert "lines" in caught.value.fields
    assert session.scalar(select(func.count()).select_from(Invoice)) == before
    assert verify_ledger() == []


def test_issue_credit_note_listing_a_line_twice_refused(session):
    invoice = two_line_invoice()
    labour = invoice.lines[0]
    issue_credit_note(None, invoice.id, reason="r", lines=[{"line_id": labour.id, "quantity": "1"}])
    before = session.scalar(select(func.count()).select_from(Invoice))
    twice = [{"line_id": labour.id, "quantity": "0.6"}, {"line_id": labour.id, "quantity": "0.6"}]
    with pytest.raises(ValidationFailed) as caught:
        issue_credit_note(None, invoice.id, reason="r", lines=twice)
    assert caught.value.fields == {
        "lines[1].line_id": ["This line is listed twice; give its quantity once."]
    }
    assert session.scalar(select(func.count()).select_from(Invoice)) == before
    assert verify_ledger() == []


def test_issue_credit_note_settling_the_invoice_reads_paid(session):
    invoice = two_line_invoice()
    note = issue_credit_note(
        None, invoice.id, reason="r", lines=[{"line_id": invoice.lines[1].id, "quantity": "1"}]
    )
    assert (note.residual, note.payment_state, note.status(TODAY)) == (D("0.00"), "paid", "paid")
    assert verify_ledger() == []


def test_issue_credit_note_on_paid_invoice_reads_unpaid_until_its_credit_is_applied(session):
    customer = CustomerFactory()
    invoice = two_line_invoice(customer)
    register_payment(None, invoice.id, amount="162.70")
    note = issue_credit_note(None, invoice.id, reason="r")  # all of it is customer credit
    assert (note.residual, note.payment_state) == (D("0.00"), "unpaid")
    small = create_draft(
        None, customer_id=customer.id, lines=[line("Valve", "1", "10.00", "23", "parts")]
    )
    apply_credit(None, post_invoice(None, small.id).id)  # 12.30 of 162.70
    assert note.payment_state == "partial"
    apply_credit(None, two_line_invoice(customer).id)  # the remaining 150.40
    assert note.payment_state == "paid"
    assert verify_ledger() == []


def test_register_payment_on_credit_note_refused_naming_credit_notes(session):
    invoice = two_line_invoice()
    note = cancel_invoice(None, invoice.id)
    with pytest.raises(InvalidTransition, match="on invoices, not on credit notes"):
        register_payment(None, note.id, amount="1.00")


def test_credit_invoice_with_reissue_names_the_new_draft(session):
    invoice = two_line_invoice()
    issued = credit_invoice(None, invoice.id, reason="Wrong address", reissue=True)
    draft = session.get(Invoice, issued.reissued_draft_id)
    assert (draft.state, draft.doc_type, draft.gross_total) == ("draft", "invoice", D("162.70"))
    assert issued.note.credited_invoice_id == invoice.id


def test_credit_invoice_without_reissue_names_no_draft(session):
    issued = credit_invoice(None, two_line_invoice().id, reason="r")
    assert issued.reissued_draft_id is None
