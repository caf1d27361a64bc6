"""Ledger use cases: post documents, register and reverse payments, apply customer credit.
Credit notes are in `app.accounting.credit_notes`.

Each public function is one transaction (see `use_case`). Posting writes the entry first
and draws the number last, so the per-series counter row is held only until commit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.accounting.ledger import (
    allocate_to_invoice,
    read_for_posting_with_settings,
    unapplied_sources,
    write_entry,
)
from app.accounting.models import PAYMENT_METHODS, Allocation, JournalEntry, Payment
from app.accounting.posting import (
    DocumentFigures,
    EntryLine,
    build_credit_note_entry,
    build_invoice_entry,
    build_payment_entry,
    reverse_lines,
)
from app.company.models import Company
from app.company.services import PostingRules, ensure_open_period, get_company
from app.core import clock
from app.core.db import reloadable, use_case, utcnow
from app.core.errors import (
    DomainError,
    Errors,
    InvalidTransition,
    InvoiceNotDraft,
    NotFound,
    OverAllocation,
    PeriodLocked,
    ValidationFailed,
)
from app.core.money import MAX_AMOUNT, InvalidNumber, money
from app.core.numbering import draw_and_write, draw_number
from app.extensions import db
from app.invoicing import events
from app.invoicing.calculations import Totals
from app.invoicing.models import Invoice
from app.invoicing.operations import (
    PostingDraft,
    billing_snapshot,
    load_invoice,
    seal_with_number,
    totals_of,
)
from app.invoicing.validation import parse_date


def can_post(invoice: Invoice | PostingDraft, company: Company | PostingRules) -> list[str]:
    """Why `invoice` cannot be posted yet (empty when it can)."""
    problems = []
    if invoice.state != "draft":
        problems.append("It is already posted.")
    if not invoice.lines:
        problems.append("Add at least one line.")
    if invoice.currency != company.currency:
        # The ledger keeps one currency: amounts in another would be booked as if in it.
        problems.append(
            f"It is in {invoice.currency}, the books in {company.currency}; "
            "make it again in the books' currency."
        )
    if not invoice.customer.has_billing_address:
        problems.append(f"{invoice.customer.name} needs a billing address (street, city, country).")
    if (
        company.vat_registered
        and invoice.customer.is_business
        and not invoice.customer.vat_id
        and invoice.doc_type == "invoice"
    ):
        problems.append(f"{invoice.customer.name} is a business and needs a VAT id.")
    locked = period_lock_problem(invoice, company)
    if locked:
        problems.append(locked)
    if invoice.gross_total <= 0 and invoice.doc_type != "credit_note":
        problems.append("The total must be above zero.")
    return problems


def period_lock_problem(
    invoice: Invoice | PostingDraft, company: Company | PostingRules
) -> str | None:
    """Why the document's date falls in the locked period, if it does."""
    if company.lock_date and invoice.invoice_date <= company.lock_date:
        return f"Books locked to {company.lock_date:%d %b %Y}; pick a later invoice date."
    return None


def _checked_totals(draft: PostingDraft) -> Totals:
    """The totals from the lines, which must be exactly the stored ones."""
    totals: Totals = totals_of(draft)
    stored = (
        draft.subtotal,
        draft.discount_total,
        draft.net_total,
        draft.vat_total,
        draft.gross_total,
    )
    if stored != (totals.subtotal, totals.discount, totals.net, totals.vat, totals.gross):
        raise DomainError(f"{draft.title}: stored totals differ from its lines.")
    return totals


def _write_document_entry(
    draft: PostingDraft, totals: Totals, actor_id: int | None, accounts: dict[str, int] | None
) -> int:
    figures = DocumentFigures(
        customer_id=draft.customer_id,
        document_id=draft.id,
        due_date=draft.due_date,
        gross=totals.gross,
        revenue_by_kind=totals.revenue_by_kind,
        vat_by_rate={t.rate: t.amount for t in totals.taxes},
    )
    is_note = draft.doc_type == "credit_note"
    return write_entry(
        journal="credit_notes" if is_note else "sales",
        entry_date=draft.invoice_date,
        description=f"{'Credit note' if is_note else 'Invoice'} to {draft.customer.name}",
        lines=build_credit_note_entry(figures) if is_note else build_invoice_entry(figures),
        invoice_id=draft.id,
        actor_id=actor_id,
        accounts=accounts,
    )


def finalise_document(
    draft: PostingDraft, actor: Any, accounts: dict[str, int] | None = None
) -> Invoice:
    """Write the entry, let listeners act, then draw the number last and freeze the document.

    Nothing goes through the ORM's unit of work: the entry is a Core insert, and the number
    is drawn and the document frozen by `draw_and_write`. The counter row is the one row
    every poster of the series queues on, so everything else (the frozen values, the seal
    up to the number, the returned instance) is prepared before it is taken; on PostgreSQL
    the draw and the freeze are then one statement, followed by the commit. Returns the
    posted document, its attributes loading on first use. Posting a draft and issuing a
    credit note both end here.
    """
    series, year = draft.doc_type, draft.invoice_date.year
    actor_id = getattr(actor, "id", None)
    totals = _checked_totals(draft)
    billing = billing_snapshot(draft.customer)
    values: dict[str, Any] = {
        **billing,
        "series": series,
        "fiscal_year": year,
        "state": "posted",
        "posted_by_id": actor_id,
        "residual": draft.gross_total if draft.doc_type == "invoice" else Decimal("0.00"),
        "journal_entry_id": None,
    }
    if draft.doc_type != "proforma":
        values["journal_entry_id"] = _write_document_entry(draft, totals, actor_id, accounts)
    events.emit("posting", invoice=draft)
    seal = seal_with_number(replace(draft, taxes=tuple(totals.taxes), **billing))
    posted = reloadable(Invoice, draft.id)
    values["posted_at"] = utcnow()
    draw_and_write(series, year, Invoice.__table__, draft.id, values, seal)
    return posted


@use_case
def post_invoice(actor: Any, invoice_id: int) -> Invoice:
    """Validate, write the journal entry, assign the gapless number, freeze the document.

    Returns the posted document; its attributes load on first use (posting wrote the row
    with Core statements, so any copy the session held before is expired).
    """
    draft, rules, accounts = read_for_posting_with_settings(invoice_id)
    if draft.state != "draft":
        # The posting read carries no number (drafts have none): name the posted document
        # by the number it was given.
        number = db.session.scalar(select(Invoice.number).where(Invoice.id == draft.id))
        raise InvoiceNotDraft(f"{number or draft.title} is already posted.")
    locked = period_lock_problem(draft, rules)
    if locked:
        # The code payments answer too, naming the date to change.
        raise PeriodLocked(locked, field="invoice_date")
    problems = can_post(draft, rules)
    if problems:
        raise InvalidTransition(" ".join(problems))
    invoice = finalise_document(draft, actor, accounts)
    events.emit("posted", invoice=invoice)
    return invoice


def _parse_payment(
    amount: Any, on: Any, method: Any, reference: Any, company: Company
) -> tuple[Decimal, date, str, str]:
    errors = Errors()
    value = Decimal(0)
    try:
        value = money(amount)
        if value <= 0 or value > MAX_AMOUNT:
            errors.add("amount", f"Enter an amount above 0 and at most {MAX_AMOUNT:,}.")
    except InvalidNumber as exc:
        errors.add("amount", f"Amount {exc}.")
    day = parse_date(on, "date", errors) if on is not None else clock.today_in(company.timezone)
    if day and day > clock.today_in(company.timezone):
        errors.add("date", "A payment cannot be dated in the future.")
    if method not in PAYMENT_METHODS:
        errors.add("method", "Choose bank transfer, card or cash.")
    reference = str(reference or "").strip()
    if len(reference) > 140:
        errors.add("reference", "Use at most 140 characters.")
    errors.raise_if_any()
    assert day is not None
    ensure_open_period(company, day)
    return value, day, str(method), reference


@use_case
def register_payment(
    actor: Any,
    invoice_id: int,
    *,
    amount: Any,
    date: Any = None,
    method: Any = "bank_transfer",
    reference: Any = "",
) -> Payment:
    """Money received against an invoice; anything above its residual becomes customer credit."""
    invoice = load_invoice(invoice_id, for_update=True)
    if invoice.doc_type == "credit_note":
        raise InvalidTransition("Payments are registered on invoices, not on credit notes.")
    if invoice.doc_type != "invoice" or invoice.state != "posted":
        raise InvalidTransition("Payments are registered on posted invoices.")
    if invoice.payment_state == "reversed":
        raise InvalidTransition(f"{invoice.number} is cancelled; it takes no payments.")
    company = get_company(for_share=True)
    value, day, method_, reference_ = _parse_payment(amount, date, method, reference, company)
    payment = Payment(
        customer_id=invoice.customer_id,
        invoice_id=invoice.id,
        amount=value,
        date=day,
        method=method_,
        reference=reference_,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(payment)
    db.session.flush()
    entry_id = write_entry(
        journal="cash" if method_ == "cash" else "bank",
        entry_date=day,
        description=f"Payment for {invoice.number}" + (f" ({reference_})" if reference_ else ""),
        lines=build_payment_entry(
            amount=value,
            method=method_,
            customer_id=invoice.customer_id,
            invoice_id=invoice.id,
            label=f"Payment {invoice.number}",
        ),
        payment_id=payment.id,
        actor_id=getattr(actor, "id", None),
    )
    payment.entry_id = entry_id
    allocate_to_invoice(invoice, min(value, invoice.residual), day, payment_id=payment.id)
    if method_ == "cash":
        payment.receipt_sequence, payment.receipt_number = draw_number("receipt", day.year)
        payment.receipt_year = day.year
    return payment


def get_payment(payment_id: Any, *, for_update: bool = False) -> Payment:
    payment = (
        db.session.get(Payment, payment_id, with_for_update=for_update or None)
        if isinstance(payment_id, int) and not isinstance(payment_id, bool)
        else None
    )
    if payment is None:
        raise NotFound("No such payment.")
    return payment


@use_case
def reverse_payment(actor: Any, payment_id: int, reason: str = "") -> Payment:
    """Undo a payment (bounced, wrong invoice): a reversing entry; the residuals come back."""
    payment = get_payment(payment_id, for_update=True)  # two reversals queue; one wins
    if payment.state != "posted":
        raise InvalidTransition("This payment is already reversed.")
    company = get_company(for_share=True)
    today = clock.today_in(company.timezone)
    ensure_open_period(company, today)
    assert payment.entry_id is not None
    original = db.session.get(JournalEntry, payment.entry_id)
    assert original is not None
    lines = reverse_lines(
        EntryLine(
            line.account.role or "",
            line.debit,
            line.credit,
            line.label,
            line.customer_id,
            line.invoice_id,
            line.due_date,
        )
        for line in original.lines
    )
    entry_id = write_entry(
        journal=original.journal,
        entry_date=today,
        description=f"Reversal of payment {payment.id}" + (f": {reason}" if reason else ""),
        lines=lines,
        payment_id=payment.id,
        reverses_entry_id=original.id,
        actor_id=getattr(actor, "id", None),
    )
    for invoice_id, amount in _allocations_of(payment_id=payment.id):
        invoice = load_invoice(invoice_id, for_update=True)
        allocate_to_invoice(invoice, -amount, today, payment_id=payment.id)
    payment.state = "reversed"
    payment.reversal_entry_id = entry_id
    payment.reversed_at = utcnow()
    payment.reversal_reason = reason
    return payment


def _allocations_of(**source: int) -> list[tuple[int, Decimal]]:
    column = Allocation.payment_id if "payment_id" in source else Allocation.credit_note_id
    rows = db.session.execute(
        select(Allocation.invoice_id, func.sum(Allocation.amount))
        .where(column == next(iter(source.values())))
        .group_by(Allocation.invoice_id)
    ).all()
    return [(invoice_id, Decimal(total)) for invoice_id, total in rows if total]


@use_case
def apply_credit(actor: Any, invoice_id: int, amount: Any = None) -> Decimal:
    """Settle an open invoice from the customer's unapplied payments and credit notes."""
    invoice = load_invoice(invoice_id, for_update=True)
    if invoice.doc_type != "invoice" or invoice.state != "posted" or invoice.residual <= 0:
        raise InvalidTransition("Credit is applied to posted invoices with an amount due.")
    company = get_company(for_share=True)
    today = clock.today_in(company.timezone)
    ensure_open_period(company, today)
    sources = unapplied_sources(invoice.customer_id)
    available = sum((left for _, _, left in sources), Decimal("0.00"))
    wanted = invoice.residual
    if amount not in (None, ""):
        try:
            wanted = money(amount)
        except InvalidNumber as exc:
            raise ValidationFailed({"amount": [f"Amount {exc}."]}) from None
        if wanted <= 0:
            raise ValidationFailed({"amount": ["Enter an amount above 0."]})
        if wanted > invoice.residual or wanted > available:
            raise OverAllocation(
                f"At most {min(invoice.residual, available)} can be applied.", field="amount"
            )
    remaining = min(wanted, available)
    if remaining <= 0:
        raise InvalidTransition(f"{invoice.customer.name} has no unapplied credit.")
    applied = Decimal("0.00")
    for kind, source_id, left in sources:
        take = min(left, remaining - applied)
        if take <= 0:
            break
        allocate_to_invoice(invoice, take, today, **{f"{kind}_id": source_id})
        applied += take
    return applied
