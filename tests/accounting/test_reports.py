"""Trial balance and receivable aging as of any date; aging ties to the receivable balance."""

from __future__ import annotations

from datetime import date, timedelta

from app.accounting.credit_notes import issue_credit_note
from app.accounting.reports import receivable_aging, receivable_balance, trial_balance
from app.accounting.services import apply_credit, post_invoice, register_payment, reverse_payment
from app.accounting.verify import verify_ledger
from app.core.money import ZERO
from app.invoicing.services import create_draft
from tests.accounting.helpers import D
from tests.factories import CustomerFactory, line


def post(customer, invoice_date: str, due_days: int, price: str = "100.00"):
    day = date.fromisoformat(invoice_date)
    draft = create_draft(
        None,
        customer_id=customer.id,
        lines=[line(unit_price=price)],
        invoice_date=day,
        due_date=day + timedelta(days=due_days),
    )
    return post_invoice(None, draft.id)


def history(session):
    """Two customers over four months: payments, an overpayment, a credit note, a reversal."""
    acme, bakery = CustomerFactory(name="Acme"), CustomerFactory(name="Bakery")
    a1 = post(acme, "2026-02-01", 14)  # 123.00
    a2 = post(acme, "2026-03-15", 30, "200.00")  # 246.00
    b1 = post(bakery, "2026-04-20", 14, "50.00")  # 61.50
    b2 = post(bakery, "2026-05-30", 14)
    register_payment(None, a1.id, amount="50.00", date="2026-03-01")
    over = register_payment(None, b1.id, amount="100.00", date="2026-05-02")  # 38.50 left over
    apply_credit(None, b2.id, amount="20.00")
    register_payment(None, a2.id, amount="246.00", date="2026-06-01")
    bounced = register_payment(None, a1.id, amount="10.00", date="2026-06-02")
    reverse_payment(None, bounced.id)
    issue_credit_note(
        None,
        b2.id,
        reason="Discount agreed",
        lines=[{"line_id": b2.lines[0].id, "quantity": "0.5"}],
    )
    return acme, bakery, over


AS_OF = [
    date(2026, 1, 31),
    date(2026, 2, 20),
    date(2026, 3, 31),
    date(2026, 5, 2),
    date(2026, 5, 31),
    date(2026, 6, 14),
]


def test_receivable_aging_total_equals_receivable_balance_at_every_date(session):
    history(session)
    for as_of in AS_OF:
        rows = receivable_aging(as_of)
        assert sum((r.total for r in rows), ZERO) == receivable_balance(as_of), as_of
        for row in rows:
            assert row.total == receivable_balance(as_of, row.customer_id), (as_of, row)
    assert verify_ledger() == []


def test_receivable_aging_buckets_by_days_past_due(session):
    acme = CustomerFactory(name="Acme")
    post(acme, "2026-06-01", 13)  # due 14 Jun: current on the 14th
    post(acme, "2026-05-01", 14)  # due 15 May: 30 days late -> 1-30
    post(acme, "2026-04-01", 14)  # due 15 Apr: 60 days -> 31-60
    post(acme, "2026-02-01", 14)  # due 15 Feb: 119 days -> 90+
    (row,) = receivable_aging(date(2026, 6, 14))
    assert row.buckets == {
        "current": D("123.00"),
        "1-30": D("123.00"),
        "31-60": D("123.00"),
        "61-90": D("0.00"),
        "90+": D("123.00"),
    }
    assert row.unapplied == ZERO


def test_receivable_aging_shows_overpayment_as_unapplied(session):
    bakery = CustomerFactory(name="Bakery")
    invoice = post(bakery, "2026-06-01", 14)
    register_payment(None, invoice.id, amount="150.00", date="2026-06-10")
    (row,) = receivable_aging(date(2026, 6, 14))
    assert (row.unapplied, row.total) == (D("27.00"), D("-27.00"))
    assert receivable_balance(date(2026, 6, 14)) == D("-27.00")


def test_receivable_aging_before_any_posting_is_empty(session):
    history(session)
    assert receivable_aging(date(2026, 1, 31)) == []


def test_trial_balance_debits_equal_credits_at_every_date(session):
    history(session)
    for as_of in AS_OF:
        rows = trial_balance(as_of)
        assert sum((r.debit for r in rows), ZERO) == sum((r.credit for r in rows), ZERO)


def test_trial_balance_as_of_date_excludes_later_entries(session):
    acme = CustomerFactory()
    post(acme, "2026-03-01", 14)
    post(acme, "2026-04-01", 14, "200.00")
    by_code = {r.code: r for r in trial_balance(date(2026, 3, 31))}
    receivable = [r for r in by_code.values() if r.type == "asset"]
    assert [(r.debit, r.credit) for r in receivable] == [(D("123.00"), D("0.00"))]
    later = {r.code: r for r in trial_balance(date(2026, 4, 1))}
    assert sum((r.debit for r in later.values()), ZERO) == D("369.00")
