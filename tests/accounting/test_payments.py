"""Payments: partial, full, over; reversal; cash receipts; customer credit applied elsewhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounting.models import Allocation, JournalEntry, Payment
from app.accounting.services import (
    apply_credit,
    post_invoice,
    register_payment,
    reverse_payment,
)
from app.accounting.verify import verify_ledger
from app.company.services import set_lock_date
from app.core.errors import InvalidTransition, OverAllocation, PeriodLocked, ValidationFailed
from app.invoicing.services import create_draft
from tests.accounting.helpers import D, entry_rows
from tests.factories import CustomerFactory, line


def posted_invoice(customer=None, price="100.00", **header):
    customer = customer or CustomerFactory()
    draft = create_draft(None, customer_id=customer.id, lines=[line(unit_price=price)], **header)
    return post_invoice(None, draft.id)  # 100 + 23% VAT = 123.00 for the default price


def counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Payment, Allocation, JournalEntry)
    )


def test_register_payment_partial_marks_partially_paid(session):
    invoice = posted_invoice()
    payment = register_payment(None, invoice.id, amount="23.00", date="2026-06-10")
    assert (invoice.residual, invoice.payment_state) == (D("100.00"), "partial")
    assert invoice.status(date(2026, 6, 14)) == "partially_paid"
    assert entry_rows(payment.entry_id) == [
        ("bank", D("23.00"), D("0.00")),
        ("receivable", D("0.00"), D("23.00")),
    ]
    assert payment.receipt_number is None
    assert verify_ledger() == []


def test_register_payment_full_marks_paid(session):
    invoice = posted_invoice()
    register_payment(None, invoice.id, amount="123.00", method="card")
    assert (invoice.residual, invoice.payment_state) == (D("0.00"), "paid")
    assert invoice.status(date(2026, 12, 31)) == "paid"
    assert verify_ledger() == []


def test_register_payment_over_leaves_customer_credit(session):
    customer = CustomerFactory()
    invoice = posted_invoice(customer)
    payment = register_payment(None, invoice.id, amount="150.00")
    assert invoice.payment_state == "paid"
    assert entry_rows(payment.entry_id) == [
        ("bank", D("150.00"), D("0.00")),
        ("receivable", D("0.00"), D("150.00")),
    ]
    allocated = session.scalar(
        select(func.sum(Allocation.amount)).where(Allocation.payment_id == payment.id)
    )
    assert allocated == D("123.00")
    assert verify_ledger() == []


def test_apply_credit_from_overpayment_settles_another_invoice(session):
    customer = CustomerFactory()
    first = posted_invoice(customer)
    second = posted_invoice(customer, price="20.00")  # 24.60
    register_payment(None, first.id, amount="140.00")  # 17.00 left over
    applied = apply_credit(None, second.id)
    assert applied == D("17.00")
    assert (second.residual, second.payment_state) == (D("7.60"), "partial")
    assert verify_ledger() == []


def test_apply_credit_more_than_available_refused(session):
    customer = CustomerFactory()
    first = posted_invoice(customer)
    second = posted_invoice(customer)
    register_payment(None, first.id, amount="130.00")
    before = counts(session)
    with pytest.raises(OverAllocation) as caught:
        apply_credit(None, second.id, amount="8.00")
    assert caught.value.field == "amount"
    assert counts(session) == before


def test_apply_credit_without_credit_refused(session):
    invoice = posted_invoice()
    with pytest.raises(InvalidTransition, match="no unapplied credit"):
        apply_credit(None, invoice.id)


def test_register_cash_payment_gets_numbered_receipt(session):
    invoice = posted_invoice()
    first = register_payment(None, invoice.id, amount="23.00", method="cash")
    second = register_payment(None, invoice.id, amount="100.00", method="cash")
    assert (first.receipt_number, second.receipt_number) == ("RC-2026-001", "RC-2026-002")
    assert entry_rows(first.entry_id) == [
        ("cash", D("23.00"), D("0.00")),
        ("receivable", D("0.00"), D("23.00")),
    ]
    assert verify_ledger() == []


def test_reverse_payment_restores_residual_with_reversing_entry(session):
    invoice = posted_invoice()
    payment = register_payment(None, invoice.id, amount="123.00")
    reverse_payment(None, payment.id, reason="Bounced")
    assert (invoice.residual, invoice.payment_state) == (D("123.00"), "unpaid")
    assert payment.state == "reversed"
    assert entry_rows(payment.reversal_entry_id) == [
        ("bank", D("0.00"), D("123.00")),
        ("receivable", D("123.00"), D("0.00")),
    ]
    reversal = session.get(JournalEntry, payment.reversal_entry_id)
    assert reversal.reverses_entry_id == payment.entry_id
    assert verify_ledger() == []


def test_reverse_overpayment_applied_elsewhere_restores_both_invoices(session):
    customer = CustomerFactory()
    first = posted_invoice(customer)
    second = posted_invoice(customer)
    payment = register_payment(None, first.id, amount="200.00")
    apply_credit(None, second.id)
    reverse_payment(None, payment.id)
    assert (first.residual, second.residual) == (D("123.00"), D("123.00"))
    assert (first.payment_state, second.payment_state) == ("unpaid", "unpaid")
    assert verify_ledger() == []


def test_reverse_payment_twice_refused(session):
    invoice = posted_invoice()
    payment = register_payment(None, invoice.id, amount="10.00")
    reverse_payment(None, payment.id)
    with pytest.raises(InvalidTransition):
        reverse_payment(None, payment.id)
    assert verify_ledger() == []


def test_register_payment_on_draft_refused(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    with pytest.raises(InvalidTransition):
        register_payment(None, draft.id, amount="1.00")


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("amount", {"amount": "0"}),
        ("amount", {"amount": "-5.00"}),
        ("amount", {"amount": "NaN"}),
        ("amount", {"amount": "1e400"}),
        ("amount", {"amount": "10.005"}),
        ("amount", {"amount": 10.5}),
        ("amount", {"amount": "1000000000000.00"}),  # over the largest invoice
        ("date", {"amount": "1.00", "date": "2026-06-15"}),
        ("date", {"amount": "1.00", "date": "14/06/2026"}),
        ("method", {"amount": "1.00", "method": "cheque"}),
        ("reference", {"amount": "1.00", "reference": "x" * 141}),
    ],
)
def test_register_payment_bad_input_names_field_and_writes_nothing(session, field, values):
    invoice = posted_invoice()
    before = counts(session)
    with pytest.raises(ValidationFailed) as caught:
        register_payment(None, invoice.id, **values)
    assert field in caught.value.fields
    assert counts(session) == before
    assert invoice.residual == D("123.00")


def test_register_payment_dated_in_locked_period_refused(session):
    invoice = posted_invoice(invoice_date="2026-05-01")
    set_lock_date(None, date(2026, 5, 31))
    before = counts(session)
    with pytest.raises(PeriodLocked):
        register_payment(None, invoice.id, amount="10.00", date="2026-05-31")
    assert counts(session) == before
    register_payment(None, invoice.id, amount="10.00", date="2026-06-01")
    assert verify_ledger() == []


def test_register_payment_in_other_currency_amount_is_exact(session):
    invoice = posted_invoice(price="0.01")  # 0.01 + 0.00 VAT
    register_payment(None, invoice.id, amount="0.01")
    assert invoice.payment_state == "paid"
    assert invoice.gross_total == Decimal("0.01")
    assert verify_ledger() == []


def test_one_payment_can_settle_an_invoice_of_hundreds_of_billions(session):
    customer = CustomerFactory()
    draft = create_draft(
        None,
        customer_id=customer.id,
        lines=[line("Plant", "1", "999999999.99", "0")] * 500,  # 499,999,999,995.00
    )
    invoice = post_invoice(None, draft.id)

    register_payment(None, invoice.id, amount=str(invoice.gross_total))

    assert (invoice.residual, invoice.payment_state) == (D("0.00"), "paid")
