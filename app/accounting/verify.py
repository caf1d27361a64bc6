"""`flask ledger verify`: every invariant of RELIABILITY.md that the ledger holds so far.

Each check returns human-readable violations; an empty list means the invariant holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import func, select

from app.accounting.ledger import unapplied_credit
from app.accounting.models import Account, Allocation, JournalEntry, JournalLine, Payment
from app.accounting.posting import seal
from app.core.numbering import NumberSeries
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.operations import seal_of

ZERO = Decimal("0.00")


def check_entries_balanced() -> list[str]:
    """I1: >= 2 lines, one non-negative side each, debits == credits."""
    problems = []
    rows = db.session.execute(
        select(
            JournalLine.entry_id,
            func.count(),
            func.sum(JournalLine.debit),
            func.sum(JournalLine.credit),
        ).group_by(JournalLine.entry_id)
    ).all()
    seen = set()
    for entry_id, count, debit, credit in rows:
        seen.add(entry_id)
        if count < 2:
            problems.append(f"I1 entry {entry_id} has {count} line(s)")
        if debit != credit:
            problems.append(f"I1 entry {entry_id} is unbalanced: {debit} debit vs {credit} credit")
    bad_sides = db.session.scalars(
        select(JournalLine.id).where(
            (JournalLine.debit < 0)
            | (JournalLine.credit < 0)
            | ((JournalLine.debit > 0) & (JournalLine.credit > 0))
            | ((JournalLine.debit == 0) & (JournalLine.credit == 0))
        )
    ).all()
    problems += [
        f"I1 journal line {line_id} must have exactly one positive side" for line_id in bad_sides
    ]
    for entry_id in db.session.scalars(select(JournalEntry.id)):
        if entry_id not in seen:
            problems.append(f"I1 entry {entry_id} has no lines")
    return problems


def check_trial_balance() -> list[str]:
    """I2: all debits equal all credits."""
    debit, credit = db.session.execute(
        select(
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        )
    ).one()
    return [] if debit == credit else [f"I2 total debits {debit} != total credits {credit}"]


def check_numbers() -> list[str]:
    """I3: per (series, year) numbers are start..max with no gap or repeat; only posted ones."""
    problems = []
    starts = {s.code: s.start_number for s in db.session.scalars(select(NumberSeries))}
    sequences: dict[tuple[str, int], list[int]] = defaultdict(list)
    for series, year, sequence in db.session.execute(
        select(Invoice.series, Invoice.fiscal_year, Invoice.sequence).where(
            Invoice.sequence.is_not(None)
        )
    ):
        sequences[(series, year)].append(sequence)
    for year, sequence in db.session.execute(
        select(Payment.receipt_year, Payment.receipt_sequence).where(
            Payment.receipt_sequence.is_not(None)
        )
    ):
        sequences[("receipt", year)].append(sequence)
    for (series, year), numbers in sorted(sequences.items()):
        start = starts.get(series, 1)
        expected = list(range(start, start + len(numbers)))
        if sorted(numbers) != expected:
            missing = sorted(set(expected) - set(numbers))[:5]
            dupes = sorted({n for n in numbers if numbers.count(n) > 1})[:5]
            problems.append(
                f"I3 series {series} {year}: numbers not contiguous "
                f"(missing {missing}, repeated {dupes}, max {max(numbers)})"
            )
    unnumbered = db.session.scalar(
        select(func.count()).where((Invoice.state == "posted") & Invoice.number.is_(None))
    )
    numbered_drafts = db.session.scalar(
        select(func.count()).where((Invoice.state == "draft") & Invoice.number.is_not(None))
    )
    if unnumbered:
        problems.append(f"I3 {unnumbered} posted document(s) without a number")
    if numbered_drafts:
        problems.append(f"I3 {numbered_drafts} draft(s) carry a number")
    return problems


def check_residuals() -> list[str]:
    """I4: residual = gross - allocations, within 0..gross, payment_state agrees."""
    problems = []
    allocated = dict(
        db.session.execute(
            select(Allocation.invoice_id, func.sum(Allocation.amount)).group_by(
                Allocation.invoice_id
            )
        ).all()
    )
    credited = dict(
        db.session.execute(
            select(Invoice.credited_invoice_id, func.sum(Invoice.gross_total))
            .where(Invoice.doc_type == "credit_note", Invoice.state == "posted")
            .group_by(Invoice.credited_invoice_id)
        ).all()
    )
    for invoice in db.session.scalars(
        select(Invoice).where(Invoice.doc_type == "invoice", Invoice.state == "posted")
    ):
        expected = invoice.gross_total - Decimal(allocated.get(invoice.id) or 0)
        if invoice.residual != expected:
            problems.append(f"I4 {invoice.number}: residual {invoice.residual} != {expected}")
        if not ZERO <= invoice.residual <= invoice.gross_total:
            problems.append(f"I4 {invoice.number}: residual {invoice.residual} outside 0..gross")
        state = _expected_payment_state(
            invoice.residual, invoice.gross_total, Decimal(credited.get(invoice.id) or 0)
        )
        if invoice.payment_state != state:
            problems.append(
                f"I4 {invoice.number}: payment state {invoice.payment_state}, expected {state}"
            )
    return problems


def _expected_payment_state(residual: Decimal, gross: Decimal, credited: Decimal) -> str:
    if credited >= gross > 0:
        return "reversed"
    if residual == 0:
        return "paid"
    return "partial" if residual < gross else "unpaid"


def check_receivable_ties() -> list[str]:
    """I5: receivable balance = residuals - unapplied credit, per customer and in total."""
    problems = []
    balances = dict(
        db.session.execute(
            select(JournalLine.customer_id, func.sum(JournalLine.debit - JournalLine.credit))
            .join(Account, Account.id == JournalLine.account_id)
            .where(Account.role == "receivable")
            .group_by(JournalLine.customer_id)
        ).all()
    )
    residuals = dict(
        db.session.execute(
            select(Invoice.customer_id, func.sum(Invoice.residual))
            .where(Invoice.doc_type == "invoice", Invoice.state == "posted")
            .group_by(Invoice.customer_id)
        ).all()
    )
    total_ledger = total_expected = ZERO
    for customer_id in sorted(set(balances) | set(residuals), key=lambda c: c or 0):
        ledger = Decimal(balances.get(customer_id) or 0)
        expected = Decimal(residuals.get(customer_id) or 0) - unapplied_credit(customer_id)
        total_ledger += ledger
        total_expected += expected
        if ledger != expected:
            problems.append(
                f"I5 customer {customer_id}: receivable {ledger} != residuals "
                f"minus credit {expected}"
            )
    if total_ledger != total_expected:
        problems.append(f"I5 total receivable {total_ledger} != {total_expected}")
    return problems


def check_seals() -> list[str]:
    """I6: posted documents and entries still match the hash taken at posting."""
    problems = []
    lines_by_entry: dict[int, list[JournalLine]] = defaultdict(list)
    for line in db.session.scalars(select(JournalLine).order_by(JournalLine.id)):
        lines_by_entry[line.entry_id].append(line)
    for entry in db.session.scalars(select(JournalEntry).order_by(JournalEntry.id)):
        expected = seal(
            entry.journal,
            entry.date,
            entry.description,
            [entry.invoice_id, entry.payment_id],
            [
                (ln.account_id, ln.debit, ln.credit, ln.customer_id, ln.invoice_id)
                for ln in lines_by_entry[entry.id]
            ],
        )
        if expected != entry.seal:
            problems.append(f"I6 journal entry {entry.id} was altered after posting")
            break  # the first altered entry is named; later ones follow from it
    for invoice in db.session.scalars(
        select(Invoice).where(Invoice.state == "posted").order_by(Invoice.id)
    ):
        if invoice.seal != seal_of(invoice):
            problems.append(f"I6 document {invoice.number} was altered after posting")
            break
    return problems


def check_payments() -> list[str]:
    """I7: one entry per payment (plus one reversal); allocations never exceed the amount."""
    problems = []
    entries = dict(
        db.session.execute(
            select(JournalEntry.payment_id, func.count())
            .where(JournalEntry.payment_id.is_not(None))
            .group_by(JournalEntry.payment_id)
        ).all()
    )
    allocated = dict(
        db.session.execute(
            select(Allocation.payment_id, func.sum(Allocation.amount))
            .where(Allocation.payment_id.is_not(None))
            .group_by(Allocation.payment_id)
        ).all()
    )
    for payment in db.session.scalars(select(Payment)):
        expected = 1 if payment.state == "posted" else 2
        if entries.get(payment.id, 0) != expected:
            problems.append(
                f"I7 payment {payment.id} has {entries.get(payment.id, 0)} entries, "
                f"expected {expected}"
            )
        used = Decimal(allocated.get(payment.id) or 0)
        limit = payment.amount if payment.state == "posted" else ZERO
        if used > limit or used < 0:
            problems.append(f"I7 payment {payment.id}: allocated {used} of {limit}")
    return problems


CHECKS: tuple[Callable[[], list[str]], ...] = (
    check_entries_balanced,
    check_trial_balance,
    check_numbers,
    check_residuals,
    check_receivable_ties,
    check_seals,
    check_payments,
)


def verify_ledger() -> list[str]:
    problems: list[str] = []
    for check in CHECKS:
        problems += check()
    return problems


def ledger_summary() -> str:
    entries = db.session.scalar(select(func.count()).select_from(JournalEntry))
    documents = db.session.scalar(select(func.count()).where(Invoice.state == "posted"))
    return f"ledger OK: {entries} entries, {documents} posted documents, invariants I1-I7 hold"
