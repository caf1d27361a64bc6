"""Catalog settings: the units of measure items are sold in.

The CSV import refuses a unit not listed here, so a typo ("pc", "hrs") never reaches an
invoice line. The migration seeds common units. (Prices are in the books' currency, the
company's setting; see `app.catalog.services.currency_problem`.)
"""

from __future__ import annotations

import re
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


def list_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.code)))


def unit_codes() -> set[str]:
    return set(db.session.scalars(select(Unit.code)))


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
