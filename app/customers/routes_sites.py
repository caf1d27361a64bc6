"""A customer's service sites (with access notes) and contacts: list, add, edit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.errors import DomainError
from app.core.http import form_errors, int_arg, roles_required
from app.customers.services import get_customer
from app.customers.sites import (
    add_contact,
    add_site,
    get_contact,
    get_site,
    list_contacts,
    list_sites,
    update_contact,
    update_site,
)

bp = Blueprint("sites", __name__, url_prefix="/customers")
EDITORS = ("admin", "dispatcher")
SITE_LABELS = {
    "name": "Site name",
    "street": "Street",
    "postal_code": "Postal code",
    "city": "City",
    "country": "Country",
    "access_notes": "Access notes",
    "active": "Active",
}
CONTACT_LABELS = {
    "name": "Name",
    "phone": "Phone",
    "email": "E-mail",
    "role": "Role",
    "site_id": "Site",
    "active": "Active",
}


@bp.get("/<int:customer_id>/sites")
@roles_required(*EDITORS, "bookkeeper")
def index(customer_id: int) -> str:
    customer = get_customer(customer_id)
    return render_template(
        "customers/sites.html",
        customer=customer,
        sites=list_sites(customer_id, include_inactive=True),
        contacts=list_contacts(customer_id, include_inactive=True),
        can_edit=current_user.role in EDITORS,
    )


def _site_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: form.get(k, "").strip() for k in SITE_LABELS if k != "active"}
    values["active"] = form.get("active") == "1"
    return values


def _contact_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        k: form.get(k, "").strip() for k in ("name", "phone", "email", "role")
    }
    values["site_id"] = int_arg(form.get("site_id"))
    values["active"] = form.get("active") == "1"
    return values


def _render(kind: str, customer: Any, obj: Any, values: dict[str, Any], errors: Any) -> Any:
    return render_template(
        "customers/site_form.html" if kind == "site" else "customers/contact_form.html",
        customer=customer,
        obj=obj,
        values=values,
        errors=errors,
        labels=SITE_LABELS if kind == "site" else CONTACT_LABELS,
        sites=list_sites(customer.id),
    ), (422 if errors else 200)


@bp.route("/<int:customer_id>/sites/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_site(customer_id: int) -> Any:
    customer = get_customer(customer_id)
    values: dict[str, Any] = {"active": True, "country": customer.country}
    if request.method == "POST":
        values = _site_values(request.form)
        values.pop("active")
        try:
            site = add_site(current_user, customer_id, **values)
        except DomainError as error:
            return _render("site", customer, None, values, form_errors(error))
        flash(f"Site {site.name} added.", "success")
        return redirect(url_for("sites.index", customer_id=customer_id))
    return _render("site", customer, None, values, {})


@bp.route("/<int:customer_id>/sites/<int:site_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_site(customer_id: int, site_id: int) -> Any:
    customer = get_customer(customer_id)
    site = get_site(site_id)
    if site.customer_id != customer.id:
        abort(404)
    values = {k: getattr(site, k) for k in SITE_LABELS}
    if request.method == "POST":
        values = _site_values(request.form)
        try:
            update_site(current_user, site_id, **values)
        except DomainError as error:
            return _render("site", customer, site, values, form_errors(error))
        flash(f"Site {values['name']} saved.", "success")
        return redirect(url_for("sites.index", customer_id=customer_id))
    return _render("site", customer, site, values, {})


@bp.route("/<int:customer_id>/contacts/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_contact(customer_id: int) -> Any:
    customer = get_customer(customer_id)
    values: dict[str, Any] = {"active": True}
    if request.method == "POST":
        values = _contact_values(request.form)
        values.pop("active")
        try:
            contact = add_contact(current_user, customer_id, **values)
        except DomainError as error:
            return _render("contact", customer, None, values, form_errors(error))
        flash(f"Contact {contact.name} added.", "success")
        return redirect(url_for("sites.index", customer_id=customer_id))
    return _render("contact", customer, None, values, {})


@bp.route("/<int:customer_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_contact(customer_id: int, contact_id: int) -> Any:
    customer = get_customer(customer_id)
    contact = get_contact(contact_id)
    if contact.customer_id != customer.id:
        abort(404)
    values = {k: getattr(contact, k) for k in CONTACT_LABELS}
    if request.method == "POST":
        values = _contact_values(request.form)
        try:
            update_contact(current_user, contact_id, **values)
        except DomainError as error:
            return _render("contact", customer, contact, values, form_errors(error))
        flash(f"Contact {values['name']} saved.", "success")
        return redirect(url_for("sites.index", customer_id=customer_id))
    return _render("contact", customer, contact, values, {})
