"""The bookkeeper's pages: invoice list and page, posting, payments, credit notes, balances,
trial balance and aging. Every route is for bookkeepers only."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.accounting import queries
from app.accounting.ledger import unapplied_credit
from app.accounting.models import PAYMENT_METHODS
from app.accounting.once import AlreadySubmitted, register_payment_once
from app.accounting.services import (
    can_post,
    post_invoice,
)
from app.company.services import company_today, get_company
from app.core.errors import DomainError
from app.core.form_tokens import new_form_token
from app.core.http import (
    all_rows,
    csv_response,
    fmt,
    form_errors,
    int_arg,
    paginate,
    roles_required,
)
from app.core.money import InvalidNumber, money
from app.core.numbering import peek_next_number
from app.customers.services import get_customer
from app.invoicing.models import Invoice
from app.invoicing.services import get_invoice, list_invoices

bp = Blueprint("accounting", __name__)
BOOKS = ("bookkeeper",)
METHOD_LABELS = {"bank_transfer": "Bank transfer", "card": "Card", "cash": "Cash"}
SORT_KEYS = ("number", "customer", "date", "due", "total", "balance")
MAX_EXPORT = 10_000


def _m(value: Decimal) -> str:
    return fmt("money", value)


def _date_arg(name: str, errors: dict[str, list[str]]) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = ["Enter a date as YYYY-MM-DD."]
        return None


def _list_filters() -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    status = request.args.get("status", "")
    sort = request.args.get("sort", "-date")
    filters = {
        "q": request.args.get("q", "").strip()[:100],
        "status": status if status in (*queries.CHIPS, "credit_notes") else "",
        "customer_id": int_arg(request.args.get("customer_id")),
        "date_from": _date_arg("date_from", errors),
        "date_to": _date_arg("date_to", errors),
        "sort": sort if sort.lstrip("-") in SORT_KEYS else "-date",
    }
    return filters, errors


def _select(filters: dict[str, Any], today: date) -> Any:
    status = filters["status"]
    return list_invoices(
        q=filters["q"],
        status=None if status in ("", "credit_notes") else status,
        customer_id=filters["customer_id"],
        date_from=filters["date_from"],
        date_to=filters["date_to"],
        doc_type="credit_note" if status == "credit_notes" else "invoice",
        sort=filters["sort"],
        today=today,
    )


@bp.get("/invoices")
@roles_required(*BOOKS)
def invoices() -> str:
    today = company_today()
    filters, errors = _list_filters()
    stmt = _select(filters, today)
    page = paginate(stmt)
    total, due = queries.sums_of(stmt)
    customer = None
    if filters["customer_id"]:
        try:
            customer = get_customer(filters["customer_id"])
        except DomainError:
            customer = None
    return render_template(
        "accounting/invoices.html",
        page=page,
        filters=filters,
        errors=errors,
        counts=queries.status_counts(today),
        sum_total=total,
        sum_due=due,
        today=today,
        customer=customer,
        active_filters=any(filters[k] for k in ("q", "customer_id", "date_from", "date_to")),
    )


@bp.get("/invoices/export.csv")
@roles_required(*BOOKS)
def export() -> Response:
    today = company_today()
    filters, _ = _list_filters()
    rows = all_rows(_select(filters, today).limit(MAX_EXPORT))
    return _invoice_csv(rows, today, "invoices.csv")


def _invoice_csv(rows: list[Invoice], today: date, filename: str) -> Response:
    header = [
        "number",
        "type",
        "status",
        "customer",
        "customer_vat_id",
        "invoice_date",
        "due_date",
        "currency",
        "net",
        "vat",
        "total",
        "balance_due",
        "reference",
    ]
    return csv_response(
        filename,
        header,
        (
            [
                inv.number or f"draft-{inv.id}",
                inv.doc_type,
                inv.status(today),
                inv.customer.name,
                inv.customer.vat_id,
                inv.invoice_date,
                inv.due_date,
                inv.currency,
                inv.net_total,
                inv.vat_total,
                inv.gross_total,
                inv.residual if inv.state == "posted" else inv.gross_total,
                inv.reference,
            ]
            for inv in rows
        ),
    )


@bp.post("/invoices/bulk")
@roles_required(*BOOKS)
def bulk() -> Response | str:
    ids = [i for i in (int_arg(v) for v in request.form.getlist("invoice_ids")) if i]
    action = request.form.get("action", "")
    chosen = queries.invoices_by_ids(ids)
    today = company_today()
    if not chosen:
        flash("Tick at least one invoice first.", "warning")
        return redirect(url_for("accounting.invoices"))
    if action == "export":
        return _invoice_csv(chosen, today, "invoices-selected.csv")
    if action != "post":
        abort(400)
    drafts = [inv for inv in chosen if inv.state == "draft"]
    if request.form.get("confirm") != "1":
        return render_template(
            "accounting/bulk_post.html",
            drafts=drafts,
            skipped=[inv for inv in chosen if inv.state != "draft"],
            total=sum((inv.gross_total for inv in drafts), Decimal("0.00")),
        )
    posted, skipped = [], []
    for inv in drafts:
        try:
            done = post_invoice(current_user, inv.id)
            posted.append(done.number)
        except DomainError as error:
            skipped.append(f"{inv.title}: {error.message}")
    skipped += [
        f"{inv.title}: already posted"
        for inv in chosen
        if inv.state != "draft" and inv not in drafts
    ]
    message = f"{len(posted)} posted" + (f" ({', '.join(posted)})" if posted else "")
    if skipped:
        message += f", {len(skipped)} skipped: " + "; ".join(skipped)
    flash(message + ".", "success" if not skipped else "warning")
    return redirect(url_for("accounting.invoices"))


def _posted_context(invoice: Invoice, today: date) -> dict[str, Any]:
    company = get_company()
    problems = can_post(invoice, company) if invoice.state == "draft" else []
    next_number = (
        peek_next_number(invoice.doc_type, invoice.invoice_date.year)
        if invoice.state == "draft"
        else None
    )
    payments = queries.payments_of(invoice.id)
    notes = queries.credit_notes_of(invoice.id)
    allocations = queries.allocations_of(invoice.id)
    return {
        "invoice": invoice,
        "status": invoice.status(today),
        "today": today,
        "company": company,
        "problems": problems,
        "next_number": next_number,
        "payments": payments,
        "credit_notes": notes,
        "allocations": allocations,
        "settled_by_payments": sum(
            (a.amount for a in allocations if a.payment_id), Decimal("0.00")
        ),
        "settled_by_credit": sum(
            (a.amount for a in allocations if a.credit_note_id), Decimal("0.00")
        ),
        "entries": queries.entries_of_invoice(invoice) if invoice.state == "posted" else [],
        "customer_balance": queries.receivable_lines_open(invoice.customer_id),
        "customer_credit": unapplied_credit(invoice.customer_id)
        if invoice.state == "posted"
        else Decimal("0.00"),
        "credited": sum((n.gross_total for n in notes if n.state == "posted"), Decimal("0.00")),
        "delivery_events": _delivery_events(invoice.id),
        "methods": [(m, METHOD_LABELS[m]) for m in PAYMENT_METHODS],
        "payment_token": new_form_token(),
        "days_overdue": (today - invoice.due_date).days if invoice.is_overdue(today) else 0,
    }


def _delivery_events(invoice_id: int) -> list[Any]:
    """Sends and portal views, when the delivery module is installed (it may not be)."""
    for name in (
        "app.invoicing.outbox",
        "app.invoicing",
        "app.invoicing.delivery",
        "app.invoicing.services",
        "app.invoicing.queries",
    ):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        finder = getattr(module, "list_delivery_events", None)
        if finder is not None:
            return list(reversed(finder(invoice_id=invoice_id)))  # oldest first, like the rest
    return []


@bp.get("/invoices/<int:invoice_id>")
@roles_required(*BOOKS)
def show(invoice_id: int) -> str:
    today = company_today()
    invoice = get_invoice(invoice_id)
    return render_template("accounting/invoice.html", **_posted_context(invoice, today))


@bp.route("/invoices/<int:invoice_id>/post", methods=["GET", "POST"])
@roles_required(*BOOKS)
def post(invoice_id: int) -> Response | tuple[str, int] | str:
    today = company_today()
    invoice = get_invoice(invoice_id)
    if invoice.state != "draft":
        flash(f"{invoice.title} is already posted.", "info")
        return redirect(url_for("accounting.show", invoice_id=invoice_id))
    if request.method == "GET":
        return render_template("accounting/post_confirm.html", **_posted_context(invoice, today))
    try:
        posted = post_invoice(current_user, invoice_id)
    except DomainError as error:
        context = _posted_context(get_invoice(invoice_id), today)
        return render_template("accounting/invoice.html", post_error=error.message, **context), 409
    flash(
        Markup("{} posted: {} to {}, due {}.").format(
            posted.number, _m(posted.gross_total), posted.customer.name, fmt("day", posted.due_date)
        ),
        "success",
    )
    return redirect(url_for("accounting.show", invoice_id=invoice_id))


def _posted_invoice(invoice_id: int) -> Invoice:
    invoice = get_invoice(invoice_id)
    if invoice.state != "posted" or invoice.doc_type != "invoice":
        abort(404)
    return invoice


@bp.get("/invoices/<int:invoice_id>/payment-hint")
@roles_required(*BOOKS)
def payment_hint(invoice_id: int) -> str:
    """What an amount would do to the balance, worded by the server (no arithmetic in JS)."""
    invoice = _posted_invoice(invoice_id)
    try:
        amount = money(request.args.get("amount", ""))
    except InvalidNumber:
        return "Enter the amount received, e.g. 120.00."
    if amount <= 0:
        return "Enter an amount above 0."
    if amount < invoice.residual:
        return f"{_m(invoice.residual - amount)} stays open."
    if amount > invoice.residual:
        return f"{_m(amount - invoice.residual)} extra becomes customer credit."
    return "This pays the invoice in full."


@bp.route("/invoices/<int:invoice_id>/payments/new", methods=["GET", "POST"])
@roles_required(*BOOKS)
def pay(invoice_id: int) -> Response | tuple[str, int]:
    invoice = _posted_invoice(invoice_id)
    today = company_today()
    errors: dict[str, list[str]] = {}
    values = {
        "amount": str(invoice.residual),
        "date": today.isoformat(),
        "method": "bank_transfer",
        "reference": "",
    }
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in values}
        try:
            payment = register_payment_once(
                current_user, request.form.get("form_token", ""), invoice_id, **values
            )
        except AlreadySubmitted:
            flash("That payment was already recorded; it was not entered twice.", "info")
            return redirect(url_for("accounting.show", invoice_id=invoice_id))
        except DomainError as error:
            errors = form_errors(error, "amount")
        else:
            invoice = get_invoice(invoice_id)
            tail = (
                f"{_m(invoice.residual)} still due."
                if invoice.residual > 0
                else "The invoice is paid."
            )
            flash(
                f"Payment of {_m(payment.amount)} registered on {invoice.number}; {tail}", "success"
            )
            return redirect(url_for("accounting.show", invoice_id=invoice_id))
    return render_template(
        "accounting/pay.html",
        invoice=invoice,
        values=values,
        errors=errors,
        methods=[(m, METHOD_LABELS[m]) for m in PAYMENT_METHODS],
        payment_token=new_form_token(),
    ), (422 if errors else 200)


# The report pages register on the same blueprint.
from app.accounting import correction_routes, report_routes  # noqa: E402, F401
