"""The customer's page for one posted document, reached by its signed link; no sign-in."""

from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, request, send_file
from werkzeug.wrappers import Response

from app.company.services import company_today, get_company
from app.core.errors import NotFound
from app.invoicing.documents import ensure_document_pdf
from app.invoicing.pdf import creditor_reference, format_rf
from app.invoicing.portal import document_for_token, record_view

bp = Blueprint("portal", __name__)


def _visitor() -> dict[str, str]:
    return {
        "ip_address": request.remote_addr or "",
        "user_agent": request.headers.get("User-Agent", ""),
    }


@bp.get("/d/<token>")
def view(token: str) -> tuple[str, int, dict[str, str]]:
    try:
        if request.method == "HEAD":  # link checkers probe with HEAD: not a customer's view
            invoice = document_for_token(token)
        else:
            record_view(token, **_visitor())
            invoice = document_for_token(token)
    except NotFound:
        abort(404)
    company = get_company()
    reference = ""
    if invoice.number and invoice.doc_type != "credit_note":
        reference = format_rf(creditor_reference(invoice.number))
    html = render_template(
        "portal/view.html",
        doc=invoice,
        company=company,
        token=token,
        status=invoice.status_label(company_today()),
        payment_reference=reference,
    )
    # The link is the key: keep it out of caches and out of Referer headers.
    return html, 200, {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@bp.get("/d/<token>/pdf")
def pdf(token: str) -> Response:
    try:
        invoice_id = record_view(token, kind="downloaded", **_visitor())
    except NotFound:
        abort(404)
    stored = ensure_document_pdf(invoice_id)
    response = send_file(
        io.BytesIO(stored.content),
        mimetype="application/pdf",
        download_name=stored.filename,
        as_attachment=request.args.get("download") == "1",
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
