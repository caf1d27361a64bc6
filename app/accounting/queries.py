"""Reads for the bookkeeper's pages: list counts and sums, an invoice's history, open items,
journal drill-down and credit-note previews. Single aggregate queries where a list needs sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.accounting.models import Account, Allocation, JournalEntry, JournalLine, Payment
from app.core.errors import NotFound
from app.core.search import contains_text
from app.extensions import db
from app.invoicing.calculations import LineInput, compute_totals
from app.invoicing.models import Invoice, InvoiceLine
from app.invoicing.services import status_filter

ZERO = Decimal("0.00")
CHIPS = ("draft", "unpaid", "overdue", "partially_paid", "paid", "cancelled")


def status_counts(today: date) -> dict[str, int]:
    """How many invoices each status chip holds, in one query."""
    columns = [func.count().label("all")]
    for status in CHIPS:
        columns.append(func.sum(case((status_filter(status, today), 1), else_=0)).label(status))
    row = db.session.execute(
        select(*columns).select_from(Invoice).where(Invoice.doc_type == "invoice")
    ).one()
    counts = {key: int(value or 0) for key, value in row._mapping.items()}
    counts["credit_notes"] = int(
        db.session.scalar(
            select(func.count()).select_from(Invoice).where(Invoice.doc_type == "credit_note")
        )
        or 0
    )
    return counts


def sums_of(stmt: Select[Any]) -> tuple[Decimal, Decimal]:
    """Total and balance due over every row a filtered invoice select() matches."""
    sub = stmt.order_by(None).subquery()
    total, due = db.session.execute(
        select(
            func.coalesce(func.sum(sub.c.gross_total), 0),
            func.coalesce(func.sum(sub.c.residual), 0),
        )
    ).one()
    return _cents(total), _cents(due)


def _cents(value: Any) -> Decimal:
    """Sums over a subquery lose the column type on some drivers: integers are cents."""
    if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
        return value
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def invoices_by_ids(ids: list[int]) -> list[Invoice]:
    if not ids:
        return []
    return list(db.session.scalars(select(Invoice).where(Invoice.id.in_(ids)).order_by(Invoice.id)))


def payments_of(invoice_id: int) -> list[Payment]:
    return list(
        db.session.scalars(
            select(Payment)
            .where(Payment.invoice_id == invoice_id)
            .order_by(Payment.date, Payment.id)
        )
    )


def credit_notes_of(invoice_id: int) -> list[Invoice]:
    return list(
        db.session.scalars(
            select(Invoice)
            .where(Invoice.credited_invoice_id == invoice_id, Invoice.doc_type == "credit_note")
            .order_by(Invoice.id)
        )
    )


@dataclass(frozen=True)
class AllocationRow:
    date: date
    amount: Decimal
    payment_id: int | None
    credit_note_id: int | None
    invoice_id: int


def allocations_of(invoice_id: int) -> list[AllocationRow]:
    rows = db.session.execute(
        select(
            Allocation.date,
            Allocation.amount,
            Allocation.payment_id,
            Allocation.credit_note_id,
            Allocation.invoice_id,
        )
        .where(Allocation.invoice_id == invoice_id)
        .order_by(Allocation.date, Allocation.id)
    ).all()
    return [AllocationRow(*row) for row in rows]


def entry_with_lines(entry_id: int) -> JournalEntry:
    entry = db.session.get(JournalEntry, entry_id) if isinstance(entry_id, int) else None
    if entry is None:
        raise NotFound("No such journal entry.")
    return entry


def entries_of_invoice(invoice: Invoice) -> list[JournalEntry]:
    """The invoice's own entry and those of its payments and their reversals."""
    payment_ids = [p.id for p in payments_of(invoice.id)]
    cond = JournalEntry.invoice_id == invoice.id
    if payment_ids:
        cond = cond | JournalEntry.payment_id.in_(payment_ids)
    return list(db.session.scalars(select(JournalEntry).where(cond).order_by(JournalEntry.id)))


def open_items(customer_id: int) -> list[Invoice]:
    return list(
        db.session.scalars(
            select(Invoice)
            .where(
                Invoice.customer_id == customer_id,
                Invoice.doc_type == "invoice",
                Invoice.state == "posted",
                Invoice.residual > 0,
            )
            .order_by(Invoice.due_date, Invoice.id)
        )
    )


def customer_payments(customer_id: int) -> Select[Any]:
    return (
        select(Payment)
        .where(Payment.customer_id == customer_id)
        .order_by(Payment.date.desc(), Payment.id.desc())
    )


def overdue_total(today: date) -> tuple[Decimal, int]:
    total, count = db.session.execute(
        select(func.coalesce(func.sum(Invoice.residual), 0), func.count()).where(
            Invoice.doc_type == "invoice", status_filter("overdue", today)
        )
    ).one()
    return _cents(total), int(count or 0)


def account(account_id: int) -> Account:
    found = db.session.get(Account, account_id) if isinstance(account_id, int) else None
    if found is None:
        raise NotFound("No such account.")
    return found


def account_lines(account_id: int, as_of: date) -> Select[Any]:
    """An account's journal lines up to a date, newest first: the trial balance drill-down."""
    return (
        select(JournalLine)
        .options(joinedload(JournalLine.entry))  # each line's label reads its entry's number
        .where(JournalLine.account_id == account_id, JournalLine.date <= as_of)
        .order_by(JournalLine.date.desc(), JournalLine.id.desc())
    )


def account_totals(account_id: int, as_of: date) -> tuple[Decimal, Decimal]:
    debit, credit = db.session.execute(
        select(
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        ).where(JournalLine.account_id == account_id, JournalLine.date <= as_of)
    ).one()
    return _cents(debit), _cents(credit)


def credited_quantities(invoice_id: int) -> dict[int, Decimal]:
    """Per original line, the quantity already credited by posted credit notes."""
    rows = db.session.execute(
        select(InvoiceLine.credited_line_id, func.sum(InvoiceLine.quantity))
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(Invoice.credited_invoice_id == invoice_id, Invoice.state == "posted")
        .group_by(InvoiceLine.credited_line_id)
    ).all()
    return {line_id: _qty(total) for line_id, total in rows if line_id is not None}


def _qty(value: Any) -> Decimal:
    if isinstance(value, Decimal) and value.as_tuple().exponent == -3:
        return value
    return (Decimal(int(value)) / 1000).quantize(Decimal("0.001"))


def preview_credit(original: Invoice, quantities: dict[int, Decimal] | None) -> Any:
    """The totals a credit note would have: the rules of `build_credit_note`, without writing."""
    if quantities is None:
        lines = [(line, line.quantity) for line in original.lines]
        kind, value = original.discount_kind, original.discount_value
    else:
        lines = [(line, quantities[line.id]) for line in original.lines if quantities.get(line.id)]
        kind, value = (
            ("percent", original.discount_value)
            if original.discount_kind == "percent"
            else (None, None)
        )
    inputs = [
        LineInput(q, line.unit_price, line.discount_percent, line.vat_rate, line.kind)
        for line, q in lines
    ]
    totals = compute_totals(inputs, kind, value)
    if quantities is not None and original.discount_kind == "amount" and original.subtotal:
        share = totals.subtotal * original.discount_total / original.subtotal
        totals = compute_totals(inputs, "amount", share.quantize(Decimal("0.01")))
    return totals


def receivable_lines_open(customer_id: int) -> Decimal:
    """The customer's receivable balance now (all dates)."""
    value = db.session.scalar(
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
        .join(Account, Account.id == JournalLine.account_id)
        .where(and_(Account.role == "receivable", JournalLine.customer_id == customer_id))
    )
    return _cents(value)


def journal_entries(
    *,
    journal: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    invoice_id: int | None = None,
    q: str | None = None,
    sort: str | None = "-date",
) -> Select[Any]:
    """Journal entries with their lines, filtered and sorted (`date` or `id`, `-` for
    newest first); the caller paginates. `q` matches the description, the posted document's
    number or a payment's receipt number."""
    stmt = select(JournalEntry).options(
        selectinload(JournalEntry.lines).joinedload(JournalLine.account)
    )
    if journal:
        stmt = stmt.where(JournalEntry.journal == journal)
    if date_from:
        stmt = stmt.where(JournalEntry.date >= date_from)
    if date_to:
        stmt = stmt.where(JournalEntry.date <= date_to)
    if invoice_id:
        stmt = stmt.where(_about_invoice(invoice_id))
    if q:
        receipts = select(Payment.entry_id).where(contains_text(Payment.receipt_number, q))
        stmt = stmt.where(
            contains_text(JournalEntry.description, q)
            | contains_text(JournalEntry.document_number, q)
            | JournalEntry.id.in_(receipts)
        )
    sort = sort or "-date"
    column = JournalEntry.date if sort.lstrip("-") == "date" else JournalEntry.id
    descending = sort.startswith("-")
    return stmt.order_by(
        column.desc() if descending else column.asc(),
        JournalEntry.id.desc() if descending else JournalEntry.id.asc(),
    )


def _about_invoice(invoice_id: int) -> Any:
    """Entries about one document: its own, those with a line on its receivable (payments on
    it) and those of the credit notes that credit it."""
    touching = select(JournalLine.id).where(
        JournalLine.entry_id == JournalEntry.id, JournalLine.invoice_id == invoice_id
    )
    credits = select(Invoice.id).where(Invoice.credited_invoice_id == invoice_id)
    return (
        (JournalEntry.invoice_id == invoice_id)
        | touching.exists()
        | JournalEntry.invoice_id.in_(credits)
    )
