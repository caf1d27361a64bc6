"""The bookkeeper's delivery actions: send, PDFs, receipts, retry, revoke link, bulk send/zip.

HTML responses are redirects back with one flash message; the invoice page shows the state.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, abort, flash, redirect, request, send_file
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.accounting.sending import bulk_send as bulk_send_documents
from app.accounting.sending import receipt_pdf as stored_receipt_pdf
from app.accounting.sending import send_document
from app.core.errors import DomainError, NotFound
from app.core.http import pdf_download
from app.core.search import typed_id
from app.invoicing.documents import PdfFile, document_pdf, zip_documents
from app.invoicing.outbox import dispatch_item, retry_outbox_item
from app.invoicing.portal import revoke_link as revoke_portal_link

bp = Blueprint("delivery", __name__)
ROLES = ("bookkeeper",)
MAX_BULK = 500
DELIVER_NOW_MAX = 10


def bookkeeping_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in as a bookkeeper (ARCHITECTURE §8: money actions); other roles get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.has_role(*ROLES):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _back() -> Response:
    """Back to the page the form was on (same site only), else home."""
    target = request.referrer or ""
    parsed = urlparse(target)
    if target and parsed.netloc in ("", request.host):
        return redirect(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return redirect("/")


def _pdf_response(pdf: PdfFile) -> Response:
    return pdf_download(
        pdf.filename,
        pdf.content,
        sha256=pdf.sha256 if pdf.stored else None,
        as_attachment=request.args.get("download") == "1",
    )


def _selected_ids() -> list[int]:
    ids = []
    for raw in request.form.getlist("invoice_ids"):
        invoice_id = typed_id(raw)
        if invoice_id is None:
            flash(f"{raw!r} is not a document id.", "error")
            return []
        ids.append(invoice_id)
    if not ids:
        flash("Select at least one invoice.", "error")
    if len(ids) > MAX_BULK:
        flash(f"Select at most {MAX_BULK} invoices at once.", "error")
        return []
    return ids


@bp.post("/invoices/<int(max=2147483647):invoice_id>/send")
@bookkeeping_only
def send(invoice_id: int) -> Response:
    try:
        outcome = send_document(
            current_user,
            invoice_id,
            confirm_post=request.form.get("confirm_post") == "1",
            template=request.form.get("template") or None,
            to=request.form.get("to") or None,
        )
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return _back()
    name = f"Posted as {outcome.number} and" if outcome.posted_now else outcome.number
    if outcome.state == "sent":
        flash(f"{name} sent to {outcome.recipient}.", "success")
    elif outcome.state == "pending":
        flash(f"{name} queued for e-mail to {outcome.recipient}.", "success")
    else:
        flash(
            f"{name} could not be e-mailed to {outcome.recipient}: {outcome.error} "
            "It stays in the outbox; retry when the problem is fixed.",
            "error",
        )
    return _back()


@bp.get("/invoices/<int(max=2147483647):invoice_id>/pdf")
@bookkeeping_only
def pdf(invoice_id: int) -> Response:
    try:
        return _pdf_response(document_pdf(invoice_id))
    except NotFound:
        abort(404)


@bp.get("/payments/<int(max=2147483647):payment_id>/receipt.pdf")
@bookkeeping_only
def receipt_pdf(payment_id: int) -> Response:
    try:
        return _pdf_response(stored_receipt_pdf(payment_id))
    except NotFound:
        abort(404)


@bp.post("/outbox/<int(max=2147483647):item_id>/retry")
@bookkeeping_only
def retry(item_id: int) -> Response:
    try:
        item = retry_outbox_item(current_user, item_id)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return _back()
    to = item.to_address
    outcome = dispatch_item(item_id)
    if outcome == "failed":
        flash(f"The e-mail to {to} failed again; see the timeline for the reason.", "error")
    elif outcome == "sent":
        flash(f"E-mail to {to} sent.", "success")
    else:
        flash(f"E-mail to {to} queued again.", "success")
    return _back()


@bp.post("/invoices/<int(max=2147483647):invoice_id>/link/revoke")
@bookkeeping_only
def revoke_link(invoice_id: int) -> Response:
    try:
        count = revoke_portal_link(current_user, invoice_id)
    except NotFound:
        abort(404)
    if count:
        flash("Customer link revoked; the next e-mail carries a new one.", "success")
    else:
        flash("This document has no live customer link.", "info")
    return _back()


@bp.post("/invoices/bulk/send")
@bookkeeping_only
def bulk_send() -> Response:
    ids = _selected_ids()
    if ids:
        result = bulk_send_documents(
            current_user,
            ids,
            confirm_post=request.form.get("confirm_post") == "1",
            # A few are sent while the user waits; more are left to the jobs process.
            deliver_now=len(ids) <= DELIVER_NOW_MAX,
        )
        failed = any(o.state == "failed" for o in result.outcomes) or result.refused
        flash(result.summary(), "error" if failed else "success")
    return _back()


@bp.post("/invoices/bulk/pdfs.zip")
@bookkeeping_only
def bulk_zip() -> Response:
    ids = _selected_ids()
    if not ids:
        return _back()
    try:
        content = zip_documents(ids)
    except NotFound:
        flash("One of the selected invoices no longer exists; refresh the list.", "error")
        return _back()
    return send_file(
        io.BytesIO(content),
        mimetype="application/zip",
        download_name="invoices.zip",
        as_attachment=True,
    )
