"""Parts used on an order: catalog items (price snapshot at use) or free lines, and returns.

A return is a negative quantity against an earlier use and can never exceed what is left of
that use. Technicians never set or see prices: a free line they add is priced by the office
before the order is completed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from app.catalog.models import CatalogItem
from app.company.services import get_company
from app.core.db import use_case
from app.core.errors import Errors, Forbidden, NotFound, ValidationFailed
from app.core.money import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    InvalidNumber,
    money,
    round_money,
    to_decimal,
)
from app.extensions import db
from app.service_orders.models import PartUsage, ServiceOrder
from app.service_orders.operations import (
    OFFICE_ROLES,
    WORK_ROLES,
    ensure_work_open,
    insert_once,
    is_technician,
    load_order,
    mark_work_changed,
    require_role,
    start_if_scheduled,
)
from app.service_orders.time_rules import clean_client_id, clean_note

MAX_VAT_RATE = Decimal(100)
LABELS = {"unit_price": "unit price", "vat_rate": "VAT rate"}
LINE_KINDS = {"part": "parts", "labour": "labour"}


def _quantity(value: Any, errors: Errors) -> Decimal | None:
    try:
        number = to_decimal(value, places=3)
    except InvalidNumber as exc:
        errors.add("quantity", f"Quantity {exc}.")
        return None
    if number <= 0:
        errors.add("quantity", "Enter a quantity above 0.")
        return None
    if number > MAX_QUANTITY:
        errors.add("quantity", f"A quantity can be at most {MAX_QUANTITY:,}.")
        return None
    return number


def _price(
    value: Any, field: str, errors: Errors, high: Decimal = MAX_UNIT_PRICE
) -> Decimal | None:
    label = LABELS[field]
    try:
        number = money(value)
    except InvalidNumber as exc:
        errors.add(field, f"{label[0].upper()}{label[1:]} {exc}.")
        return None
    if number < 0 or number > high:
        errors.add(field, f"Enter a {label} from 0 to {high:,}.")
        return None
    return number


def check_line_net(
    quantity: Decimal | None, unit_price: Decimal | None, field: str, errors: Errors
) -> None:
    """A line is invoiced as quantity x unit price, and an invoice line is capped: a part
    worth more could be recorded but never invoiced. `quantity` is what is left after returns."""
    if quantity is None or unit_price is None or {"quantity", "unit_price"} & set(errors.fields):
        return  # unpriced, or refused already with its own reason
    net = round_money(quantity * unit_price)
    if net > MAX_AMOUNT:
        errors.add(
            field,
            f"The line comes to {net:,}; a line can be at most {MAX_AMOUNT:,}. "
            "Lower the quantity or the unit price.",
        )


def _replayed(actor: Any, client_id: str | None) -> PartUsage | None:
    if client_id is None:
        return None
    usage = db.session.scalar(select(PartUsage).where(PartUsage.client_id == client_id))
    if usage is not None:
        load_order(actor, usage.order_id)
    return usage


def _from_catalog(item_id: Any, errors: Errors) -> dict[str, Any]:
    item = (
        db.session.get(CatalogItem, item_id)
        if isinstance(item_id, int) and not isinstance(item_id, bool)
        else None
    )
    if item is None or not item.active:
        errors.add("catalog_item_id", "Choose an item from the catalog.")
        return {}
    return {
        "catalog_item_id": item.id,
        "description": item.name,
        "sku": item.sku or "",
        "unit": item.unit,
        "unit_price": item.price,
        "vat_rate": item.vat_rate,
        "currency": item.currency,
        "line_kind": LINE_KINDS.get(item.kind, "other"),
    }


def _free_line(actor: Any, values: dict[str, Any], errors: Errors) -> dict[str, Any]:
    description = str(values.get("description") or "").strip()
    if not description:
        errors.add("description", "Describe the part, or choose one from the catalog.")
    line: dict[str, Any] = {
        "description": description[:2000],
        "unit": str(values.get("unit") or "pcs").strip()[:20],
        "currency": get_company().currency,
        "line_kind": "parts",
    }
    for field in ("unit_price", "vat_rate"):
        if values.get(field) in (None, ""):
            continue
        if is_technician(actor):
            errors.add(field, "The office prices free lines.")
            continue
        high = MAX_VAT_RATE if field == "vat_rate" else MAX_UNIT_PRICE
        line[field] = _price(values[field], field, errors, high)
    if "unit_price" in line and "vat_rate" not in line:
        line["vat_rate"] = get_company().default_vat_rate
    return line


@use_case
def add_part(
    actor: Any,
    order_id: int,
    *,
    quantity: Any,
    catalog_item_id: int | None = None,
    description: str | None = None,
    unit: str | None = None,
    unit_price: Any = None,
    vat_rate: Any = None,
    client_id: str | None = None,
    note: str = "",
) -> PartUsage:
    """A catalog part (its price copied now, so later price changes do not touch this job)
    or a free line (priced by the office)."""
    errors = Errors()
    client = clean_client_id(client_id, errors)
    errors.raise_if_any()
    replay = _replayed(actor, client)
    if replay is not None:
        return replay
    order = load_order(actor, order_id, for_update=True)
    amount = _quantity(quantity, errors)
    if catalog_item_id is not None:
        values = _from_catalog(catalog_item_id, errors)
        if is_technician(actor) and (unit_price not in (None, "") or vat_rate not in (None, "")):
            errors.add("unit_price", "Prices come from the catalog.")
    else:
        values = _free_line(
            actor,
            {
                "description": description,
                "unit": unit,
                "unit_price": unit_price,
                "vat_rate": vat_rate,
            },
            errors,
        )
    check_line_net(amount, values.get("unit_price"), "quantity", errors)
    note = clean_note(note, errors)
    errors.raise_if_any()
    ensure_work_open(actor, order)
    start_if_scheduled(order)
    mark_work_changed(order)
    usage = PartUsage(
        order_id=order.id,
        client_id=client,
        quantity=amount,
        note=note,
        created_by_id=actor.id,
        **values,
    )
    return insert_once(usage)


def _find_usage(usage_id: Any) -> PartUsage | None:
    key = usage_id if isinstance(usage_id, int) and not isinstance(usage_id, bool) else None
    return db.session.get(PartUsage, key) if key else None


def get_order_part(actor: Any, order_id: Any, usage_id: Any, *, lock: bool = False) -> PartUsage:
    """A line of the order the actor may see; a line of another order does not exist here."""
    order = load_order(actor, order_id, for_update=lock)
    usage = _find_usage(usage_id)
    if usage is None or usage.order_id != order.id:
        raise NotFound("No such part line on this order.", field="part_id")
    return usage


def get_part_usage(actor: Any, usage_id: Any) -> PartUsage:
    usage = _find_usage(usage_id)
    if usage is None:
        raise NotFound("No such part line.", field="usage_id")
    load_order(actor, usage.order_id)
    return usage


def returned_quantity(usage_id: int) -> Decimal:
    total = db.session.scalar(
        select(func.coalesce(func.sum(PartUsage.quantity), 0)).where(
            PartUsage.returns_usage_id == usage_id
        )
    )
    return -Decimal(total or 0)


@use_case
def return_part(
    actor: Any, usage_id: int, *, quantity: Any, client_id: str | None = None, note: str = ""
) -> PartUsage:
    """Give back (part of) an earlier use: stored as a negative quantity against it."""
    errors = Errors()
    client = clean_client_id(client_id, errors)
    errors.raise_if_any()
    replay = _replayed(actor, client)
    if replay is not None:
        return replay
    used = get_part_usage(actor, usage_id)
    order: ServiceOrder = load_order(actor, used.order_id, for_update=True)
    amount = _quantity(quantity, errors)
    if used.is_return:
        errors.add("usage_id", "Choose the part as used, not a return.")
    note = clean_note(note, errors)
    errors.raise_if_any()
    assert amount is not None
    left = used.quantity - returned_quantity(used.id)
    if amount > left:
        raise ValidationFailed(
            {
                "quantity": [
                    f"Only {left.normalize():f} {used.unit} of {used.description} "
                    "were used and not yet returned."
                ]
            }
        )
    ensure_work_open(actor, order)
    mark_work_changed(order)
    usage = PartUsage(
        order_id=order.id,
        client_id=client,
        returns_usage_id=used.id,
        catalog_item_id=used.catalog_item_id,
        description=used.description,
        sku=used.sku,
        unit=used.unit,
        quantity=-amount,
        unit_price=used.unit_price,
        vat_rate=used.vat_rate,
        currency=used.currency,
        line_kind=used.line_kind,
        note=note,
        created_by_id=actor.id,
    )
    return insert_once(usage)


@use_case
def price_part(actor: Any, usage_id: int, *, unit_price: Any, vat_rate: Any = None) -> PartUsage:
    """The office sets (or corrects) the price of a line while validating the order."""
    require_role(actor, *OFFICE_ROLES)
    usage = get_part_usage(actor, usage_id)
    order = load_order(actor, usage.order_id, for_update=True)
    errors = Errors()
    price = _price(unit_price, "unit_price", errors)
    rate = (
        usage.vat_rate
        if vat_rate in (None, "")
        else _price(vat_rate, "vat_rate", errors, MAX_VAT_RATE)
    )
    if usage.is_return:
        errors.add("usage_id", "A return takes the price of the part it returns.")
    check_line_net(usage.quantity - returned_quantity(usage.id), price, "unit_price", errors)
    errors.raise_if_any()
    ensure_work_open(actor, order)
    company = get_company()
    for line in [usage, *_returns_of(usage.id)]:
        line.unit_price = price
        line.vat_rate = rate if rate is not None else company.default_vat_rate
        line.currency = company.currency  # the price just set is in the books' currency
    return usage


def part_lines_in_new_currency(old: str, new: str) -> None:
    """The books' currency changed before any document was issued (a setup correction): part
    lines were priced in the books' currency, so they are read in the new one."""
    db.session.execute(update(PartUsage).where(PartUsage.currency == old).values(currency=new))


def _returns_of(usage_id: int) -> list[PartUsage]:
    return list(db.session.scalars(select(PartUsage).where(PartUsage.returns_usage_id == usage_id)))


EDITABLE = ("quantity", "description", "note", "unit_price", "vat_rate")


@use_case
def edit_part(actor: Any, order_id: int, usage_id: int, **values: Any) -> PartUsage:
    """Correct a line: its quantity or note, a free line's description (whoever records work
    on the order, while `ensure_work_open` allows), its price (the office, as `price_part`).
    A return follows the use it returns and is not edited: remove it and record it again."""
    require_role(actor, *WORK_ROLES)
    usage = get_order_part(actor, order_id, usage_id, lock=True)
    for field in ("unit_price", "vat_rate"):
        if field in values and is_technician(actor):
            raise Forbidden("The office prices part lines.", field=field)
    errors = Errors()
    for field in sorted(set(values) - set(EDITABLE)):
        errors.add(field, "This field cannot be set.")
    if usage.is_return:
        errors.add("part_id", "A return takes its quantity and price from the part it returns.")
    clean = _line_changes(usage, values, errors)
    if not usage.is_return:
        check_line_net(
            clean.get("quantity", usage.quantity) - returned_quantity(usage.id),
            clean.get("unit_price", usage.unit_price),
            "quantity" if "quantity" in clean else "unit_price",
            errors,
        )
    errors.raise_if_any()
    ensure_work_open(actor, usage.order)
    if {"quantity", "description"} & set(clean):
        mark_work_changed(usage.order)
    if "unit_price" in clean and usage.vat_rate is None and "vat_rate" not in clean:
        clean["vat_rate"] = get_company().default_vat_rate
    priced = {k: clean.pop(k) for k in ("unit_price", "vat_rate") if k in clean}
    for line in [usage, *(_returns_of(usage.id) if priced else [])]:
        for key, value in priced.items():
            setattr(line, key, value)
    for key, value in clean.items():
        setattr(usage, key, value)
    return usage


def _line_changes(usage: PartUsage, values: dict[str, Any], errors: Errors) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "quantity" in values and (amount := _quantity(values["quantity"], errors)) is not None:
        returned = returned_quantity(usage.id)
        if amount <= returned:
            errors.add(
                "quantity",
                f"{returned.normalize():f} {usage.unit} were returned already; enter more, "
                "or remove the line.",
            )
        clean["quantity"] = amount
    if "description" in values:
        description = str(values["description"] or "").strip()
        if usage.catalog_item_id is not None:
            errors.add("description", "A catalog part keeps its catalog name.")
        elif not description or len(description) > 2000:
            errors.add("description", "Describe the part in at most 2000 characters.")
        clean["description"] = description
    if "note" in values:
        clean["note"] = clean_note(values["note"], errors)
    for field, high in (("unit_price", MAX_UNIT_PRICE), ("vat_rate", MAX_VAT_RATE)):
        if field in values:
            clean[field] = _price(values[field], field, errors, high)
    return clean


@use_case
def remove_part(actor: Any, usage_id: int, *, order_id: int | None = None) -> None:
    """Delete a line entered by mistake; removing a use removes its returns with it. With
    `order_id`, the line must be on that order."""
    if order_id is None:
        order_id = get_part_usage(actor, usage_id).order_id
    usage = get_order_part(actor, order_id, usage_id, lock=True)
    order = usage.order
    ensure_work_open(actor, order)
    mark_work_changed(order)
    for line in _returns_of(usage.id):
        db.session.delete(line)
    db.session.flush()
    db.session.delete(usage)
    db.session.flush()
