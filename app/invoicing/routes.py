"""Draft pages: the drafts list, the draft editor with live totals, delete and copy."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.company.services import company_today, get_company
from app.core.errors import DomainError
from app.core.http import all_rows, fmt, form_errors, int_arg, paginate, roles_required
from app.customers.services import get_customer, list_customers
from app.invoicing.forms import DraftForm, parse_draft, preview_totals, service_header
from app.invoicing.models import Invoice
from app.invoicing.operations import default_vat_rate, due_date_for
from app.invoicing.services import (
    copy_invoice,
    create_draft,
    delete_draft,
    get_invoice,
    list_invoices,
    update_draft,
)

bp = Blueprint("invoicing", __name__)
EDITORS = ("dispatcher", "bookkeeper")
KINDS = [("labour", "Labour"), ("parts", "Parts"), ("other", "Other")]
HEADER_LABELS = {
    "customer_id": "Customer",
    "invoice_date": "Invoice date",
    "due_date": "Due date",
    "reference": "Customer reference",
    "notes": "Notes",
    "discount_value": "Discount",
    "discount_kind": "Discount type",
    "lines": "Lines",
}


def _draft_or_404(invoice_id: int) -> Invoice:
    invoice = get_invoice(invoice_id)
    if invoice.state != "draft" or invoice.doc_type == "credit_note":
        abort(404)  # posted documents are corrected by credit notes, never edited
    return invoice


def _after_save(invoice: Invoice) -> str:
    if current_user.role == "bookkeeper":
        return url_for("accounting.show", invoice_id=invoice.id)
    return url_for("invoicing.edit", invoice_id=invoice.id)


@bp.get("/drafts")
@roles_required(*EDITORS)
def drafts() -> str:
    q = request.args.get("q", "").strip()[:100]
    page = paginate(list_invoices(q=q, status="draft", doc_type=None, sort="-id"))
    return render_template("invoicing/drafts.html", page=page, q=q)


def _resolve_customer(form: Any) -> int | None:
    """The picked customer id, or (without JavaScript) an exact name typed in the search box."""
    picked = int_arg(form.get("customer_id"))
    if picked:
        return picked
    typed = str(form.get("customer_q", "")).strip()
    if typed:
        matches = [
            c for c in all_rows(list_customers(typed).limit(20)) if c.name.lower() == typed.lower()
        ]
        if len(matches) == 1:
            return int(matches[0].id)
    return None


def _labels(draft: DraftForm) -> dict[str, str]:
    labels = dict(HEADER_LABELS)
    for position, index in enumerate(draft.kept, start=1):
        for name, label in (
            ("description", "description"),
            ("quantity", "quantity"),
            ("unit_price", "unit price"),
            ("vat_rate", "VAT rate"),
            ("discount_percent", "discount"),
            ("kind", "kind"),
            ("catalog_item_id", "item"),
        ):
            labels[f"lines-{index}-{name}"] = f"Line {position} {label}"
    labels["customer_id"] = "Customer"
    return labels


def _editor(
    invoice: Invoice | None, draft: DraftForm, customer: Any, errors: dict[str, list[str]]
) -> tuple[str, int]:
    company = get_company()
    rows = list(draft.rows)
    next_index = max([int(r["index"]) for r in rows], default=-1) + 1
    rows.append(
        {
            "index": next_index,
            **dict.fromkeys(
                (
                    "description",
                    "quantity",
                    "unit",
                    "unit_price",
                    "discount_percent",
                    "vat_rate",
                    "kind",
                    "catalog_item_id",
                ),
                "",
            ),
        }
    )
    totals, nets = preview_totals(draft, default_vat_rate(company))
    return render_template(
        "invoicing/editor.html",
        invoice=invoice,
        draft=draft,
        rows=rows,
        customer=customer,
        errors=errors,
        labels=_labels(draft),
        kinds=KINDS,
        totals=totals,
        nets=nets,
        default_vat=default_vat_rate(company),
        today=company_today(),
    ), (422 if errors else 200)


def _blank_draft(customer: Any) -> DraftForm:
    today = company_today()
    due = due_date_for(customer, get_company(), today).isoformat() if customer else ""
    return DraftForm(
        header={
            "invoice_date": today.isoformat(),
            "due_date": due,
            "reference": "",
            "notes": "",
            "terms": "",
            "discount_kind": "",
            "discount_value": "",
        },
        rows=[],
    )


def _customer_or_none(customer_id: int | None) -> Any:
    if not customer_id:
        return None
    try:
        return get_customer(customer_id)
    except DomainError:
        return None


@bp.route("/invoices/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new() -> Response | tuple[str, int]:
    if request.method == "GET":
        customer = _customer_or_none(int_arg(request.args.get("customer_id")))
        return _editor(None, _blank_draft(customer), customer, {})
    draft = parse_draft(request.form)
    customer_id = _resolve_customer(request.form)
    customer = _customer_or_none(customer_id)
    try:
        invoice = create_draft(
            current_user,
            customer_id=customer_id,
            lines=draft.lines(),
            **service_header(draft.header, creating=True),
        )
    except DomainError as error:
        errors = {draft.error_key(k): v for k, v in form_errors(error).items()}
        if not draft.kept and "lines" not in errors:
            errors.setdefault("lines", ["Add at least one line."])
        return _editor(None, draft, customer, errors)
    flash(f"Draft for {invoice.customer.name} saved: {_money(invoice.gross_total)}.", "success")
    return redirect(_after_save(invoice))


def _money(value: Any) -> str:
    return fmt("money", value)


@bp.route("/invoices/<int:invoice_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(invoice_id: int) -> Response | tuple[str, int]:
    invoice = _draft_or_404(invoice_id)
    if request.method == "GET":
        return _editor(invoice, _draft_from(invoice), invoice.customer, {})
    draft = parse_draft(request.form)
    customer_id = _resolve_customer(request.form)
    header = service_header(draft.header, creating=False)
    if customer_id:
        header["customer_id"] = customer_id
    try:
        invoice = update_draft(current_user, invoice_id, lines=draft.lines(), **header)
    except DomainError as error:
        errors = {draft.error_key(k): v for k, v in form_errors(error).items()}
        return _editor(invoice, draft, _customer_or_none(customer_id) or invoice.customer, errors)
    flash(f"Draft saved: {_money(invoice.gross_total)}.", "success")
    return redirect(_after_save(invoice))


def _draft_from(invoice: Invoice) -> DraftForm:
    rows = []
    for index, line in enumerate(invoice.lines):
        rows.append(
            {
                "index": index,
                "description": line.description,
                "quantity": str(line.quantity.normalize())
                if line.quantity == line.quantity.to_integral()
                else str(line.quantity),
                "unit": line.unit,
                "unit_price": str(line.unit_price),
                "discount_percent": "" if not line.discount_percent else str(line.discount_percent),
                "vat_rate": str(line.vat_rate),
                "kind": line.kind,
                "catalog_item_id": str(line.catalog_item_id or ""),
                "line_id": str(line.id),
            }
        )
    header = {
        "invoice_date": invoice.invoice_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "reference": invoice.reference,
        "notes": invoice.notes,
        "terms": invoice.terms,
        "discount_kind": invoice.discount_kind or "",
        "discount_value": str(invoice.discount_value) if invoice.discount_value is not None else "",
    }
    return DraftForm(header=header, rows=rows, kept=[int(r["index"]) for r in rows])  # type: ignore[arg-type]


@bp.post("/invoices/totals")
@roles_required(*EDITORS)
def totals() -> str:
    """Live totals for the editor (htmx): the same `compute_totals` posting uses. Writes nothing."""
    draft = parse_draft(request.form)
    totals_, nets = preview_totals(draft, default_vat_rate(get_company()))
    return render_template("invoicing/_totals.html", totals=totals_, nets=nets, oob=True)


@bp.route("/invoices/<int:invoice_id>/delete", methods=["GET", "POST"])
@roles_required(*EDITORS)
def delete(invoice_id: int) -> Response | str:
    invoice = _draft_or_404(invoice_id)
    if request.method == "GET":
        return render_template("invoicing/delete.html", invoice=invoice)
    name = invoice.customer.name
    delete_draft(current_user, invoice_id)
    flash(f"Draft for {name} deleted.", "success")
    if current_user.role == "bookkeeper":
        return redirect(url_for("accounting.invoices"))
    return redirect(url_for("invoicing.drafts"))


@bp.post("/invoices/<int:invoice_id>/copy")
@roles_required(*EDITORS)
def copy(invoice_id: int) -> Response:
    source = get_invoice(invoice_id)
    if current_user.role != "bookkeeper" and source.state != "draft":
        abort(404)  # dispatchers work with drafts only
    invoice = copy_invoice(current_user, invoice_id)
    flash(f"New draft copied from {source.title}. Check the dates and lines, then save.", "success")
    return redirect(url_for("invoicing.edit", invoice_id=invoice.id))
