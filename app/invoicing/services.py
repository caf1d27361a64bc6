"""Draft use cases: create, edit, delete and copy documents; list and find them.

Posting, payments and credit notes move money and live in accounting.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, not_, or_, select, update

from app.company.services import get_company
from app.core import clock
from app.core.db import use_case
from app.core.errors import Errors, InvalidTransition, InvoiceNotDraft, ValidationFailed
from app.core.search import contains_text
from app.customers.models import Customer
from app.extensions import db
from app.invoicing import events
from app.invoicing.calculations import LineInput
from app.invoicing.models import Invoice
from app.invoicing.operations import (
    clean_lines,
    copy_lines,
    due_date_for,
    load_invoice,
    recompute,
    replace_lines,
)
from app.invoicing.validation import check_currency, check_document, clean_header

SORTS = {
    "number": Invoice.number,
    "date": Invoice.invoice_date,
    "due": Invoice.due_date,
    "total": Invoice.gross_total,
    "balance": Invoice.residual,
    "customer": Customer.name,
    "id": Invoice.id,
}


class MadeFromOrders(InvalidTransition):
    """The draft bills service orders of its customer; they stay with that customer."""

    code = "made_from_orders"


def get_invoice(invoice_id: Any) -> Invoice:
    return load_invoice(invoice_id)


def _customer_or_error(customer_id: Any, errors: Errors) -> Customer | None:
    if customer_id is None:
        errors.add("customer_id", "Choose a customer.")
        return None
    customer = (
        db.session.get(Customer, customer_id)
        if isinstance(customer_id, int) and not isinstance(customer_id, bool)
        else None
    )
    if customer is None:
        errors.add("customer_id", "No such customer.")
    return customer


def _line_inputs(lines: list[Any]) -> list[LineInput]:
    """Cleaned line dicts or stored lines, as the totals take them."""
    fields = ("quantity", "unit_price", "discount_percent", "vat_rate", "kind")
    return [
        LineInput(*(line[f] if isinstance(line, dict) else getattr(line, f) for f in fields))
        for line in lines
    ]


def build_draft(actor: Any, *, lines: Any, doc_type: str = "invoice", **header: Any) -> Invoice:
    """Flush-only: validate and add a draft. Service orders call this inside their use case."""
    company = get_company()
    errors = Errors()
    values = clean_header(header, errors)
    check_currency(values, company.currency, errors)
    customer = _customer_or_error(values.pop("customer_id", None), errors)
    cleaned = clean_lines(lines, company, errors)
    discount = values.get("discount_kind"), values.get("discount_value")
    check_document(_line_inputs(cleaned), *discount, errors)
    errors.raise_if_any()
    assert customer is not None
    invoice_date = values.pop("invoice_date", None) or clock.today_in(company.timezone)
    due = values.pop("due_date", None) or due_date_for(customer, company, invoice_date)
    if due < invoice_date:
        raise ValidationFailed({"due_date": ["The due date cannot be before the invoice date."]})
    invoice = Invoice(
        doc_type=doc_type,
        customer=customer,
        invoice_date=invoice_date,
        due_date=due,
        currency=values.pop("currency", None) or company.currency,
        created_by_id=getattr(actor, "id", None),
        **values,
    )
    db.session.add(invoice)
    db.session.flush()
    replace_lines(invoice, cleaned)
    return invoice


@use_case
def create_draft(actor: Any, *, lines: Any, doc_type: str = "invoice", **header: Any) -> Invoice:
    if doc_type not in ("invoice", "proforma"):
        raise ValidationFailed({"doc_type": ["Create an invoice or a proforma."]})
    return build_draft(actor, lines=lines, doc_type=doc_type, **header)


def _require_draft(invoice: Invoice) -> None:
    if invoice.state != "draft":
        raise InvoiceNotDraft(
            f"{invoice.title} is posted and can no longer be changed; "
            "issue a credit note to correct it."
        )


def _check_customer_change(invoice: Invoice, customer: Customer | None) -> None:
    if customer is None or customer.id == invoice.customer_id or not invoice.from_service_orders:
        return
    raise MadeFromOrders(
        f"{invoice.title} bills service orders of {invoice.customer.name} and cannot move to "
        "another customer. Delete the draft to release its orders, then make a new draft for "
        f"{customer.name}.",
        field="customer_id",
    )


@use_case
def update_draft(actor: Any, invoice_id: int, *, lines: Any = None, **header: Any) -> Invoice:
    """Change a draft. Without `lines` the lines (and their ids) stay as they are."""
    invoice = load_invoice(invoice_id, for_update=True)
    _require_draft(invoice)
    company = get_company()
    errors = Errors()
    values = clean_header(header, errors)
    check_currency(values, company.currency, errors)
    if "customer_id" in values:
        values["customer"] = _customer_or_error(values.pop("customer_id"), errors)
        _check_customer_change(invoice, values["customer"])
    cleaned = clean_lines(lines, company, errors) if lines is not None else None
    discount = (
        values.get("discount_kind", invoice.discount_kind),
        values.get("discount_value", invoice.discount_value),
    )
    check_document(_line_inputs(invoice.lines if cleaned is None else cleaned), *discount, errors)
    errors.raise_if_any()
    for key, value in values.items():
        setattr(invoice, key, value)
    if invoice.due_date < invoice.invoice_date:
        raise ValidationFailed({"due_date": ["The due date cannot be before the invoice date."]})
    if cleaned is not None:
        # A kept line (given with its `id`) keeps the service order it came from; new lines
        # come from no order. Matching by id, not position, survives reordering and deletion.
        sources = {line.id: line.source_order_id for line in invoice.lines}
        for raw, line in zip(lines, cleaned, strict=True):
            line_id = raw.get("id") if isinstance(raw, dict) else None
            line["source_order_id"] = sources.get(line_id) if isinstance(line_id, int) else None
        replace_lines(invoice, cleaned)
    else:
        recompute(invoice)
    return invoice


@use_case
def delete_draft(actor: Any, invoice_id: int) -> None:
    invoice = load_invoice(invoice_id, for_update=True)
    _require_draft(invoice)
    events.emit("draft_deleted", invoice=invoice)
    db.session.delete(invoice)


@use_case
def copy_invoice(actor: Any, invoice_id: int) -> Invoice:
    """A new draft with the same customer and lines, dated today (any source state).

    A credit note is refused: its copy would be an invoice charging what the note gave back.
    """
    source = load_invoice(invoice_id)
    if source.doc_type == "credit_note":
        raise InvalidTransition(
            f"{source.title} is a credit note and cannot be copied; to credit again, issue a "
            "new credit note from the invoice."
        )
    return draft_from(actor, source, order_links=False)  # the copy bills nothing new


def drafts_in_new_currency(old: str, new: str) -> None:
    """The books' currency changed before any document was issued (a setup correction):
    drafts were typed in the books' currency, so they are read in the new one."""
    db.session.execute(
        update(Invoice)
        .where(Invoice.state == "draft", Invoice.currency == old)
        .values(currency=new)
    )


def draft_from(actor: Any, source: Invoice, *, order_links: bool) -> Invoice:
    """A new draft with `source`'s customer, lines, terms and discount, dated today (flush
    only, inside the caller's use case). `order_links` keeps each line's service order, for a
    corrected reissue of the same work; a copy drops them."""
    lines = copy_lines(source)
    if not order_links:
        for line in lines:
            line["source_order_id"] = None
    return build_draft(
        actor,
        lines=lines,
        doc_type=source.doc_type,
        customer_id=source.customer_id,
        currency=source.currency,
        notes=source.notes,
        terms=source.terms,
        reference=source.reference,
        discount_kind=source.discount_kind,
        discount_value=source.discount_value,
    )


def list_invoices(
    *,
    q: str = "",
    status: str | None = None,
    customer_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    doc_type: str | None = "invoice",
    sort: str = "-date",
    today: date | None = None,
) -> Select[Any]:
    """A select() of documents for lists and the API; the caller paginates."""
    stmt = select(Invoice).join(Invoice.customer)
    if doc_type:
        stmt = stmt.where(Invoice.doc_type == doc_type)
    if q:
        stmt = stmt.where(
            or_(
                contains_text(Invoice.number, q),
                contains_text(Customer.name, q),
                contains_text(Invoice.reference, q),
            )
        )
    if customer_id:
        stmt = stmt.where(Invoice.customer_id == customer_id)
    if date_from:
        stmt = stmt.where(Invoice.invoice_date >= date_from)
    if date_to:
        stmt = stmt.where(Invoice.invoice_date <= date_to)
    if status:
        stmt = stmt.where(status_filter(status, today or clock.today_in(get_company().timezone)))
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"), Invoice.invoice_date)
    order = column.desc() if descending else column.asc()
    return stmt.order_by(order, Invoice.id.desc() if descending else Invoice.id.asc())


def status_filter(status: str, today: date) -> Any:
    posted = Invoice.state == "posted"
    open_ = Invoice.payment_state.in_(("unpaid", "partial"))
    overdue = and_(posted, open_, Invoice.residual > 0, Invoice.due_date < today)
    # "sent" and "viewed" pick what the status column shows as such: unpaid, not yet overdue.
    awaiting = and_(posted, Invoice.payment_state == "unpaid", not_(overdue))
    filters = {
        "draft": Invoice.state == "draft",
        "posted": posted,
        "unpaid": and_(posted, open_),
        "overdue": overdue,
        "partially_paid": and_(posted, Invoice.payment_state == "partial"),
        "paid": and_(posted, Invoice.payment_state == "paid"),
        "cancelled": and_(posted, Invoice.payment_state == "reversed"),
        "sent": and_(awaiting, Invoice.sent_at.is_not(None), Invoice.viewed_at.is_(None)),
        "viewed": and_(awaiting, Invoice.viewed_at.is_not(None)),
    }
    if status not in filters:
        raise ValidationFailed({"status": [f"Choose one of: {', '.join(filters)}."]})
    return filters[status]


@use_case
def mark_sent(actor: Any, invoice_id: int) -> Invoice:
    """First send sets `sent_at`; later sends keep the first instant."""
    invoice = load_invoice(invoice_id, for_update=True)
    if invoice.state != "posted":
        raise InvoiceNotDraft("Post the document before sending it.")
    if invoice.sent_at is None:
        invoice.sent_at = clock.now_utc()
    return invoice


@use_case
def mark_viewed(invoice_id: int) -> Invoice:
    """The customer opened the document: the first view sets Viewed."""
    invoice = load_invoice(invoice_id, for_update=True)
    if invoice.viewed_at is None:
        invoice.viewed_at = clock.now_utc()
    return invoice
