"""Corrections on posted invoices: credit notes (full, by lines, re-issue), cancelling,
applying customer credit, reversing payments. Registered on the accounting blueprint."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounting import queries
from app.accounting.credit_notes import cancel_invoice, issue_credit_note
from app.accounting.routes import BOOKS, METHOD_LABELS, _m, _posted_invoice, bp
from app.accounting.services import apply_credit, get_payment, reverse_payment
from app.core.errors import DomainError
from app.core.http import fmt, form_errors, roles_required
from app.core.money import InvalidNumber, to_decimal
from app.invoicing.models import Invoice
from app.invoicing.services import get_invoice


def _credit_form(
    invoice: Invoice,
) -> tuple[str, str, dict[int, str], dict[str, list[str]], dict[int, Decimal] | None]:
    mode = request.form.get("mode", "lines")
    mode = mode if mode in ("full", "lines", "reissue") else "lines"
    reason = request.form.get("reason", "").strip()
    typed = {line.id: request.form.get(f"qty-{line.id}", "").strip() for line in invoice.lines}
    errors: dict[str, list[str]] = {}
    quantities: dict[int, Decimal] | None = None
    if not reason:
        errors["reason"] = ["Say why the invoice is credited, e.g. “Returned one valve”."]
    if mode == "lines":
        left = _left_to_credit(invoice)
        quantities = {}
        for line in invoice.lines:
            if not typed[line.id]:
                continue
            try:
                q = to_decimal(typed[line.id], places=3)
            except InvalidNumber as exc:
                errors[f"qty-{line.id}"] = [f"Quantity {exc}."]
                continue
            if q <= 0 or q > left[line.id]:
                errors[f"qty-{line.id}"] = [
                    f"Enter a quantity above 0 and at most {fmt('quantity', left[line.id])}."
                ]
                continue
            quantities[line.id] = q
        if not quantities and not any(k.startswith("qty-") for k in errors):
            errors["lines"] = ["Enter a quantity to credit on at least one line."]
    return mode, reason, typed, errors, quantities


def _left_to_credit(invoice: Invoice) -> dict[int, Decimal]:
    done = queries.credited_quantities(invoice.id)
    return {line.id: line.quantity - done.get(line.id, Decimal("0")) for line in invoice.lines}


@bp.route("/invoices/<int:invoice_id>/credit-note", methods=["GET", "POST"])
@roles_required(*BOOKS)
def credit(invoice_id: int) -> Response | tuple[str, int]:
    invoice = _posted_invoice(invoice_id)
    mode, reason, typed, errors, quantities = "lines", "", {}, {}, None
    preview = None
    if request.method == "POST":
        mode, reason, typed, errors, quantities = _credit_form(invoice)
        if not errors:
            chosen = None if mode in ("full", "reissue") else quantities
            preview = queries.preview_credit(invoice, chosen)
            if request.form.get("confirm") == "1":
                lines = (
                    None
                    if chosen is None
                    else [{"line_id": k, "quantity": str(v)} for k, v in chosen.items()]
                )
                try:
                    note = issue_credit_note(
                        current_user,
                        invoice_id,
                        reason=reason,
                        lines=lines,
                        reissue=mode == "reissue",
                    )
                except DomainError as error:
                    errors = form_errors(error, "lines")
                    preview = None
                else:
                    message = (
                        f"Credit note {note.number} of {_m(note.gross_total)} "
                        f"issued against {invoice.number}."
                    )
                    if mode == "reissue":
                        message += " A new draft copy is ready for correction under Drafts."
                    flash(message, "success")
                    return redirect(url_for("accounting.show", invoice_id=invoice_id))
    return render_template(
        "accounting/credit.html",
        invoice=invoice,
        mode=mode,
        reason=reason,
        typed=typed,
        errors=errors,
        preview=preview,
        left=_left_to_credit(invoice),
    ), (422 if errors else 200)


@bp.route("/invoices/<int:invoice_id>/cancel", methods=["GET", "POST"])
@roles_required(*BOOKS)
def cancel(invoice_id: int) -> Response | tuple[str, int]:
    invoice = _posted_invoice(invoice_id)
    errors: dict[str, list[str]] = {}
    reason = request.form.get("reason", "").strip()
    if request.method == "POST":
        if not reason:
            errors["reason"] = ["Say why the invoice is cancelled."]
        else:
            try:
                note = cancel_invoice(current_user, invoice_id, reason=reason)
            except DomainError as error:
                errors = form_errors(error, "reason")
            else:
                flash(
                    f"{invoice.number} cancelled by credit note {note.number} "
                    f"({_m(note.gross_total)}).",
                    "success",
                )
                return redirect(url_for("accounting.show", invoice_id=invoice_id))
    return render_template(
        "accounting/cancel.html", invoice=invoice, reason=reason, errors=errors
    ), (422 if errors else 200)


@bp.post("/invoices/<int:invoice_id>/apply-credit")
@roles_required(*BOOKS)
def apply_credit_to(invoice_id: int) -> Response:
    invoice = _posted_invoice(invoice_id)
    try:
        applied = apply_credit(current_user, invoice_id, request.form.get("amount") or None)
    except DomainError as error:
        flash(f"Credit not applied: {error.message}", "error")
    else:
        flash(
            f"{_m(applied)} of {invoice.customer.name}'s credit applied to {invoice.number}.",
            "success",
        )
    back = request.form.get("back")
    if back == "balance":
        return redirect(url_for("accounting.customer_balance", customer_id=invoice.customer_id))
    return redirect(url_for("accounting.show", invoice_id=invoice_id))


@bp.route("/payments/<int:payment_id>/reverse", methods=["GET", "POST"])
@roles_required(*BOOKS)
def reverse(payment_id: int) -> Response | tuple[str, int]:
    payment = get_payment(payment_id)
    invoice = get_invoice(payment.invoice_id) if payment.invoice_id else None
    errors: dict[str, list[str]] = {}
    reason = request.form.get("reason", "").strip()
    if request.method == "POST":
        if not reason:
            errors["reason"] = ["Say why, e.g. “Bounced” or “Booked on the wrong invoice”."]
        else:
            try:
                reverse_payment(current_user, payment_id, reason)
            except DomainError as error:
                errors = form_errors(error, "reason")
            else:
                flash(
                    f"Payment of {_m(payment.amount)} reversed; the amount is open again.",
                    "success",
                )
                if invoice:
                    return redirect(url_for("accounting.show", invoice_id=invoice.id))
                return redirect(
                    url_for("accounting.customer_balance", customer_id=payment.customer_id)
                )
    return render_template(
        "accounting/reverse_payment.html",
        payment=payment,
        invoice=invoice,
        reason=reason,
        errors=errors,
        methods=METHOD_LABELS,
    ), (422 if errors else 200)
