"""Credit notes: crediting a posted invoice, whole or for chosen lines and quantities, and
cancelling it (a full credit note).

A note is built from the invoice's lines, posted like any document (entry, gapless number
of its own series, frozen), and settles what is still open on the invoice; the rest becomes
customer credit. Each public function is one transaction (see `use_case`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.accounting.ledger import allocate_to_invoice, credited_total
from app.accounting.queries import credited_quantities
from app.accounting.services import finalise_document
from app.company.services import ensure_open_period, get_company
from app.core import clock
from app.core.db import use_case
from app.core.errors import Errors, InvalidTransition, OverAllocation, ValidationFailed
from app.core.money import InvalidNumber, to_decimal
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.operations import build_credit_note, load_invoice, read_for_posting
from app.invoicing.services import draft_from


@dataclass(frozen=True)
class CreditNoteIssued:
    note: Invoice
    reissued_draft_id: int | None  # the corrected copy's draft, when one was asked for


def issue_credit_note(
    actor: Any, invoice_id: int, *, reason: str, lines: Any = None, reissue: bool = False
) -> Invoice:
    """`credit_invoice`, for callers that need only the note."""
    return credit_invoice(actor, invoice_id, reason=reason, lines=lines, reissue=reissue).note


def cancel_invoice(actor: Any, invoice_id: int, reason: str = "Cancelled") -> Invoice:
    """Cancel a posted invoice = a full credit note; the invoice then shows Cancelled."""
    return issue_credit_note(actor, invoice_id, reason=reason)


@use_case
def credit_invoice(
    actor: Any, invoice_id: int, *, reason: str, lines: Any = None, reissue: bool = False
) -> CreditNoteIssued:
    """Post a credit note against a posted invoice, whole or for chosen lines and quantities.

    The note settles what is still open on the invoice; the rest becomes customer credit.
    With `reissue`, a new draft copy of the invoice is created for correction.
    """
    original = load_invoice(invoice_id, for_update=True)
    if original.doc_type != "invoice" or original.state != "posted":
        raise InvalidTransition("Credit notes are issued against posted invoices.")
    if not str(reason or "").strip():
        raise ValidationFailed({"reason": ["Say why the invoice is credited."]})
    if credited_total(original.id) >= original.gross_total:
        raise InvalidTransition(f"{original.number} is already credited in full.")
    company = get_company(for_share=True)
    today = clock.today_in(company.timezone)
    ensure_open_period(company, today)
    already = credited_quantities(original.id)
    quantities = _credit_quantities(original, lines, already)
    note = build_credit_note(
        original,
        quantities,
        str(reason).strip(),
        today,
        getattr(actor, "id", None),
        discount_left=_discount_left(original, quantities, already),
    )
    if note.gross_total <= 0:
        raise ValidationFailed(
            {"lines": ["These quantities credit nothing once rounded to the cent."]}
        )
    if credited_total(original.id) + note.gross_total > original.gross_total:
        raise OverAllocation(
            "These quantities would credit more than the invoice total.", field="lines"
        )
    db.session.flush()  # the note and its lines, for posting to read like any draft
    note = finalise_document(read_for_posting(note.id)[0], actor)
    allocate_to_invoice(
        original, min(note.gross_total, original.residual), today, credit_note_id=note.id
    )
    draft = draft_from(actor, original, order_links=True) if reissue else None
    return CreditNoteIssued(note, draft.id if draft else None)


def _credit_quantities(
    original: Invoice, lines: Any, already: dict[int, Decimal]
) -> dict[int, Decimal] | None:
    """Validate chosen lines and quantities against what is still uncredited.

    Without `lines` the whole invoice is credited, or, after earlier partial notes, every
    quantity still uncredited.
    """
    if lines is None:
        if not already:
            return None
        return {
            line.id: line.quantity - already.get(line.id, Decimal(0))
            for line in original.lines
            if line.quantity > already.get(line.id, Decimal(0))
        }
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed({"lines": ["Choose at least one line to credit."]})
    by_id = {line.id: line for line in original.lines}
    errors = Errors()
    chosen: dict[int, Decimal] = {}
    seen: set[int] = set()
    for index, raw in enumerate(lines):
        where = f"lines[{index}]"
        line = by_id.get(raw.get("line_id")) if isinstance(raw, dict) else None
        if line is None:
            errors.add(f"{where}.line_id", f"Choose a line of {original.number}.")
            continue
        if line.id in seen:
            # Each entry is checked against what is left on its line: a line listed twice
            # would be credited beyond it, so each line's quantity is given once.
            errors.add(f"{where}.line_id", "This line is listed twice; give its quantity once.")
            continue
        seen.add(line.id)
        try:
            quantity = to_decimal(raw.get("quantity"), places=3)
        except InvalidNumber as exc:
            errors.add(f"{where}.quantity", f"Quantity {exc}.")
            continue
        left = line.quantity - already.get(line.id, Decimal(0))
        if quantity <= 0 or quantity > left:
            errors.add(f"{where}.quantity", f"Enter a quantity above 0 and at most {left}.")
            continue
        chosen[line.id] = quantity
    errors.raise_if_any()
    return chosen


def _discount_left(
    original: Invoice, quantities: dict[int, Decimal] | None, already: dict[int, Decimal]
) -> Decimal | None:
    """For a note crediting the last uncredited quantities: the fixed discount not yet credited."""
    if quantities is None or original.discount_kind != "amount":
        return None
    for line in original.lines:
        if already.get(line.id, Decimal(0)) + quantities.get(line.id, Decimal(0)) < line.quantity:
            return None
    given = db.session.scalar(
        select(func.coalesce(func.sum(Invoice.discount_total), 0)).where(
            Invoice.credited_invoice_id == original.id, Invoice.state == "posted"
        )
    )
    return original.discount_total - Decimal(given or 0)
