"""Catalog import from CSV: preview first, then all rows or none, updating items by SKU.

Accepted: UTF-8 with or without BOM, `;` or `,` as separator (chosen from the header line),
columns name, type (product/service), unit, group, currency, VAT rate, price, and optionally
sku, kind (part, labour, fee, service) and rate kind. Rows are numbered as a spreadsheet shows
them (the header is row 1); every error names its row and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.catalog.models import CatalogItem
from app.catalog.services import clean_item_values
from app.catalog.units import unit_codes
from app.company.services import books_currency
from app.core.db import use_case
from app.core.errors import Errors, ValidationFailed
from app.extensions import db

MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
REQUIRED = ("name", "type", "unit", "group", "vat_rate", "price")
OPTIONAL = ("sku", "kind", "rate_kind", "currency")
ALIASES = {
    "vat rate": "vat_rate",
    "vat %": "vat_rate",
    "vat": "vat_rate",
    "rate kind": "rate_kind",
    "product/service": "type",
}
TYPES = {"product": "part", "service": "service"}


class CatalogImportFailed(ValidationFailed):
    """The file cannot be imported; `errors` lists (row, column, message), nothing written."""

    code = "catalog_import_failed"

    def __init__(self, errors: list[RowError]) -> None:
        fields: dict[str, list[str]] = {}
        for error in errors:
            fields.setdefault(error.key, []).append(error.message)
        first = errors[0]
        count = len(errors)
        summary = f"{count} error{'s' if count != 1 else ''}; nothing was imported. First: "
        super().__init__(fields, summary + first.text)
        self.errors = errors


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: header is row 1; 0 for the whole file
    column: str
    message: str

    @property
    def key(self) -> str:
        return f"row {self.row}, {self.column}" if self.row else self.column

    @property
    def text(self) -> str:
        return f"{self.key}: {self.message}" if self.row else self.message


@dataclass
class ImportRow:
    row: int
    action: str  # "create" or "update"
    values: dict[str, Any]


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for r in self.rows if r.action == "create")

    @property
    def updated(self) -> int:
        return sum(1 for r in self.rows if r.action == "update")

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes | str) -> str:
    """UTF-8 text; anything else is refused with the position of the first bad byte."""
    if isinstance(data, str):  # already text (e.g. pasted into a form)
        return data.removeprefix("\ufeff")
    if not isinstance(data, bytes):
        raise CatalogImportFailed([RowError(0, "file", "Upload the CSV file.")])
    if len(data) > MAX_BYTES:
        raise CatalogImportFailed(
            [RowError(0, "file", f"The file is larger than {MAX_BYTES // 1048576} MB.")]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start]
        raise CatalogImportFailed(
            [
                RowError(
                    0,
                    "file",
                    f"The file is not UTF-8: byte 0x{byte:02X} on row {line} cannot be read "
                    '(it looks like Latin-1 or Windows-1252). Save it as "CSV UTF-8" and '
                    "import it again.",
                )
            ]
        ) from None


def _header_key(name: str) -> str:
    key = name.strip().lower()
    return ALIASES.get(key, key.replace(" ", "_"))


def _read(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise CatalogImportFailed([RowError(0, "file", "The file is empty.")]) from None
    keys = [_header_key(h) for h in header]
    missing = [c for c in REQUIRED if c not in keys]
    unknown = [h for h, k in zip(header, keys, strict=True) if k not in REQUIRED + OPTIONAL]
    problems = [RowError(0, "header", f"Missing column {c!r}.") for c in missing]
    problems += [RowError(0, "header", f"Unknown column {h!r}.") for h in unknown if h.strip()]
    if problems:
        raise CatalogImportFailed(problems)
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise CatalogImportFailed([RowError(0, "file", f"At most {MAX_ROWS} rows per file.")])
        row = {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys)}
        if len(cells) > len(keys):
            row["__extra__"] = "x"
        rows.append((number, row))
    return header, rows


def _column_name(header: list[str], key: str) -> str:
    for name in header:
        if _header_key(name) == key:
            return name.strip()
    return key


def _clean_row(
    number: int,
    raw: dict[str, str],
    header: list[str],
    report: ImportReport,
    units: set[str],
    currency: str,
) -> dict[str, Any]:
    def fail(key: str, message: str) -> None:
        report.errors.append(RowError(number, _column_name(header, key), message))

    if "__extra__" in raw:
        fail("name", "This row has more cells than the header.")
    for key, cell in raw.items():
        if isinstance(cell, str) and "\x00" in cell:
            fail(key, "Remove the NUL character; it cannot be stored.")
    item_type = raw.get("type", "").strip().lower()
    kind = raw.get("kind", "").strip().lower()
    if item_type not in TYPES:
        fail("type", "Enter product or service.")
    if not kind:
        kind = TYPES.get(item_type, "part")
    elif item_type == "product" and kind != "part":
        fail("kind", "A product is a part; use type service for labour and fees.")
    elif item_type == "service" and kind not in ("service", "labour", "fee"):
        fail("kind", "A service is labour, a fee or a service; use type product for parts.")
    values = {
        "name": raw.get("name", ""),
        "kind": kind,
        "unit": raw.get("unit", "").strip(),
        "group": raw.get("group", "").strip(),
        # Absent or empty: the books' currency, as for an item made on its page.
        "currency": raw.get("currency", "").strip().upper() or None,
        "vat_rate": raw.get("vat_rate", "").strip().rstrip("%").strip(),
        "price": raw.get("price", "").strip(),
        "sku": raw.get("sku", "").strip(),
        "rate_kind": raw.get("rate_kind", "").strip().lower(),
    }
    if values["unit"] not in units:
        fail("unit", f"Unknown unit {values['unit']!r}; add it in the catalog settings first.")
    if kind == "labour" and not values["rate_kind"]:
        fail("rate_kind", "Labour needs a rate kind: normal, overtime or travel.")
    for key, limit in (("name", 200), ("group", 100), ("sku", 64)):
        if len(values[key]) > limit:
            fail(key, f"Use at most {limit} characters.")
    if values["currency"] is None:
        del values["currency"]
    errors = Errors()
    clean = clean_item_values(values, errors, creating=True, currency=currency)
    for key, messages in errors.fields.items():
        for message in messages:
            fail(key, message)
    return clean


def _plan(data: bytes | str) -> ImportReport:
    header, rows = _read(decode(data))
    report = ImportReport()
    units, currency = unit_codes(), books_currency()
    skus = [r.get("sku", "").strip() for _, r in rows if r.get("sku", "").strip()]
    existing = (
        set(db.session.scalars(select(CatalogItem.sku).where(CatalogItem.sku.in_(skus))))
        if skus
        else set()
    )
    seen: dict[str, int] = {}
    for number, raw in rows:
        clean = _clean_row(number, raw, header, report, units, currency)
        sku = clean.get("sku")
        if sku and sku in seen:
            report.errors.append(
                RowError(number, _column_name(header, "sku"), f"SKU {sku} repeats row {seen[sku]}.")
            )
        if sku:
            seen.setdefault(sku, number)
        report.rows.append(ImportRow(number, "update" if sku in existing else "create", clean))
    if not rows:
        report.errors.append(RowError(0, "file", "The file has a header but no rows."))
    return report


def preview_catalog_import(actor: Any, data: bytes | str) -> ImportReport:
    """What an import would do, row by row, and every error; writes nothing."""
    try:
        return _plan(data)
    except CatalogImportFailed as failed:
        return ImportReport(errors=failed.errors)


@use_case
def import_catalog(actor: Any, data: bytes | str) -> ImportReport:
    """Create or update (by SKU) every row, or, if any row is wrong, nothing at all."""
    report = _plan(data)
    if report.errors:
        raise CatalogImportFailed(report.errors)
    skus = [r.values["sku"] for r in report.rows if r.action == "update"]
    by_sku = (
        {
            item.sku: item
            for item in db.session.scalars(select(CatalogItem).where(CatalogItem.sku.in_(skus)))
        }
        if skus
        else {}
    )
    for row in report.rows:
        if row.action == "update":
            item = by_sku[row.values["sku"]]
            for key, value in row.values.items():
                setattr(item, key, value)
            item.active = True
        else:
            db.session.add(CatalogItem(**row.values))
    db.session.flush()
    return report
