"""Checking draft input: header fields and lines, with errors that name the field or line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from app.core.errors import Errors
from app.core.money import InvalidNumber, to_decimal
from app.invoicing.models import DISCOUNT_KINDS, LINE_KINDS

HEADER_FIELDS = [
    "customer_id",
    "invoice_date",
    "due_date",
    "currency",
    "reference",
    "notes",
    "terms",
    "discount_kind",
    "discount_value",
]
LINE_FIELDS = [
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "vat_rate",
    "kind",
    "catalog_item_id",
]
MAX_QUANTITY = Decimal(1_000_000)
MAX_UNIT_PRICE = Decimal(100_000_000)
MAX_LINES = 500


def parse_date(value: Any, field: str, errors: Errors) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, "Enter a date as YYYY-MM-DD.")
        return None


def _number(
    value: Any,
    field: str,
    places: int,
    errors: Errors,
    *,
    label: str,
    low: Decimal,
    high: Decimal,
    low_inclusive: bool = True,
) -> Decimal | None:
    try:
        number = to_decimal(value, places=places)
    except InvalidNumber as exc:
        errors.add(field, f"{label} {exc}.")
        return None
    too_low = number < low or (not low_inclusive and number == low)
    if too_low or number > high:
        bound = "above" if not low_inclusive else "from"
        errors.add(field, f"Enter a {label.lower()} {bound} {low} up to {high}.")
        return None
    return number


def clean_line(
    raw: dict[str, Any], index: int, errors: Errors, default_vat: Decimal
) -> dict[str, Any]:
    """One line's values, checked; field names read `lines[2].quantity` (zero-based)."""
    where = f"lines[{index}]."
    for field in sorted(set(raw) - set(LINE_FIELDS) - {"id", "source_order_id"}):
        errors.add(where + field, "This field cannot be set.")
    line: dict[str, Any] = {}
    description = str(raw.get("description") or "").strip()
    if not description:
        errors.add(where + "description", "Enter a description.")
    line["description"] = description[:2000]
    line["quantity"] = _number(
        raw.get("quantity"),
        where + "quantity",
        3,
        errors,
        label="Quantity",
        low=Decimal(0),
        high=MAX_QUANTITY,
        low_inclusive=False,
    )
    line["unit_price"] = _number(
        raw.get("unit_price"),
        where + "unit_price",
        2,
        errors,
        label="Unit price",
        low=Decimal(0),
        high=MAX_UNIT_PRICE,
    )
    line["discount_percent"] = _number(
        raw.get("discount_percent") or "0",
        where + "discount_percent",
        2,
        errors,
        label="Discount",
        low=Decimal(0),
        high=Decimal(100),
    )
    vat_raw = raw.get("vat_rate")
    line["vat_rate"] = _number(
        default_vat if vat_raw in (None, "") else vat_raw,
        where + "vat_rate",
        2,
        errors,
        label="VAT rate",
        low=Decimal(0),
        high=Decimal(100),
    )
    kind = raw.get("kind") or "other"
    if kind not in LINE_KINDS:
        errors.add(where + "kind", f"Choose one of: {', '.join(LINE_KINDS)}.")
    line["kind"] = kind
    line["unit"] = str(raw.get("unit") or "pcs").strip()[:20]
    item_id = raw.get("catalog_item_id")
    if item_id not in (None, "") and (not isinstance(item_id, int) or isinstance(item_id, bool)):
        errors.add(where + "catalog_item_id", "Choose an item from the catalog.")
    line["catalog_item_id"] = item_id or None
    return line


def clean_header(raw: dict[str, Any], errors: Errors) -> dict[str, Any]:
    for field in sorted(set(raw) - set(HEADER_FIELDS)):
        errors.add(field, "This field cannot be set.")
    header = {k: v for k, v in raw.items() if k in HEADER_FIELDS}
    for field in ("invoice_date", "due_date"):
        if field in header:
            header[field] = parse_date(header[field], field, errors)
    for field in ("reference", "notes", "terms"):
        if field in header:
            header[field] = str(header[field] or "").strip()
    if "currency" in header:
        currency = str(header["currency"] or "").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            errors.add("currency", "Enter an ISO 4217 currency code such as EUR.")
        header["currency"] = currency
    kind = header.get("discount_kind") or None
    header["discount_kind"] = kind
    if kind not in (None, *DISCOUNT_KINDS):
        errors.add("discount_kind", "Choose percent or amount.")
    if "discount_value" in header:
        value = header["discount_value"]
        if value in (None, ""):
            header["discount_value"] = None
        else:
            high = Decimal(100) if kind == "percent" else MAX_UNIT_PRICE * MAX_QUANTITY
            header["discount_value"] = _number(
                value, "discount_value", 2, errors, label="Discount", low=Decimal(0), high=high
            )
    return header
