"""/api/v1/service-orders: orders, their life cycle, time, parts and invoicing of done orders.

Access is the service layer's: technicians see only their assigned orders (others are 404)
and no money; dispatchers run orders; bookkeepers and dispatchers invoice done orders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response

from app.api.auth import current_user
from app.api.common import ID_PATH, IDEMPOTENCY_PARAM, resource
from app.api.idempotency import respond
from app.api.order_schemas import (
    CancelSchema,
    EmptySchema,
    InvoiceOrdersSchema,
    OrderInSchema,
    OrderListArgs,
    OrderPatchSchema,
    OrderSchema,
    OrderSummarySchema,
    PartInSchema,
    PartPatchSchema,
    PartSchema,
    ScheduleSchema,
    TimeEntryInSchema,
    TimeEntrySchema,
)
from app.api.pagination import page_schema, paginate, sorted_by
from app.api.schemas import InvoiceSchema
from app.service_orders.invoicing import invoice_orders
from app.service_orders.models import ServiceOrder
from app.service_orders.parts import add_part, edit_part, remove_part
from app.service_orders.queries import (
    ORDER_SORTS,
    list_orders,
    order_view,
    part_view,
    time_entry_view,
)
from app.service_orders.services import (
    cancel_order,
    complete_order,
    create_order,
    reopen_order,
    schedule_order,
    start_order,
    update_order,
)
from app.service_orders.timesheets import log_time

blp = resource("service-orders", "/api/v1/service-orders", "Service orders and recorded work.")
ONE = f"/{ID_PATH.format('order_id')}"
PART_LINE = f"{ONE}/parts/{ID_PATH.format('part_id')}"
OrderPage = page_schema(OrderSummarySchema, "ServiceOrderPage")
# Reply schemas built once, not per request.
ORDER_REPLY = OrderSchema()
TIME_ENTRY_REPLY = TimeEntrySchema()
PART_REPLY = PartSchema()
INVOICE_REPLY = InvoiceSchema()


def _view_after(change: Callable[[], Any]) -> Callable[[], dict[str, Any]]:
    """Run a use case on an order, then read the order as the caller may see it."""

    def produce() -> dict[str, Any]:
        order = change()
        return order_view(current_user(), order.id)

    return produce


@blp.route("", methods=["POST"])
@blp.arguments(OrderInSchema())
@blp.response(201, OrderSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def create(data: dict[str, Any]) -> Any:
    """Create an order for a customer (dispatcher, admin)."""
    return respond(201, ORDER_REPLY, _view_after(lambda: create_order(current_user(), **data)))


@blp.route("", methods=["GET"])
@blp.arguments(OrderListArgs(), location="query")
@blp.response(200, OrderPage)
def index(args: dict[str, Any]) -> Any:
    """List orders, newest first unless `sort` says otherwise; technicians get their assigned
    orders only."""
    stmt = list_orders(
        current_user(),
        state=args.get("state"),
        customer_id=args.get("customer_id"),
        technician_id=args.get("technician_id"),
        priority=args.get("priority"),
        q=args["q"],
        scheduled_on=args.get("scheduled_on"),
    )
    stmt = sorted_by(stmt, args["sort"], ORDER_SORTS, ServiceOrder.id.desc())
    return paginate(stmt, args, OrderSummarySchema(many=True).dump)


@blp.route(ONE, methods=["GET"])
@blp.response(200, OrderSchema)
def show(order_id: int) -> Any:
    """Read an order with its time, parts and sign-off (no money for technicians)."""
    return order_view(current_user(), order_id)


@blp.route(ONE, methods=["PATCH"])
@blp.arguments(OrderPatchSchema())
@blp.response(200, OrderSchema)
def patch(data: dict[str, Any], order_id: int) -> Any:
    """Change description, priority, site, contact or call-out fee (dispatcher, admin)."""
    order = update_order(current_user(), order_id, **data)
    return order_view(current_user(), order.id)


@blp.route(f"{ONE}/schedule", methods=["POST"])
@blp.arguments(ScheduleSchema())
@blp.response(200, OrderSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def schedule(data: dict[str, Any], order_id: int) -> Any:
    """Set the visit window and the technicians (new or scheduled)."""
    return respond(
        200, ORDER_REPLY, _view_after(lambda: schedule_order(current_user(), order_id, **data))
    )


def _transition(action: Callable[..., Any], order_id: int, **values: Any) -> Any:
    return respond(
        200, ORDER_REPLY, _view_after(lambda: action(current_user(), order_id, **values))
    )


@blp.route(f"{ONE}/start", methods=["POST"])
@blp.arguments(EmptySchema())
@blp.response(200, OrderSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def start(data: dict[str, Any], order_id: int) -> Any:
    """The technician is on site: scheduled -> in progress."""
    return _transition(start_order, order_id)


@blp.route(f"{ONE}/complete", methods=["POST"])
@blp.arguments(EmptySchema())
@blp.response(200, OrderSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def complete(data: dict[str, Any], order_id: int) -> Any:
    """Hours and parts checked: in progress -> done (dispatcher, admin)."""
    return _transition(complete_order, order_id)


@blp.route(f"{ONE}/reopen", methods=["POST"])
@blp.arguments(EmptySchema())
@blp.response(200, OrderSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def reopen(data: dict[str, Any], order_id: int) -> Any:
    """Back to in progress until its invoice is posted; leaves a draft invoice."""
    return _transition(reopen_order, order_id)


@blp.route(f"{ONE}/cancel", methods=["POST"])
@blp.arguments(CancelSchema())
@blp.response(200, OrderSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def cancel(data: dict[str, Any], order_id: int) -> Any:
    """Call the order off (new or scheduled)."""
    return _transition(cancel_order, order_id, reason=data.get("reason", ""))


@blp.route(f"{ONE}/time-entries", methods=["POST"])
@blp.arguments(TimeEntryInSchema())
@blp.response(201, TimeEntrySchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def log(data: dict[str, Any], order_id: int) -> Any:
    """Record finished work: started_at and ended_at, or minutes (on work_date)."""
    values = dict(data)
    if values.get("client_id") is not None:
        values["client_id"] = str(values["client_id"])
    return respond(
        201,
        TIME_ENTRY_REPLY,
        lambda: time_entry_view(log_time(current_user(), order_id, **values)),
    )


@blp.route(f"{ONE}/parts", methods=["POST"])
@blp.arguments(PartInSchema())
@blp.response(201, PartSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def part(data: dict[str, Any], order_id: int) -> Any:
    """Record a catalog part or a free line (priced by the office) used on the order."""
    values = dict(data)
    if values.get("client_id") is not None:
        values["client_id"] = str(values["client_id"])
    user = current_user()
    return respond(
        201,
        PART_REPLY,
        lambda: part_view(add_part(user, order_id, **values), with_money=user.sees_money),
    )


@blp.route(PART_LINE, methods=["PATCH"])
@blp.arguments(PartPatchSchema())
@blp.response(200, PartSchema)
def patch_part(data: dict[str, Any], order_id: int, part_id: int) -> Any:
    """Correct a part line: quantity, note, a free line's description, or its price.

    Whoever records work on the order may change quantity, note and description while the
    order is open to them (technicians: scheduled or in progress; the office: also done, until
    it is on an invoice; otherwise 409). Prices are for dispatchers and admins (403).
    Another order's line, or an order a technician is not assigned to, is 404. A return line
    cannot be edited: remove it instead."""
    user = current_user()
    usage = edit_part(user, order_id, part_id, **data)
    return part_view(usage, with_money=user.sees_money)


@blp.route(PART_LINE, methods=["DELETE"])
@blp.response(204)
def delete_part(order_id: int, part_id: int) -> Any:
    """Remove a part line entered by mistake, with its returns.

    Who and when as for correcting its quantity."""
    remove_part(current_user(), part_id, order_id=order_id)
    return Response(status=204)


@blp.route("/invoice", methods=["POST"])
@blp.arguments(InvoiceOrdersSchema())
@blp.response(201, InvoiceSchema)
@blp.doc(parameters=[IDEMPOTENCY_PARAM])
def invoice(data: dict[str, Any]) -> Any:
    """One draft invoice for done orders of one customer; returns the draft."""
    return respond(201, INVOICE_REPLY, lambda: invoice_orders(current_user(), **data))
