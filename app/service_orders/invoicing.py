"""From done orders to a draft invoice, and keeping orders in step with their invoice.

One draft bills one or several done orders of one customer: labour per rate kind in billed
decimal hours at the catalog labour price, the call-out fee, and every part net of returns;
each line names the order it came from. Deleting the draft puts the orders back in the
queue; posting it makes them invoiced (listeners on app.invoicing.events).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.catalog.models import CatalogItem
from app.company.models import Company
from app.company.services import get_company
from app.core import clock
from app.core.db import use_case
from app.core.errors import Errors, InvalidTransition, NotFound, ValidationFailed
from app.customers.models import Customer
from app.extensions import db
from app.invoicing import events
from app.invoicing.models import Invoice
from app.invoicing.operations import PostingDraft, copy_lines, load_invoice, replace_lines
from app.invoicing.services import build_draft, delete_draft
from app.service_orders.billing import Entry, Policy, billed_minutes, spread_hours
from app.service_orders.models import PartUsage, ServiceOrder, TimeEntry
from app.service_orders.operations import load_order, require_role, transition

BILLING_ROLES = ("admin", "dispatcher", "bookkeeper")
MAX_ORDERS_PER_INVOICE = 100
DRAFT_LINE = re.compile(r"lines\[(\d+)\]")


class AlreadyInvoiced(InvalidTransition):
    code = "already_invoiced"


def policy_of(company: Company) -> Policy:
    return Policy(
        rounding_minutes=company.time_rounding_minutes or 1,
        scope=company.time_rounding_scope or "order",
        minimum_minutes=company.minimum_billable_minutes or 0,
    )


def order_billed_minutes(order: ServiceOrder, policy: Policy | None = None) -> dict[str, int]:
    """Billed minutes per rate kind for the order's stopped entries (actual time untouched)."""
    policy = policy or policy_of(get_company())
    entries = [Entry(e.rate_kind, e.minutes) for e in order.time_entries if not e.running]
    return billed_minutes(entries, policy)


@dataclass
class QueueGroup:
    """Done orders of one customer waiting for an invoice."""

    customer: Customer
    orders: list[ServiceOrder] = field(default_factory=list)


def list_invoicing_queue(actor: Any) -> list[QueueGroup]:
    """The "requires invoicing" queue: done orders with no draft yet, grouped by customer."""
    require_role(actor, *BILLING_ROLES)
    orders = db.session.scalars(
        select(ServiceOrder)
        .join(ServiceOrder.customer)
        .where(ServiceOrder.state == "done", ServiceOrder.invoice_id.is_(None))
        .order_by(Customer.name, Customer.id, ServiceOrder.completed_at, ServiceOrder.id)
    ).all()
    groups: dict[int, QueueGroup] = {}
    for order in orders:
        groups.setdefault(order.customer_id, QueueGroup(order.customer)).orders.append(order)
    return list(groups.values())


def _listed_orders(actor: Any, order_ids: list[int], lock: bool) -> list[ServiceOrder]:
    """The orders a request names. An unknown id is the request's fault (422 naming its place
    in the list), not a missing page. Locked in id order so two dispatchers invoicing
    overlapping sets cannot deadlock."""
    orders, unknown = [], {}
    for order_id in sorted(set(order_ids)):
        try:
            orders.append(load_order(actor, order_id, for_update=lock))
        except NotFound:
            unknown[f"order_ids[{order_ids.index(order_id)}]"] = [f"No service order {order_id}."]
    if unknown:
        raise ValidationFailed(unknown)
    return orders


def _refuse_repeats(order_ids: list[int], orders: list[ServiceOrder]) -> None:
    """An order listed twice is a mistake in the request (a double click, a merged list), not
    something to tidy away: the caller may have meant another order."""
    reference = {o.id: o.reference for o in orders}
    repeats = {
        f"order_ids[{i}]": [f"{reference[order_id]} is listed twice."]
        for i, order_id in enumerate(order_ids)
        if order_id in order_ids[:i]
    }
    if repeats:
        raise ValidationFailed(repeats)


def _load_for_invoicing(actor: Any, order_ids: Any, *, lock: bool = True) -> list[ServiceOrder]:
    if (
        not isinstance(order_ids, list | tuple)
        or not order_ids
        or any(not isinstance(i, int) or isinstance(i, bool) for i in order_ids)
    ):
        raise ValidationFailed({"order_ids": ["Choose one or more done orders."]})
    if len(order_ids) > MAX_ORDERS_PER_INVOICE:
        raise ValidationFailed(
            {"order_ids": [f"At most {MAX_ORDERS_PER_INVOICE} orders per invoice."]}
        )
    orders = _listed_orders(actor, order_ids, lock)
    _refuse_repeats(order_ids, orders)
    for order in orders:
        if order.state == "invoiced" or order.invoice_id is not None:
            raise AlreadyInvoiced(
                f"{order.reference} is already on invoice #{order.invoice_id}; "
                "an order is invoiced once.",
                field="order_ids",
            )
        if order.state != "done":
            transition_name = order.state.replace("_", " ")
            raise InvalidTransition(
                f"{order.reference} is {transition_name}; only done orders can be invoiced.",
                field="order_ids",
            )
    customers = {o.customer_id for o in orders}
    if len(customers) > 1:
        names = ", ".join(f"{o.reference} ({o.customer.name})" for o in orders)
        raise ValidationFailed(
            {
                "order_ids": [
                    f"One invoice bills one customer; these orders belong to "
                    f"different customers: {names}."
                ]
            }
        )
    return orders


def _labour_items(kinds: set[str], errors: Errors) -> dict[str, CatalogItem]:
    items: dict[str, CatalogItem] = {}
    for kind in sorted(kinds):
        item = db.session.scalars(
            select(CatalogItem)
            .where(
                CatalogItem.kind == "labour",
                CatalogItem.rate_kind == kind,
                CatalogItem.active.is_(True),
            )
            .order_by(CatalogItem.id)
            .limit(1)
        ).first()
        if item is None:
            errors.add(
                "order_ids",
                f"The catalog has no active labour item with rate kind {kind!r}; add one "
                "so the hours can be priced.",
            )
        else:
            items[kind] = item
    return items


def _part_lines(order: ServiceOrder, currency: str, errors: Errors) -> list[dict[str, Any]]:
    returned: dict[int, Decimal] = defaultdict(Decimal)
    for usage in order.parts:
        if usage.returns_usage_id is not None:
            returned[usage.returns_usage_id] += -usage.quantity
    lines = []
    for usage in order.parts:
        if usage.returns_usage_id is not None:
            continue
        quantity = usage.quantity - returned[usage.id]
        if quantity <= 0:
            continue
        if usage.unit_price is None:
            errors.add(
                "order_ids", f"{order.reference}: price the free line {usage.description!r}."
            )
            continue
        if usage.currency != currency:
            errors.add(
                "order_ids",
                f"{order.reference}: {usage.description!r} is priced in {usage.currency}, "
                f"the invoice in {currency}.",
            )
        lines.append(
            {
                "description": f"{usage.description} ({order.reference})",
                "quantity": quantity,
                "unit": usage.unit,
                "unit_price": usage.unit_price,
                "vat_rate": usage.vat_rate,
                "kind": usage.line_kind,
                "catalog_item_id": usage.catalog_item_id,
                "source_order_id": order.id,
            }
        )
    return lines


def _fee_line(order: ServiceOrder) -> list[dict[str, Any]]:
    item = order.call_out_item
    if item is None:
        return []
    return [
        {
            "description": f"{item.name} ({order.reference})",
            "quantity": Decimal(1),
            "unit": item.unit,
            "unit_price": item.price,
            "vat_rate": item.vat_rate,
            "kind": "other",
            "catalog_item_id": item.id,
            "source_order_id": order.id,
        }
    ]


def build_order_lines(orders: list[ServiceOrder], company: Company) -> list[dict[str, Any]]:
    """The draft's lines: per order, labour by rate kind, then the call-out fee, then parts.

    Hours of one rate kind are spread over the orders with a running total, so the invoice's
    hours at each rate equal the sum of the orders' billed minutes, exactly, in hours.
    """
    errors = Errors()
    policy = policy_of(company)
    billed = {order.id: order_billed_minutes(order, policy) for order in orders}
    labour = _labour_items({k for minutes in billed.values() for k in minutes}, errors)
    hours: dict[tuple[int, str], Decimal] = {}
    for kind in labour:
        keys = [(o.id, kind) for o in orders if kind in billed[o.id]]
        spread = spread_hours([billed[oid][k] for oid, k in keys])
        hours.update(zip(keys, spread, strict=True))
    lines: list[dict[str, Any]] = []
    for order in orders:
        for kind, item in labour.items():
            if (order.id, kind) not in hours:
                continue
            if item.currency != company.currency:
                errors.add("order_ids", f"{item.name} is priced in {item.currency}.")
            lines.append(
                {
                    "description": f"{item.name} ({order.reference})",
                    "quantity": hours[(order.id, kind)],
                    "unit": "h",
                    "unit_price": item.price,
                    "vat_rate": item.vat_rate,
                    "kind": "labour",
                    "catalog_item_id": item.id,
                    "source_order_id": order.id,
                }
            )
        lines.extend(_fee_line(order))
        lines.extend(_part_lines(order, company.currency, errors))
        if not any(line["source_order_id"] == order.id for line in lines):
            errors.add("order_ids", f"{order.reference} has no time, parts or fee to bill.")
    errors.raise_if_any()
    return lines


@use_case
def invoice_orders(actor: Any, order_ids: list[int], *, invoice_date: date | None = None) -> Any:
    """One draft invoice for one or several done orders of the same customer."""
    require_role(actor, *BILLING_ROLES)
    orders = _load_for_invoicing(actor, order_ids)
    company = get_company()
    lines = build_order_lines(orders, company)
    references = ", ".join(o.reference for o in orders)
    header: dict[str, Any] = {
        "customer_id": orders[0].customer_id,
        "notes": f"Service orders: {references}.",
    }
    if invoice_date is not None:
        header["invoice_date"] = invoice_date
    sources = [line.pop("source_order_id") for line in lines]
    for line in lines:
        line["quantity"] = str(line["quantity"])
    try:
        invoice = build_draft(actor, lines=lines, **header)
    except ValidationFailed as error:
        raise _in_request_terms(error, order_ids, orders, lines, sources) from None
    # build_draft takes no source ids from callers (mass assignment); set them here.
    for line, source in zip(invoice.lines, sources, strict=True):
        line.source_order_id = source
    invoice.from_service_orders = True  # posting and deleting the draft tell its orders
    for order in orders:
        order.invoice_id = invoice.id
    db.session.flush()
    return invoice


def _in_request_terms(
    error: ValidationFailed,
    order_ids: list[int],
    orders: list[ServiceOrder],
    lines: list[dict[str, Any]],
    sources: list[int],
) -> ValidationFailed:
    """The draft's refusals name its fields (`lines[3].unit_price`), which this request does
    not have: name the order's place in `order_ids` and the line instead."""
    by_id = {o.id: o for o in orders}
    references = ", ".join(o.reference for o in orders)
    fields: dict[str, list[str]] = {}
    for name, messages in error.fields.items():
        match = DRAFT_LINE.match(name)
        if name == "invoice_date":
            key, prefix = name, ""
        elif match and int(match[1]) < len(lines):
            order = by_id[sources[int(match[1])]]
            description = lines[int(match[1])]["description"].removesuffix(f" ({order.reference})")
            key = f"order_ids[{order_ids.index(order.id)}]"
            prefix = f"{order.reference}: the line {description!r}: "
        else:
            key, prefix = "order_ids", f"Invoicing {references}: "
        fields.setdefault(key, []).extend(prefix + message for message in messages)
    return ValidationFailed(fields)


def preview_invoice_lines(actor: Any, order_ids: list[int]) -> list[dict[str, Any]]:
    """The lines invoice_orders would create, for the dispatcher to check; writes nothing.
    Raises the same refusals as invoice_orders."""
    require_role(actor, *BILLING_ROLES)
    orders = _load_for_invoicing(actor, order_ids, lock=False)
    return build_order_lines(orders, get_company())


@use_case
def invoice_order(actor: Any, order_id: int, *, invoice_date: date | None = None) -> Any:
    return invoice_orders(actor, [order_id], invoice_date=invoice_date)


def detach_from_draft(actor: Any, order: ServiceOrder) -> None:
    """Take a re-opened order off its draft: drop its lines; an emptied draft is deleted."""
    invoice = load_invoice(order.invoice_id, for_update=True)
    if invoice.state != "draft":
        raise AlreadyInvoiced(f"{order.reference} is on posted invoice {invoice.number}.")
    remaining = [line for line in copy_lines(invoice) if line["source_order_id"] != order.id]
    order.invoice_id = None
    db.session.flush()
    if remaining:
        replace_lines(invoice, remaining)
    else:
        delete_draft(actor, invoice.id)


def _linked_orders(invoice_id: int) -> list[ServiceOrder]:
    return list(
        db.session.scalars(select(ServiceOrder).where(ServiceOrder.invoice_id == invoice_id))
    )


def on_draft_deleted(invoice: Invoice, **_: Any) -> None:
    """The draft is gone: its orders return to the "requires invoicing" queue."""
    if not invoice.from_service_orders:
        return
    for order in _linked_orders(invoice.id):
        order.invoice_id = None
    db.session.flush()


def on_posting(invoice: PostingDraft, **_: Any) -> None:
    """The invoice is being posted: its orders are invoiced. An order whose lines were all
    removed from the draft before posting was not billed by it and goes back to the queue."""
    if invoice.doc_type != "invoice" or not invoice.from_service_orders:
        return
    billed = {line.source_order_id for line in invoice.lines}
    for order in _linked_orders(invoice.id):
        if order.id in billed:
            transition(order, "mark_invoiced")
            order.invoiced_at = clock.now_utc()
        else:
            order.invoice_id = None
    db.session.flush()


def register_listeners() -> None:
    """Called once by create_app; listen() ignores a second registration."""
    events.listen("draft_deleted", on_draft_deleted)
    events.listen("posting", on_posting)


def unbilled_time_entries(order: ServiceOrder) -> list[TimeEntry]:
    return [e for e in order.time_entries if not e.running]


def net_parts(order: ServiceOrder) -> list[tuple[PartUsage, Decimal]]:
    """Each use with what is left after its returns (returns themselves are not listed)."""
    returned: dict[int, Decimal] = defaultdict(Decimal)
    for usage in order.parts:
        if usage.returns_usage_id is not None:
            returned[usage.returns_usage_id] += -usage.quantity
    return [(u, u.quantity - returned[u.id]) for u in order.parts if u.returns_usage_id is None]
