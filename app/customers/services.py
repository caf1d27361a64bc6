"""Creating, changing and finding customers. VAT ids are checked with python-stdnum."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from stdnum.eu import vat

from app.core.countries import is_country_code
from app.core.db import use_case
from app.core.errors import Errors, NotFound
from app.core.search import contains_text
from app.customers.models import Customer
from app.extensions import db

FIELDS = [
    "name",
    "email",
    "phone",
    "vat_id",
    "is_business",
    "street",
    "city",
    "postal_code",
    "country",
    "payment_terms_days",
    "notes",
]


def get_customer(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id) if isinstance(customer_id, int) else None
    if customer is None:
        raise NotFound("No such customer.", field="customer_id")
    return customer


def list_customers(q: str = "") -> Any:
    """A select() the callers paginate; `q` matches name, e-mail or VAT id."""
    stmt = select(Customer).order_by(Customer.name, Customer.id)
    if q:
        stmt = stmt.where(
            or_(
                contains_text(Customer.name, q),
                contains_text(Customer.email, q),
                contains_text(Customer.vat_id, q),
            )
        )
    return stmt


def normalise_vat_id(value: str) -> str:
    return vat.compact(value) if value else ""


def _clean(values: dict[str, Any], errors: Errors, *, creating: bool) -> dict[str, Any]:
    for field in sorted(set(values) - set(FIELDS)):
        errors.add(field, "This field cannot be set.")
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in FIELDS}
    if (creating or "name" in clean) and not clean.get("name"):
        errors.add("name", "Enter the customer's name.")
    if len(clean.get("name") or "") > 200:
        errors.add("name", "Use at most 200 characters.")
    email = clean.get("email")
    if email and ("@" not in email or len(email) > 254):
        errors.add("email", "Enter an e-mail address like name@example.com.")
    if clean.get("vat_id"):
        if vat.is_valid(clean["vat_id"]):
            clean["vat_id"] = normalise_vat_id(clean["vat_id"])
        else:
            errors.add(
                "vat_id", "Enter a valid EU VAT number with its country code, e.g. DE136695976."
            )
    country = clean.get("country")
    if country:
        clean["country"] = country.upper()
        if not is_country_code(clean["country"]):
            errors.add("country", "Enter an ISO 3166-1 two-letter country code, e.g. IE.")
    terms = clean.get("payment_terms_days")
    if terms is not None and (
        not isinstance(terms, int) or isinstance(terms, bool) or not 0 <= terms <= 365
    ):
        errors.add("payment_terms_days", "Enter a whole number of days from 0 to 365.")
    return clean


@use_case
def create_customer(actor: Any, **values: Any) -> Customer:
    errors = Errors()
    clean = _clean(values, errors, creating=True)
    errors.raise_if_any()
    customer = Customer(**clean)
    db.session.add(customer)
    db.session.flush()
    return customer


@use_case
def update_customer(actor: Any, customer_id: int, **values: Any) -> Customer:
    customer = get_customer(customer_id)
    errors = Errors()
    clean = _clean(values, errors, creating=False)
    errors.raise_if_any()
    for key, value in clean.items():
        setattr(customer, key, value)
    return customer
