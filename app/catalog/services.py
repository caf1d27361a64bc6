"""Creating, changing and searching catalog items."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select, update

from app.catalog.models import ITEM_KINDS, RATE_KINDS, CatalogItem
from app.company.services import books_currency
from app.core.db import use_case
from app.core.errors import Errors, NotFound
from app.core.money import MAX_UNIT_PRICE, InvalidNumber, foreign_currency_refusal, money
from app.core.search import contains_text
from app.extensions import db

CURRENCY_CODE = re.compile(r"[A-Z]{3}")
FIELDS = [
    "sku",
    "name",
    "kind",
    "rate_kind",
    "unit",
    "price",
    "vat_rate",
    "currency",
    "group",
    "barcode",
    "active",
]
# Highest value and its name per priced field: a price must fit an invoice line, so that
# anything the catalog stores can be invoiced.
CAPS = {"price": (MAX_UNIT_PRICE, "price"), "vat_rate": (Decimal(100), "VAT rate")}
# What a list of items can be sorted by (API `sort`). Not the price: technicians see no money,
# and an order by price would tell them how items compare.
ITEM_SORTS = {
    "name": CatalogItem.name,
    "sku": CatalogItem.sku,
    "kind": CatalogItem.kind,
    "group": CatalogItem.group,
    "id": CatalogItem.id,
}


def get_item(item_id: int) -> CatalogItem:
    item = db.session.get(CatalogItem, item_id) if isinstance(item_id, int) else None
    if item is None:
        raise NotFound("No such catalog item.", field="catalog_item_id")
    return item


def search_items(q: str = "", kind: str | None = None) -> Any:
    stmt = select(CatalogItem).where(CatalogItem.active.is_(True)).order_by(CatalogItem.name)
    if kind:
        stmt = stmt.where(CatalogItem.kind == kind)
    if q:
        stmt = stmt.where(
            or_(
                contains_text(CatalogItem.name, q),
                contains_text(CatalogItem.sku, q),
                CatalogItem.barcode == q.strip(),
            )
        )
    return stmt


def clean_item_values(
    values: dict[str, Any],
    errors: Errors,
    *,
    creating: bool,
    prefix: str = "",
    item: CatalogItem | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    """Validate item fields; `prefix` lets the CSV import name the row, `item` is the item
    being changed, `currency` the books' currency when many rows are checked."""
    for field in sorted(set(values) - set(FIELDS)):
        errors.add(prefix + field, "This field cannot be set.")
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in FIELDS}
    if (creating or "name" in clean) and not clean.get("name"):
        errors.add(prefix + "name", "Enter a name.")
    if (creating or "kind" in clean) and clean.get("kind") not in ITEM_KINDS:
        errors.add(prefix + "kind", f"Choose one of: {', '.join(ITEM_KINDS)}.")
    if clean.get("rate_kind") not in (None, "", *RATE_KINDS):
        errors.add(prefix + "rate_kind", f"Choose one of: {', '.join(RATE_KINDS)}.")
    if clean.get("rate_kind") == "":
        clean["rate_kind"] = None
    if clean.get("sku") == "":
        clean["sku"] = None
    kind = clean.get("kind", item.kind if item else None)
    rate_kind = clean.get("rate_kind", item.rate_kind if item else None)
    if rate_kind in RATE_KINDS and kind in ITEM_KINDS and kind != "labour":
        # Time entries are billed at the labour item of their rate kind; on a part or fee the
        # rate kind would mean nothing.
        errors.add(prefix + "rate_kind", "Only labour items have a rate kind; leave it empty.")
    if creating or "currency" in clean:
        books = currency or books_currency()
        clean.setdefault("currency", books)
        if refusal := currency_problem(clean["currency"], books):
            errors.add(prefix + "currency", refusal)
    for field in CAPS:
        if creating and field not in clean:
            errors.add(prefix + field, "Enter a value.")
        elif field in clean:
            clean[field] = _priced(clean[field], field, prefix, errors)
    return clean


def reprice_in_new_currency(old: str, new: str) -> None:
    """The books' currency changed before any document was issued (a setup correction): the
    catalog's prices were typed in the books' currency, so they are read in the new one."""
    db.session.execute(update(CatalogItem).where(CatalogItem.currency == old).values(currency=new))


def items_in_other_currencies(books: str) -> list[str]:
    """Items still priced in another currency than the books' (stored before prices were
    held to it), named by SKU or name, for `flask catalog units` to point out."""
    rows = db.session.execute(
        select(CatalogItem.sku, CatalogItem.name, CatalogItem.currency)
        .where(CatalogItem.currency != books)
        .order_by(CatalogItem.id)
    )
    return [f"{sku or name} ({code})" for sku, name, code in rows]


def currency_problem(code: Any, books: str) -> str | None:
    """Why an item cannot be priced in `code`, or None. Prices are in the books' currency
    only: an invoice line takes the item's price as it stands, and the ledger has no
    exchange rates, so a price in another currency would be billed as if it were in the
    books' currency."""
    if isinstance(code, str) and CURRENCY_CODE.fullmatch(code):
        return foreign_currency_refusal(code, books)
    return f"Enter {books}, the currency the books are kept in (an ISO 4217 code in capitals)."


def _priced(value: Any, field: str, prefix: str, errors: Errors) -> Decimal | None:
    high, label = CAPS[field]
    try:
        number = money(value)
    except InvalidNumber as exc:
        errors.add(prefix + field, f"{label[0].upper()}{label[1:]} {exc}.")
        return None
    if number < 0 or number > high:
        errors.add(prefix + field, f"Enter a {label} from 0 to {high:,}.")
    return number


@use_case
def create_item(actor: Any, **values: Any) -> CatalogItem:
    errors = Errors()
    clean = clean_item_values(values, errors, creating=True)
    if clean.get("sku") and db.session.scalar(
        select(CatalogItem.id).where(CatalogItem.sku == clean["sku"])
    ):
        errors.add("sku", "An item with this SKU exists already.")
    errors.raise_if_any()
    item = CatalogItem(**clean)
    db.session.add(item)
    db.session.flush()
    return item


@use_case
def update_item(actor: Any, item_id: int, **values: Any) -> CatalogItem:
    item = get_item(item_id)
    errors = Errors()
    clean = clean_item_values(values, errors, creating=False, item=item)
    if clean.get("sku") and db.session.scalar(
        select(CatalogItem.id).where(CatalogItem.sku == clean["sku"], CatalogItem.id != item.id)
    ):
        errors.add("sku", "Another item has this SKU already.")
    errors.raise_if_any()
    for key, value in clean.items():
        setattr(item, key, value)
    return item
