"""The draft editor's form: header fields and a grid of `lines-<n>-<field>` inputs.

Blank rows are ignored. Service errors name lines by their position among the kept rows
(`lines[1].quantity`); `error_key` maps them back to the grid's input names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.core.money import InvalidNumber, to_decimal
from app.core.search import typed_id
from app.invoicing.calculations import LineInput, Totals, compute_totals

LINE_INPUTS = [
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "vat_rate",
    "kind",
    "catalog_item_id",
]
HEADER_INPUTS = [
    "invoice_date",
    "due_date",
    "reference",
    "notes",
    "terms",
    "discount_kind",
    "discount_value",
]
ROW = re.compile(r"^lines-(\d{1,4})-description$")
SERVICE_KEY = re.compile(r"^lines\[(\d+)\]\.(\w+)$")


@dataclass
class DraftForm:
    header: dict[str, Any]
    rows: list[dict[str, str]]  # every grid row as typed, with its `index`
    kept: list[int] = field(default_factory=list)  # grid indices of the non-blank rows

    def lines(self) -> list[dict[str, Any]]:
        out = []
        for row in self.rows:
            if row["index"] not in self.kept:
                continue
            line: dict[str, Any] = {k: row[k] for k in LINE_INPUTS if k != "catalog_item_id"}
            item = row.get("catalog_item_id", "")
            line["catalog_item_id"] = typed_id(item)
            line_id = typed_id(row.get("line_id", ""))
            if line_id:
                line["id"] = line_id  # keeps the line's link to its service order
            out.append(line)
        return out

    def error_key(self, key: str) -> str:
        match = SERVICE_KEY.match(key)
        if not match or int(match.group(1)) >= len(self.kept):
            return key
        return f"lines-{self.kept[int(match.group(1))]}-{match.group(2)}"


def parse_draft(form: Any) -> DraftForm:
    indices = sorted({int(m.group(1)) for key in form for m in [ROW.match(key)] if m})
    rows = []
    kept = []
    for index in indices:
        row = {name: str(form.get(f"lines-{index}-{name}", "")).strip() for name in LINE_INPUTS}
        row["line_id"] = str(form.get(f"lines-{index}-line_id", "")).strip()
        row["index"] = index  # type: ignore[assignment]
        rows.append(row)
        if row["description"] or row["quantity"] or row["unit_price"]:
            kept.append(index)
    header = {name: str(form.get(name, "")).strip() for name in HEADER_INPUTS}
    return DraftForm(header=header, rows=rows, kept=kept)


def service_header(header: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Header values as the service takes them; blank dates are left to the service's defaults."""
    values: dict[str, Any] = {}
    for name in ("invoice_date", "due_date"):
        if header.get(name):
            values[name] = header[name]
        elif creating:
            values[name] = None
    for name in ("reference", "notes", "terms"):
        values[name] = header.get(name, "")
    # A value left beside "no discount" is refused by the service, never dropped unseen.
    values["discount_kind"] = header.get("discount_kind") or None
    values["discount_value"] = header.get("discount_value") or None
    return values


def preview_totals(
    draft: DraftForm, default_vat: Decimal
) -> tuple[Totals, dict[int, Decimal | None]]:
    """Totals of the rows that parse, by the same `compute_totals` posting uses.

    Rows that do not parse yet (half typed) are left out and get no net; the saved draft is
    validated by the service in full.
    """
    inputs: list[LineInput] = []
    owners: list[int] = []
    nets: dict[int, Decimal | None] = {}
    for row in draft.rows:
        index = int(row["index"])
        nets[index] = None
        if index not in draft.kept:
            continue
        try:
            quantity = to_decimal(row["quantity"], places=3)
            price = to_decimal(row["unit_price"], places=2)
            discount = to_decimal(row["discount_percent"] or "0", places=2)
            vat = to_decimal(row["vat_rate"], places=2) if row["vat_rate"] else default_vat
        except InvalidNumber:
            continue
        if quantity <= 0 or price < 0 or not 0 <= discount <= 100 or not 0 <= vat <= 100:
            continue
        kind = row["kind"] if row["kind"] in ("labour", "parts", "other") else "other"
        inputs.append(LineInput(quantity, price, discount, vat, kind))
        owners.append(index)
    discount_value = None
    kind = draft.header.get("discount_kind") or None
    if kind in ("percent", "amount") and draft.header.get("discount_value"):
        try:
            discount_value = to_decimal(draft.header["discount_value"], places=2)
        except InvalidNumber:
            kind = None
    totals = compute_totals(inputs, kind, discount_value)
    for index, net in zip(owners, totals.line_nets, strict=True):
        nets[index] = net
    return totals, nets
