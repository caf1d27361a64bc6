"""The customer form: form text to the values `create_customer`/`update_customer` expect."""

from __future__ import annotations

from typing import Any

TEXT_FIELDS = [
    "name",
    "email",
    "phone",
    "vat_id",
    "street",
    "postal_code",
    "city",
    "country",
    "notes",
]
LABELS = {
    "name": "Name",
    "email": "Billing e-mail",
    "phone": "Phone",
    "vat_id": "VAT number",
    "is_business": "Business customer",
    "street": "Street",
    "postal_code": "Postal code",
    "city": "City",
    "country": "Country",
    "payment_terms_days": "Payment terms",
    "notes": "Notes",
}


def parse_customer(form: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    values: dict[str, Any] = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
    values["is_business"] = form.get("is_business") == "1"
    errors: dict[str, list[str]] = {}
    terms = form.get("payment_terms_days", "").strip()
    if not terms:
        values["payment_terms_days"] = None
    elif terms.isascii() and terms.isdigit():
        values["payment_terms_days"] = int(terms)
    else:
        errors["payment_terms_days"] = [
            "Enter a whole number of days from 0 to 365, or leave it empty."
        ]
    return values, errors
