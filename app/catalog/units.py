"""Catalog settings: the units of measure and the currencies items may be priced in.

The CSV import refuses a unit or currency not listed here, so a typo ("pc", "EURO") never
reaches an invoice line. The migration seeds common units and EUR.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import use_case
from app.core.errors import Errors
from app.extensions import db

UNIT_CODE = re.compile(r"^[\w.²³/-]{1,20}$")
DEFAULT_UNITS = (
    ("pcs", "Pieces"),
    ("h", "Hours"),
    ("m", "Metres"),
    ("m2", "Square metres"),
    ("kg", "Kilograms"),
    ("l", "Litres"),
    ("set", "Sets"),
    ("box", "Boxes"),
)


class Unit(db.Model):
    __tablename__ = "catalog_units"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)  # as printed: "pcs", "h"
    name: Mapped[str] = mapped_column(String(100), default="")


class Currency(db.Model):
    __tablename__ = "catalog_currencies"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)  # ISO 4217


def list_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.code)))


def list_currencies() -> list[Currency]:
    return list(db.session.scalars(select(Currency).order_by(Currency.code)))


def unit_codes() -> set[str]:
    return set(db.session.scalars(select(Unit.code)))


def currency_codes() -> set[str]:
    return set(db.session.scalars(select(Currency.code)))


def currency_refusal(code: Any, listed: Collection[str] | None = None) -> str | None:
    """Why `code` cannot price anything, or None when it can: a price is in one of the
    currencies listed in the catalog settings, written as listed (ISO 4217 capitals).
    `listed` saves the lookup when many rows are checked."""
    listed = currency_codes() if listed is None else listed
    if isinstance(code, str) and code in listed:
        return None
    return f"Unknown currency {code!r}; allowed: {', '.join(sorted(listed))}."


@use_case
def add_unit(actor: Any, code: str, name: str = "") -> Unit:
    errors = Errors()
    code = (code or "").strip()
    if not UNIT_CODE.match(code):
        errors.add("code", "Enter a short unit code without spaces, e.g. pcs, h, m2.")
    elif db.session.get(Unit, code) is not None:
        errors.add("code", f"The unit {code!r} exists already.")
    errors.raise_if_any()
    unit = Unit(code=code, name=(name or "").strip()[:100])
    db.session.add(unit)
    db.session.flush()
    return unit


@use_case
def add_currency(actor: Any, code: str) -> Currency:
    errors = Errors()
    code = (code or "").strip()
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        errors.add("code", "Enter an ISO 4217 currency code in capitals, e.g. EUR.")
    elif db.session.get(Currency, code) is not None:
        errors.add("code", f"The currency {code} exists already.")
    errors.raise_if_any()
    currency = Currency(code=code)
    db.session.add(currency)
    db.session.flush()
    return currency
