"""Catalog pages: searchable item list, add and edit items, and the editor's quick-add search."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.catalog.models import ITEM_KINDS, RATE_KINDS
from app.catalog.queries import all_items, sku_taken
from app.catalog.services import create_item, get_item, search_items, update_item
from app.company.services import books_currency
from app.core.errors import DomainError
from app.core.http import form_errors, paginate, roles_required

bp = Blueprint("catalog", __name__, url_prefix="/catalog")
STAFF = ("admin", "dispatcher", "bookkeeper")
TEXT = ["sku", "name", "kind", "rate_kind", "unit", "price", "vat_rate", "group", "barcode"]
LABELS = {
    "sku": "SKU",
    "name": "Name",
    "kind": "Kind",
    "rate_kind": "Labour rate",
    "unit": "Unit",
    "price": "Net price",
    "vat_rate": "VAT rate",
    "group": "Group",
    "barcode": "Barcode",
    "active": "Active",
}
KIND_LABELS = {"labour": "Labour", "part": "Part", "service": "Service", "fee": "Fee"}


@bp.get("")
@roles_required(*STAFF)
def index() -> str:
    q = request.args.get("q", "").strip()[:100]
    kind = request.args.get("kind", "")
    kind = kind if kind in ITEM_KINDS else ""
    show_inactive = request.args.get("inactive") == "1"
    stmt = all_items(q, kind or None) if show_inactive else search_items(q, kind or None)
    page = paginate(stmt)
    return render_template(
        "catalog/index.html", page=page, q=q, kind=kind, kinds=KIND_LABELS, inactive=show_inactive
    )


@bp.get("/lookup")
@roles_required("dispatcher", "bookkeeper")
def lookup() -> str:
    """Options for the draft editor's catalog quick-add (htmx active search)."""
    q = request.args.get("catalog_q", request.args.get("q", "")).strip()[:100]
    page = paginate(search_items(q), 1, 10)
    return render_template("catalog/_options.html", items=page.items, q=q)


def _values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {name: form.get(name, "").strip() for name in TEXT}
    values["active"] = form.get("active") == "1"
    return values


def _form(item: Any, values: dict[str, Any], errors: dict[str, list[str]]) -> tuple[str, int]:
    return render_template(
        "catalog/form.html",
        item=item,
        values=values,
        errors=errors,
        labels=LABELS,
        kinds=list(KIND_LABELS.items()),
        books_currency=books_currency(),
        rate_kinds=[(r, r.capitalize()) for r in RATE_KINDS],
    ), (422 if errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new() -> Response | tuple[str, int]:
    values: dict[str, Any] = {"kind": "part", "unit": "pcs", "active": True, "vat_rate": ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _values(request.form)
        try:
            item = create_item(current_user, **values)
        except DomainError as error:
            errors = form_errors(error)
        else:
            flash(f"{item.name} added to the catalog.", "success")
            return redirect(url_for("catalog.index"))
    return _form(None, values, errors)


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(item_id: int) -> Response | tuple[str, int]:
    item = get_item(item_id)
    values: dict[str, Any] = {name: getattr(item, name) for name in LABELS}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = _values(request.form)
        try:
            if values["sku"] and sku_taken(values["sku"], item_id):
                raise DomainError("An item with this SKU exists already.", field="sku")
            # The page's prices are in the books' currency (its column says which), also
            # for an item stored in another one before prices were held to it.
            update_item(current_user, item_id, **values, currency=books_currency())
        except DomainError as error:
            errors = form_errors(error)
        else:
            flash(f"{values['name']} saved.", "success")
            return redirect(url_for("catalog.index"))
    return _form(item, values, errors)
