"""First run: create the company with its chart of accounts and number series in one step."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounting.chart import seed_chart
from app.company.models import Company
from app.company.services import _validate_settings  # the settings page's own checks
from app.core.db import use_case
from app.core.errors import Conflict, Errors
from app.core.numbering import SERIES_CODES, get_series
from app.extensions import db

SETUP_FIELDS = ("name", "country", "currency", "locale", "timezone")


def company_exists() -> bool:
    return db.session.scalar(select(Company.id).limit(1)) is not None


@use_case
def set_up_company(actor: Any, **values: Any) -> Company:
    """The company row, the default chart and the number series, or nothing at all."""
    if company_exists():
        raise Conflict("The company is set up already; change it under Settings.")
    errors = Errors()
    for field in sorted(set(values) - set(SETUP_FIELDS)):
        errors.add(field, "This field cannot be set here.")
    clean = {k: str(values.get(k) or "").strip() for k in SETUP_FIELDS}
    clean["country"] = clean["country"].upper()
    clean["currency"] = clean["currency"].upper()
    if not clean["name"]:
        errors.add("name", "Enter the company name.")
    if len(clean["country"]) != 2 or not clean["country"].isalpha():
        errors.add("country", "Enter a two-letter country code, e.g. IE.")
    _validate_settings(clean, errors)
    errors.raise_if_any()
    company = Company(**clean)
    db.session.add(company)
    seed_chart()
    for code in SERIES_CODES:
        get_series(code)
    db.session.flush()
    return company
