"""/api/v1/invoices: drafts, posting, copies, payments and credit notes."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.accounting.credit_notes import credit_invoice
from app.accounting.services import post_invoice, register_payment
from app.api.auth import current_user, roles
from app.api.common import ID_PATH, IDEMPOTENCY_PARAM, resource
from app.api.idempotency import respond
from app.api.pagination import json_page, page_schema
from app.api.schemas import (
    CopyInSchema,
    CreditNoteInSchema,
    CreditNoteIssuedSchema,
    InvoiceInSchema,
    InvoiceListArgs,
    InvoicePatchSchema,
    InvoiceSchema,
    InvoiceSummarySchema,
    PaymentInSchema,
    PaymentSchema,
    today,
)
from app.core.http import pdf_download
from app.invoicing.documents import document_pdf
from app.invoicing.queries import invoice_summary_page, summary_json
from app.invoicing.services import (
    copy_invoice,
    create_draft,
    delete_draft,
    get_invoice,
    update_draft,
)

blp = resource("invoices", "/api/v1/invoices", "Invoices, credit notes and proformas.")
DRAFTS = ("dispatcher", "bookkeeper")
MONEY = ("bookkeeper",)
ONE = f"/{ID_PATH.format('invoice_id')}"
InvoicePage = page_schema(InvoiceSummarySchema, "InvoicePage")
# Reply schemas built once, not per request.
INVOICE_REPLY = InvoiceSchema()
PAYMENT_REPLY = PaymentSchema()
CREDIT_NOTE_REPLY = CreditNoteIssuedSchema()


@blp.route("", methods=["POST"])
@roles(*DRAFTS)
@blp.arguments(InvoiceInSchema())
@blp.response(201, InvoiceSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def create(data: dict[str, Any]) -> Any:
    """Create a draft invoice (or proforma) with its lines."""
    values = dict(data)
    lines = values.pop("lines")
    return respond(201, INVOICE_REPLY, lambda: create_draft(current_user(), lines=lines, **values))


@blp.route("", methods=["GET"])
@roles(*DRAFTS)
@blp.arguments(InvoiceListArgs(), location="query")
@blp.response(200, InvoicePage)
def index(args: dict[str, Any]) -> Any:
    """List documents: search `q` (number, customer, reference), filter by status and dates.
    Each item is a summary (header and totals); read one document for its lines."""
    doc_type, day = args["doc_type"], today()
    page = invoice_summary_page(
        page=args["page"],
        per_page=args["per_page"],
        today=day,
        q=args["q"],
        status=args.get("status"),
        customer_id=args.get("customer_id"),
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
        doc_type=None if doc_type == "all" else doc_type,
        sort=args["sort"],
    )
    return json_page(
        [summary_json(row, day) for row in page.rows],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@blp.route(ONE, methods=["GET"])
@roles(*DRAFTS)
@blp.response(200, InvoiceSchema)
def show(invoice_id: int) -> Any:
    """Read one document with its lines and totals."""
    return get_invoice(invoice_id)


@blp.route(ONE, methods=["PATCH"])
@roles(*DRAFTS)
@blp.arguments(InvoicePatchSchema())
@blp.response(200, InvoiceSchema)
def patch(data: dict[str, Any], invoice_id: int) -> Any:
    """Change a draft; `lines`, when given, replaces all lines, else lines and their ids stay.
    Posted documents: 409; a new customer for a draft made from service orders: 409."""
    values = dict(data)
    lines = values.pop("lines", None)
    return update_draft(current_user(), invoice_id, lines=lines, **values)


@blp.route(ONE, methods=["DELETE"])
@roles(*DRAFTS)
@blp.response(204)
def delete(invoice_id: int) -> Any:
    """Delete a draft. Posted documents: 409."""
    delete_draft(current_user(), invoice_id)
    return Response(status=204)


@blp.route(f"{ONE}/post", methods=["POST"])
@roles(*MONEY)
@blp.response(200, InvoiceSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def post(invoice_id: int) -> Any:
    """Post a draft: journal entry and the next gapless number."""
    return respond(200, INVOICE_REPLY, lambda: post_invoice(current_user(), invoice_id))


@blp.route(f"{ONE}/copy", methods=["POST"])
@roles(*DRAFTS)
@blp.arguments(CopyInSchema())
@blp.response(201, InvoiceSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def copy(data: dict[str, Any], invoice_id: int) -> Any:
    """A new draft with the same customer and lines, dated today."""
    return respond(201, INVOICE_REPLY, lambda: copy_invoice(current_user(), invoice_id))


@blp.route(f"{ONE}/payments", methods=["POST"])
@roles(*MONEY)
@blp.arguments(PaymentInSchema())
@blp.response(201, PaymentSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def pay(data: dict[str, Any], invoice_id: int) -> Any:
    """Register money received; above the residual it becomes customer credit."""
    return respond(201, PAYMENT_REPLY, lambda: register_payment(current_user(), invoice_id, **data))


@blp.route(f"{ONE}/credit-notes", methods=["POST"])
@roles(*MONEY)
@blp.arguments(CreditNoteInSchema())
@blp.response(201, CreditNoteIssuedSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def credit(data: dict[str, Any], invoice_id: int) -> Any:
    """Post a credit note for the whole invoice or chosen lines and quantities; with
    `reissue`, `reissued_draft_id` names the corrected draft copy."""
    return respond(
        201, CREDIT_NOTE_REPLY, lambda: credit_invoice(current_user(), invoice_id, **data)
    )


PDF_RESPONSE = {
    "200": {
        "description": "The stored PDF of a posted document (byte-identical on every download, "
        "ETag = its sha256), or a preview marked DRAFT for a draft.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@blp.route(f"{ONE}/pdf", methods=["GET"])
@roles(*DRAFTS)
@blp.doc(responses=PDF_RESPONSE)
def pdf(invoice_id: int) -> Any:
    """The document as PDF."""
    document = document_pdf(invoice_id)
    stored = document.sha256 if document.stored else None
    return pdf_download(document.filename, document.content, sha256=stored)
