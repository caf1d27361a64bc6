"""Service sites (where the work happens, with access notes) and contacts of a customer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.countries import is_country_code
from app.core.db import use_case
from app.core.errors import Errors, NotFound
from app.customers.models import Contact, Customer, Site
from app.customers.services import get_customer
from app.extensions import db

SITE_FIELDS = ["name", "street", "city", "postal_code", "country", "access_notes", "active"]
CONTACT_FIELDS = ["name", "phone", "email", "role", "site_id", "active"]
LIMITS = {
    "name": 200,
    "street": 200,
    "city": 100,
    "postal_code": 20,
    "phone": 50,
    "email": 254,
    "role": 100,
    "access_notes": 5000,
}


def _strip(values: dict[str, Any], allowed: list[str], errors: Errors) -> dict[str, Any]:
    for field in sorted(set(values) - set(allowed)):
        errors.add(field, "This field cannot be set.")
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in allowed}
    for field, limit in LIMITS.items():
        value = clean.get(field)
        if isinstance(value, str) and len(value) > limit:
            errors.add(field, f"Use at most {limit} characters.")
        elif field in clean and value is not None and not isinstance(value, str):
            errors.add(field, "Enter text.")
    if "active" in clean and not isinstance(clean["active"], bool):
        errors.add("active", "Choose yes or no.")
    return clean


def _clean_site(values: dict[str, Any], errors: Errors, *, creating: bool) -> dict[str, Any]:
    clean = _strip(values, SITE_FIELDS, errors)
    if (creating or "name" in clean) and not clean.get("name"):
        errors.add("name", "Name the site, e.g. 'Head office' or the street address.")
    country = clean.get("country")
    if isinstance(country, str) and country:
        clean["country"] = country.upper()
        if not is_country_code(clean["country"]):
            errors.add("country", "Enter an ISO 3166-1 two-letter country code, e.g. IE.")
    return clean


def _clean_contact(
    customer_id: int, values: dict[str, Any], errors: Errors, *, creating: bool
) -> dict[str, Any]:
    clean = _strip(values, CONTACT_FIELDS, errors)
    if (creating or "name" in clean) and not clean.get("name"):
        errors.add("name", "Enter the contact's name.")
    email = clean.get("email")
    if isinstance(email, str) and email and "@" not in email:
        errors.add("email", "Enter an e-mail address like name@example.com.")
    site_id = clean.get("site_id")
    if site_id is not None:
        site = db.session.get(Site, site_id) if isinstance(site_id, int) else None
        if site is None or site.customer_id != customer_id:
            errors.add("site_id", "Choose one of this customer's sites.")
    return clean


def get_site(site_id: Any) -> Site:
    site = db.session.get(Site, site_id) if isinstance(site_id, int) else None
    if site is None:
        raise NotFound("No such site.", field="site_id")
    return site


def get_contact(contact_id: Any) -> Contact:
    contact = db.session.get(Contact, contact_id) if isinstance(contact_id, int) else None
    if contact is None:
        raise NotFound("No such contact.", field="contact_id")
    return contact


def list_sites(customer_id: int, *, include_inactive: bool = False) -> list[Site]:
    stmt = select(Site).where(Site.customer_id == customer_id).order_by(Site.name, Site.id)
    if not include_inactive:
        stmt = stmt.where(Site.active.is_(True))
    return list(db.session.scalars(stmt))


def list_contacts(customer_id: int, *, include_inactive: bool = False) -> list[Contact]:
    stmt = (
        select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.name, Contact.id)
    )
    if not include_inactive:
        stmt = stmt.where(Contact.active.is_(True))
    return list(db.session.scalars(stmt))


@use_case
def add_site(actor: Any, customer_id: int, **values: Any) -> Site:
    customer: Customer = get_customer(customer_id)
    errors = Errors()
    clean = _clean_site(values, errors, creating=True)
    errors.raise_if_any()
    site = Site(customer_id=customer.id, **clean)
    db.session.add(site)
    db.session.flush()
    return site


@use_case
def update_site(actor: Any, site_id: int, **values: Any) -> Site:
    site = get_site(site_id)
    errors = Errors()
    clean = _clean_site(values, errors, creating=False)
    errors.raise_if_any()
    for key, value in clean.items():
        setattr(site, key, value)
    return site


@use_case
def add_contact(actor: Any, customer_id: int, **values: Any) -> Contact:
    customer = get_customer(customer_id)
    errors = Errors()
    clean = _clean_contact(customer.id, values, errors, creating=True)
    errors.raise_if_any()
    contact = Contact(customer_id=customer.id, **clean)
    db.session.add(contact)
    db.session.flush()
    return contact


@use_case
def update_contact(actor: Any, contact_id: int, **values: Any) -> Contact:
    contact = get_contact(contact_id)
    errors = Errors()
    clean = _clean_contact(contact.customer_id, values, errors, creating=False)
    errors.raise_if_any()
    for key, value in clean.items():
        setattr(contact, key, value)
    return contact
