"""Customer pages: searchable list, add, view, edit, and the type-ahead the draft editor uses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.core.errors import DomainError
from app.core.http import form_errors, paginate, roles_required
from app.customers.forms import LABELS, parse_customer
from app.customers.services import create_customer, get_customer, list_customers, update_customer

bp = Blueprint("customers", __name__, url_prefix="/customers")
STAFF = ("admin", "dispatcher", "bookkeeper")


@bp.get("")
@roles_required(*STAFF)
def index() -> str:
    q = request.args.get("q", "").strip()[:100]
    page = paginate(list_customers(q))
    return render_template("customers/index.html", page=page, q=q)


@bp.get("/lookup")
@roles_required("dispatcher", "bookkeeper")
def lookup() -> str:
    """Options for the customer combobox (htmx active search)."""
    q = request.args.get("customer_q", request.args.get("q", "")).strip()[:100]
    page = paginate(list_customers(q), 1, 8)
    return render_template("customers/_options.html", customers=page.items, q=q)


def _form(customer: Any, values: dict[str, Any], errors: dict[str, list[str]]) -> tuple[str, int]:
    return render_template(
        "customers/form.html", customer=customer, values=values, errors=errors, labels=LABELS
    ), (422 if errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new() -> Response | tuple[str, int]:
    values: dict[str, Any] = {"is_business": True, "country": ""}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values, errors = parse_customer(request.form)
        if not errors:
            try:
                customer = create_customer(current_user, **values)
            except DomainError as error:
                errors = form_errors(error)
            else:
                flash(f"{customer.name} added.", "success")
                return redirect(url_for("customers.show", customer_id=customer.id))
    return _form(None, values, errors)


@bp.get("/<int:customer_id>")
@roles_required(*STAFF)
def show(customer_id: int) -> str:
    return render_template("customers/show.html", customer=get_customer(customer_id))


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(customer_id: int) -> Response | tuple[str, int]:
    customer = get_customer(customer_id)
    values = {name: getattr(customer, name) for name in LABELS}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values, errors = parse_customer(request.form)
        if not errors:
            try:
                update_customer(current_user, customer_id, **values)
            except DomainError as error:
                errors = form_errors(error)
            else:
                flash(f"{values['name']} saved.", "success")
                return redirect(url_for("customers.show", customer_id=customer_id))
    return _form(customer, values, errors)
