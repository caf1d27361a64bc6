"""Flush-only operations on documents, called by invoicing's and accounting's use cases."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import joinedload

from app.catalog.models import CatalogItem
from app.company.models import Company
from app.core.errors import Errors, NotFound
from app.core.money import ZERO
from app.core.numbering import NumberedSeal
from app.customers.models import Customer
from app.extensions import db
from app.invoicing.calculations import LineInput, compute_totals
from app.invoicing.models import Invoice, InvoiceLine, InvoiceTax
from app.invoicing.validation import MAX_LINES, clean_line


def default_vat_rate(company: Company) -> Decimal:
    return company.default_vat_rate if company.vat_registered else ZERO


def due_date_for(customer: Customer, company: Company, invoice_date: date) -> date:
    terms = customer.payment_terms_days
    if terms is None:
        terms = company.default_payment_terms_days
    return invoice_date + timedelta(days=terms)


def clean_lines(raw_lines: Any, company: Company, errors: Errors) -> list[dict[str, Any]]:
    if not isinstance(raw_lines, list):
        errors.add("lines", "Give the lines as a list.")
        return []
    if len(raw_lines) > MAX_LINES:
        errors.add("lines", f"At most {MAX_LINES} lines per document.")
        return []
    cleaned = []
    for index, raw in enumerate(raw_lines):
        if not isinstance(raw, dict):
            errors.add(f"lines[{index}]", "Each line needs description, quantity and price.")
            continue
        cleaned.append(clean_line(raw, index, errors, default_vat_rate(company)))
    for index, line in enumerate(cleaned):
        item_id = line.get("catalog_item_id")
        if item_id and db.session.get(CatalogItem, item_id) is None:
            errors.add(f"lines[{index}].catalog_item_id", "No such catalog item.")
    return cleaned


def replace_lines(invoice: Invoice, lines: list[dict[str, Any]]) -> None:
    invoice.lines.clear()
    db.session.flush()
    for position, values in enumerate(lines, start=1):
        invoice.lines.append(InvoiceLine(position=position, net=ZERO, **values))
    recompute(invoice)


def recompute(invoice: Invoice) -> None:
    """Refresh line nets, VAT lines and totals from the lines (drafts only)."""
    totals = compute_totals(
        [
            LineInput(
                line.quantity, line.unit_price, line.discount_percent, line.vat_rate, line.kind
            )
            for line in invoice.lines
        ],
        invoice.discount_kind,
        invoice.discount_value,
    )
    for line, net in zip(invoice.lines, totals.line_nets, strict=True):
        line.net = net
    invoice.taxes.clear()
    db.session.flush()
    invoice.taxes.extend(
        InvoiceTax(rate=t.rate, base=t.base, amount=t.amount) for t in totals.taxes
    )
    invoice.subtotal = totals.subtotal
    invoice.discount_total = totals.discount
    invoice.net_total = totals.net
    invoice.vat_total = totals.vat
    invoice.gross_total = totals.gross
    invoice.residual = totals.gross


def totals_of(invoice: Invoice | PostingDraft) -> Any:
    return compute_totals(
        [
            LineInput(
                line.quantity, line.unit_price, line.discount_percent, line.vat_rate, line.kind
            )
            for line in invoice.lines
        ],
        invoice.discount_kind,
        invoice.discount_value,
    )


def load_invoice(invoice_id: Any, *, for_update: bool = False, with_lines: bool = False) -> Invoice:
    """One invoice; `with_lines` loads its lines and VAT lines in the same statement."""
    if not isinstance(invoice_id, int) or isinstance(invoice_id, bool):
        raise NotFound("No such invoice.")
    # Lock the invoice row only: a bare FOR UPDATE would also lock the eagerly joined
    # customer row and serialize every posting and payment of that customer.
    lock = {"of": Invoice} if for_update else None
    options = [joinedload(Invoice.lines), joinedload(Invoice.taxes)] if with_lines else None
    invoice = db.session.get(Invoice, invoice_id, with_for_update=lock, options=options)
    if invoice is None:
        raise NotFound("No such invoice.")
    return invoice


def billing_snapshot(customer: Customer | BillingParty) -> dict[str, str]:
    """The customer as a document keeps it once posted (a later change does not alter it)."""
    return {
        "billing_name": customer.name,
        "billing_address": "\n".join(customer.address_lines),
        "billing_vat_id": customer.vat_id,
        "billing_email": customer.email,
    }


def snapshot_customer(invoice: Invoice) -> None:
    for key, value in billing_snapshot(invoice.customer).items():
        setattr(invoice, key, value)


def _seal_content(invoice: Invoice | PostingDraft, number: str | None) -> dict[str, Any]:
    return {
        "number": number,
        "doc_type": invoice.doc_type,
        "customer": [
            invoice.customer_id,
            invoice.billing_name,
            invoice.billing_address,
            invoice.billing_vat_id,
        ],
        "dates": [str(invoice.invoice_date), str(invoice.due_date)],
        "currency": invoice.currency,
        "totals": [
            str(v)
            for v in (
                invoice.subtotal,
                invoice.discount_total,
                invoice.net_total,
                invoice.vat_total,
                invoice.gross_total,
            )
        ],
        "lines": [
            [
                line.description,
                str(line.quantity),
                line.unit,
                str(line.unit_price),
                str(line.discount_percent),
                str(line.vat_rate),
                line.kind,
                str(line.net),
            ]
            for line in invoice.lines
        ],
        "taxes": [[str(t.rate), str(t.base), str(t.amount)] for t in invoice.taxes],
        "credited": invoice.credited_invoice_id,
    }


def seal_of(invoice: Invoice | PostingDraft) -> str:
    """A hash of everything a posted document says; `ledger verify` recomputes it from the
    stored row, posting computes it from the draft it read with the number it drew."""
    text = json.dumps(_seal_content(invoice, invoice.number), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# Stands for the number while it is not drawn yet. JSON escapes the NUL character, and a
# quote inside any text value is escaped too, so `"number": "\u0000"` occurs exactly once.
_OPEN_NUMBER = "\x00"
_NUMBER_KEY = '"number": '


def seal_with_number(invoice: Invoice | PostingDraft) -> NumberedSeal:
    """`seal_of` with the number left open: `seal_with_number(doc).of(n)` is the seal of
    `doc` numbered `n`."""
    text = json.dumps(_seal_content(invoice, _OPEN_NUMBER), sort_keys=True)
    before, after = text.split(_NUMBER_KEY + json.dumps(_OPEN_NUMBER))
    return NumberedSeal(before + _NUMBER_KEY, after)


@dataclass(frozen=True)
class DraftLine:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal
    kind: str
    net: Decimal
    source_order_id: int | None


@dataclass(frozen=True)
class BillingParty:
    """The customer as posting checks and snapshots it."""

    name: str
    street: str
    postal_code: str
    city: str
    country: str
    vat_id: str
    email: str
    is_business: bool

    # The same rules as the customer's own.
    address_lines = Customer.address_lines
    has_billing_address = Customer.has_billing_address


@dataclass(frozen=True)
class PostingDraft:
    """A document as posting reads it: header, customer and lines, without the ORM.

    Posting is the hot path of the ledger; reading just these columns with two Core
    statements costs half of loading the full objects. The billing fields, number and VAT
    lines are filled in (with `dataclasses.replace`) as posting decides them, and the result
    is what the document's seal covers.
    """

    id: int
    doc_type: str
    state: str
    customer_id: int
    invoice_date: date
    due_date: date
    currency: str
    discount_kind: str | None
    discount_value: Decimal | None
    subtotal: Decimal
    discount_total: Decimal
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    credited_invoice_id: int | None
    from_service_orders: bool
    customer: BillingParty
    lines: tuple[DraftLine, ...]
    number: str | None = None
    billing_name: str = ""
    billing_address: str = ""
    billing_vat_id: str = ""
    billing_email: str = ""
    taxes: tuple[Any, ...] = field(default=())

    @property
    def title(self) -> str:
        kind = {"invoice": "Invoice", "credit_note": "Credit note", "proforma": "Proforma"}
        return self.number or f"Draft {kind[self.doc_type].lower()} #{self.id}"


_invoices, _customers = Invoice.__table__, Customer.__table__
_lines = InvoiceLine.__table__
# Built once: the invoice row (locked, and only it: not the joined customer) and its lines.
_DRAFT_HEADER = [
    "id",
    "doc_type",
    "state",
    "customer_id",
    "invoice_date",
    "due_date",
    "currency",
    "discount_kind",
    "discount_value",
    "subtotal",
    "discount_total",
    "net_total",
    "vat_total",
    "gross_total",
    "credited_invoice_id",
    "from_service_orders",
]
_HEADER_END = len(_DRAFT_HEADER) + len(BillingParty.__dataclass_fields__)
# One statement: the header and customer repeated on each line (a draft without lines gives
# one row with empty line columns). Only the invoice row is locked, not the customer's.
_READ_DRAFT = (
    select(
        *(_invoices.c[name] for name in _DRAFT_HEADER),
        *(_customers.c[name] for name in BillingParty.__dataclass_fields__),
        *(_lines.c[name] for name in DraftLine.__dataclass_fields__),
    )
    .join(_customers, _customers.c.id == _invoices.c.customer_id)
    .outerjoin(_lines, _lines.c.invoice_id == _invoices.c.id)
    .where(_invoices.c.id == bindparam("invoice_id"))
    .order_by(_lines.c.position)
    .with_for_update(of=_invoices)
)


def draft_statement() -> Select[Any]:
    """The statement `read_for_posting` runs, for a caller that reads more in the same trip:
    columns it adds go after the draft's, and it passes the result back as `statement`."""
    return _READ_DRAFT


def read_for_posting(
    invoice_id: Any, statement: Select[Any] | None = None
) -> tuple[PostingDraft, Row[Any]]:
    """The document with its customer and lines, its row locked until the transaction ends;
    also the first row read, whose columns after the draft's are the caller's own."""
    if not isinstance(invoice_id, int) or isinstance(invoice_id, bool):
        raise NotFound("No such invoice.")
    db.session.flush()  # Core reads do not autoflush: write what this transaction changed
    connection = db.session.connection()
    rows = connection.execute(
        _READ_DRAFT if statement is None else statement, {"invoice_id": invoice_id}
    ).all()
    if not rows:
        raise NotFound("No such invoice.")
    first, line_end = rows[0], _HEADER_END + len(DraftLine.__dataclass_fields__)
    draft = PostingDraft(
        *first[: len(_DRAFT_HEADER)],
        customer=BillingParty(*first[len(_DRAFT_HEADER) : _HEADER_END]),
        lines=tuple(
            DraftLine(*row[_HEADER_END:line_end]) for row in rows if row[_HEADER_END] is not None
        ),
    )
    return draft, first


def copy_lines(source: Invoice) -> list[dict[str, Any]]:
    return [
        {
            "description": line.description,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": line.unit_price,
            "discount_percent": line.discount_percent,
            "vat_rate": line.vat_rate,
            "kind": line.kind,
            "catalog_item_id": line.catalog_item_id,
            "source_order_id": line.source_order_id,
        }
        for line in source.lines
    ]


def build_credit_note(
    original: Invoice,
    quantities: dict[int, Decimal] | None,
    reason: str,
    credit_date: date,
    actor_id: int | None,
    discount_left: Decimal | None = None,
) -> Invoice:
    """A credit-note draft mirroring `original`, whole or for the given line quantities.

    The document discount is carried over as the same share of what is credited, so a
    full credit note reproduces the invoice's totals to the cent. `discount_left` is given
    for the note crediting the last remaining quantities of a fixed-discount invoice.
    """
    note = Invoice(
        doc_type="credit_note",
        customer_id=original.customer_id,
        invoice_date=credit_date,
        due_date=credit_date,
        currency=original.currency,
        reference=original.number or "",
        reason=reason,
        credited_invoice_id=original.id,
        created_by_id=actor_id,
        notes=f"Credit note for invoice {original.number}.",
    )
    if quantities is None:
        note.discount_kind, note.discount_value = original.discount_kind, original.discount_value
        for line in original.lines:
            note.lines.append(_credit_line(line, line.quantity))
    else:
        if original.discount_kind == "percent":
            note.discount_kind, note.discount_value = "percent", original.discount_value
        for line in original.lines:
            if quantities.get(line.id):
                note.lines.append(_credit_line(line, quantities[line.id]))
    db.session.add(note)
    db.session.flush()
    recompute(note)
    if quantities is not None and original.discount_kind == "amount" and original.subtotal:
        # A fixed discount is credited in proportion to the part of the subtotal credited;
        # the note that credits the last quantities takes what is left of it, to the cent.
        share = note.subtotal * original.discount_total / original.subtotal
        if discount_left is not None:
            share = discount_left
        note.discount_kind, note.discount_value = "amount", share.quantize(Decimal("0.01"))
        recompute(note)
    return note


def _credit_line(line: InvoiceLine, quantity: Decimal) -> InvoiceLine:
    return InvoiceLine(
        position=line.position,
        description=line.description,
        quantity=quantity,
        unit=line.unit,
        unit_price=line.unit_price,
        discount_percent=line.discount_percent,
        vat_rate=line.vat_rate,
        kind=line.kind,
        net=ZERO,
        catalog_item_id=line.catalog_item_id,
        source_order_id=line.source_order_id,
        credited_line_id=line.id,
    )
