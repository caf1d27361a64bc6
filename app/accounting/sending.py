"""Sending documents: a draft is posted first (confirmed by the user), then its PDF is stored
and the e-mail queued; cash receipts as stored PDFs. Lives in accounting because it posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.accounting.models import Payment
from app.accounting.services import get_payment, post_invoice
from app.company.services import get_company
from app.core.db import use_case
from app.core.errors import DomainError, NotFound
from app.invoicing.documents import PdfFile, ensure_document_pdf, ensure_stored_pdf
from app.invoicing.mail import sender_address
from app.invoicing.operations import load_invoice
from app.invoicing.outbox import (
    build_outbox_item,
    check_template,
    dispatch_item,
    get_outbox_item,
    recipient_for,
)
from app.invoicing.pdf import DOC_TITLES, ReceiptData, pdf_filename, render_receipt_html
from app.invoicing.pdf_pages import html_to_pdf


class ConfirmationNeeded(DomainError):
    """Sending a draft posts it, which cannot be undone: the user must say so."""

    code = "confirmation_needed"
    status = 409


@dataclass(frozen=True)
class SendOutcome:
    invoice_id: int
    number: str
    outbox_item_id: int
    state: str  # sent, failed, pending (queued for the dispatcher)
    recipient: str = ""
    error: str = ""
    posted_now: bool = False


@use_case
def _check_sendable(invoice_id: int, template: str | None, to: str | None) -> bool:
    """Refuse before posting anything: a draft without a recipient stays a draft."""
    invoice = load_invoice(invoice_id)
    check_template(template, invoice)
    recipient_for(invoice, to)
    sender_address(get_company())
    return invoice.state == "draft"


@use_case
def _queue(actor: Any, invoice_id: int, template: str | None, to: str | None) -> int:
    item = build_outbox_item(actor, load_invoice(invoice_id), template=template, to=to)
    return item.id


def send_document(
    actor: Any,
    invoice_id: int,
    *,
    confirm_post: bool = False,
    template: str | None = None,
    to: str | None = None,
    deliver_now: bool = True,
) -> SendOutcome:
    """Post (if a confirmed draft), store the PDF, queue the e-mail, and try it at once.

    Three transactions in order: posting commits and frees the numbering counter before the
    PDF is rendered; the outbox row is written in the queueing transaction, so a crash after
    it leaves the mail for the dispatcher rather than losing it. A failed attempt stays
    in the outbox as failed, retriable, and logged.
    """
    is_draft = _check_sendable(invoice_id, template, to)
    if is_draft:
        if not confirm_post:
            raise ConfirmationNeeded(
                "This is a draft: sending posts it first (it gets its final number and can "
                "no longer be edited). Confirm to post and send."
            )
        post_invoice(actor, invoice_id)
    ensure_document_pdf(invoice_id)
    item_id = _queue(actor, invoice_id, template, to)
    state = dispatch_item(item_id) if deliver_now else "pending"
    return _outcome(invoice_id, item_id, state, posted_now=is_draft)


@use_case
def _outcome(invoice_id: int, item_id: int, state: str, *, posted_now: bool) -> SendOutcome:
    item = get_outbox_item(item_id)
    return SendOutcome(
        invoice_id=invoice_id,
        number=load_invoice(invoice_id).number or "",
        outbox_item_id=item_id,
        state=state,
        recipient=item.to_address,
        error=item.last_error if state == "failed" else "",
        posted_now=posted_now,
    )


@dataclass(frozen=True)
class BulkResult:
    outcomes: list[SendOutcome]
    refused: list[tuple[int, str]]  # (invoice id, why)

    def summary(self) -> str:
        sent = sum(1 for o in self.outcomes if o.state == "sent")
        queued = sum(1 for o in self.outcomes if o.state == "pending")
        failed = [o for o in self.outcomes if o.state == "failed"]
        parts = [f"{sent} sent"]
        if queued:
            parts.append(f"{queued} queued")
        if failed:
            parts.append(f"{len(failed)} failed ({', '.join(o.number for o in failed)})")
        if self.refused:
            parts.append(
                f"{len(self.refused)} skipped: " + "; ".join(why for _, why in self.refused)
            )
        return ", ".join(parts) + "."


def bulk_send(
    actor: Any, invoice_ids: list[int], *, confirm_post: bool = False, deliver_now: bool = True
) -> BulkResult:
    """Send each selected document on its own; one refusal never stops the others."""
    outcomes, refused = [], []
    for invoice_id in dict.fromkeys(invoice_ids):
        try:
            outcomes.append(
                send_document(actor, invoice_id, confirm_post=confirm_post, deliver_now=deliver_now)
            )
        except DomainError as error:
            refused.append((invoice_id, _name(invoice_id) + ": " + error.message))
    return BulkResult(outcomes, refused)


@use_case
def _name(invoice_id: int) -> str:
    try:
        return load_invoice(invoice_id).title
    except NotFound:
        return f"#{invoice_id}"


@use_case
def _receipt_html(payment_id: int) -> tuple[str, str]:
    """Read and lay out the receipt in one short transaction (the PDF conversion runs after)."""
    payment: Payment = get_payment(payment_id)
    if not payment.receipt_number:
        raise NotFound("This payment has no receipt (only cash payments are numbered).")
    invoice = load_invoice(payment.invoice_id) if payment.invoice_id else None
    company = get_company()
    data = ReceiptData(
        number=payment.receipt_number,
        date=payment.date,
        amount=payment.amount,
        currency=invoice.currency if invoice else company.currency,
        method=payment.method,
        customer_name=(invoice.billing_name or invoice.customer.name) if invoice else "",
        customer_address=invoice.customer.address_lines if invoice else [],
        customer_vat_id=(invoice.billing_vat_id or invoice.customer.vat_id) if invoice else "",
        invoice_number=(invoice.number or "") if invoice else "",
        reference=payment.reference,
    )
    return pdf_filename(DOC_TITLES["receipt"], data.number), render_receipt_html(data, company)


def receipt_pdf(payment_id: int) -> PdfFile:
    """The stored PDF of a numbered cash receipt, rendered on first use."""
    if not isinstance(payment_id, int):
        raise NotFound("No such payment.")

    def render() -> tuple[str, bytes]:
        filename, html = _receipt_html(payment_id)
        return filename, html_to_pdf(html)

    return ensure_stored_pdf(payment_id, render)
