"""Checking draft input: header fields and lines, with errors that name the field or line.

Nothing here changes a value silently: what cannot be taken as given is refused with the reason.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.errors import Errors
from app.core.money import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    InvalidNumber,
    foreign_currency_refusal,
    to_decimal,
)
from app.invoicing.calculations import HUNDRED, LineInput, compute_totals, line_net
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
MAX_LINES = 500
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


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
    if number < low or (not low_inclusive and number == low):
        bound = "above" if not low_inclusive else "of at least"
        errors.add(field, f"Enter a {label.lower()} {bound} {low}.")
        return None
    if number > high:
        errors.add(field, f"{label} can be at most {high:,}.")
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
    _check_line_net(line, where, errors)
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


def _check_line_net(line: dict[str, Any], where: str, errors: Errors) -> None:
    parts = [line[k] for k in ("quantity", "unit_price", "discount_percent")]
    if any(part is None for part in parts):
        return  # already refused with its own reason
    net = line_net(LineInput(parts[0], parts[1], parts[2], Decimal(0), "other"))
    if net > MAX_AMOUNT:
        errors.add(
            where + "unit_price",
            f"The line comes to {net:,}; a line can be at most {MAX_AMOUNT:,}. "
            "Lower the quantity or the unit price.",
        )


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
        currency = header["currency"]
        if not isinstance(currency, str) or not CURRENCY_CODE.fullmatch(currency):
            errors.add("currency", "Enter an ISO 4217 currency code in capitals, such as EUR.")
    if "discount_kind" in header:
        header["discount_kind"] = header["discount_kind"] or None
        if header["discount_kind"] not in (None, *DISCOUNT_KINDS):
            errors.add("discount_kind", "Choose percent or amount.")
    if "discount_value" in header:
        value = header["discount_value"]
        header["discount_value"] = (
            None
            if value in (None, "")
            else _number(
                value,
                "discount_value",
                2,
                errors,
                label="Discount",
                low=Decimal(0),
                high=MAX_AMOUNT,
            )
        )
    return header


def check_currency(header: dict[str, Any], base_currency: str, errors: Errors) -> None:
    if "currency" in errors.fields:
        return  # refused already, with its own reason
    if refusal := foreign_currency_refusal(header.get("currency"), base_currency):
        errors.add("currency", refusal)


def _check_discount(kind: str | None, value: Decimal | None, errors: Errors) -> None:
    if "discount_kind" in errors.fields or "discount_value" in errors.fields:
        return  # refused already, with its own reason
    if kind is None and value is not None:
        errors.add(
            "discount_kind", "Choose percent or amount for the discount, or clear its value."
        )
    elif kind is not None and value is None:
        errors.add("discount_value", "Enter the discount, or set the discount type to none.")
    elif kind == "percent" and value is not None and value > HUNDRED:
        errors.add("discount_value", "A percent discount can be at most 100.")


def check_document(
    lines: list[LineInput],
    discount_kind: str | None,
    discount_value: Decimal | None,
    errors: Errors,
) -> None:
    """Rules on the document as it will be saved (a change merged with what it keeps): a
    discount has both a kind and a value and fits the subtotal; totals stay within the caps."""
    _check_discount(discount_kind, discount_value, errors)
    if any(field.startswith(("lines", "discount_")) for field in errors.fields):
        return  # totals of refused input would only repeat those errors
    totals = compute_totals(lines, discount_kind, discount_value)
    fixed = discount_value if discount_kind == "amount" else None
    if fixed is not None and fixed > totals.subtotal:
        errors.add(
            "discount_value",
            f"The discount {fixed:,} is more than the subtotal {totals.subtotal:,}: "
            "enter at most the subtotal.",
        )
    largest = max(totals.subtotal, totals.gross)
    if largest > MAX_AMOUNT:
        errors.add(
            "lines",
            f"The document comes to {largest:,}; a document can be at most {MAX_AMOUNT:,}. "
            "Split it into several invoices.",
        )
