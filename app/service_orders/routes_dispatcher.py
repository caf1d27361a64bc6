"""Office pages: the order board and list, create/edit, assign and schedule, review and
close, re-open, cancel, and the "requires invoicing" queue that makes drafts."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.catalog.services import search_items
from app.core.errors import DomainError
from app.core.http import all_rows, form_errors, int_arg, paginate, roles_required
from app.customers.sites import list_contacts, list_sites
from app.service_orders import board as board_queries
from app.service_orders import handover, invoicing, parts, queries, services, timesheets
from app.service_orders.forms import ORDER_LABELS, order_values, parse_duration, window_values
from app.service_orders.invoicing import order_billed_minutes
from app.service_orders.models import PRIORITIES, ServiceOrder
from app.service_orders.operations import parse_instant
from app.service_orders.routes import BOARD_STATES, OFFICE, bp, local_input
from app.service_orders.routes_technician import part_groups
from app.service_orders.states import STATE_LABELS

BOARD_LIMIT = 30
BILLING = ("admin", "dispatcher", "bookkeeper")


@bp.get("")
@roles_required(*OFFICE, "bookkeeper")
def board() -> str:
    f = board_queries.parse_filters(request.args)
    view = "list" if request.args.get("view") == "list" else "board"
    counts = board_queries.state_counts(current_user, f)
    context: dict[str, Any] = {
        "f": f,
        "view": view,
        "counts": counts,
        "total": sum(counts.values()),
        "labels": STATE_LABELS,
        "board_states": BOARD_STATES,
        "technicians": board_queries.technicians(),
        "customers": board_queries.customers(),
        "to_review": handover.orders_to_review() if view == "board" else [],
    }
    if view == "board":
        columns = {}
        for state in BOARD_STATES:
            if f.state and f.state != state:
                continue
            stmt = board_queries.filtered(current_user, f, with_state=False).where(
                ServiceOrder.state == state
            )
            columns[state] = all_rows(stmt.limit(BOARD_LIMIT))
        context["columns"] = columns
        context["finished"] = {o.id for o in context["to_review"]}
        context["overlapping"] = board_queries.overlapping_ids()
    else:
        context["page"] = paginate(board_queries.filtered(current_user, f))
    return render_template("service_orders/board.html", **context)


def _order_form(
    order: ServiceOrder | None, values: dict[str, Any], errors: dict[str, list[str]]
) -> tuple[str, int]:
    customer_id = values.get("customer_id") if isinstance(values.get("customer_id"), int) else None
    return render_template(
        "service_orders/form.html",
        order=order,
        values=values,
        errors=errors,
        labels=ORDER_LABELS,
        customers=board_queries.customers(),
        sites=list_sites(customer_id) if customer_id else [],
        contacts=list_contacts(customer_id) if customer_id else [],
        fees=all_rows(search_items("", "fee")),
        technicians=board_queries.technicians(),
        priorities=PRIORITIES,
    ), (422 if errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICE)
def new() -> Any:
    values: dict[str, Any] = {
        "customer_id": int_arg(request.args.get("customer_id")),
        "priority": "normal",
        "technician_ids": [],
    }
    if request.method == "GET" or request.form.get("reload"):
        if request.method == "POST":
            values.update(order_values(request.form), **window_values(request.form))
        return _order_form(None, values, {})
    values = {**order_values(request.form), **window_values(request.form)}
    errors = _check_window(values)
    if errors:
        return _order_form(None, values, errors)
    try:
        order = services.create_order(current_user, **order_values(request.form))
    except DomainError as error:
        return _order_form(None, values, form_errors(error))
    message = f"{order.reference} created for {order.customer.name}."
    if values["start"] or values["end"] or values["technician_ids"]:
        try:
            services.schedule_order(
                current_user,
                order.id,
                start=values["start"],
                end=values["end"],
                technician_ids=values["technician_ids"],
            )
        except DomainError as error:
            flash(f"{message} It is not scheduled yet: {error.message}", "warning")
            return redirect(url_for("service_orders.assign", order_id=order.id))
        message += " Scheduled."
        flash_overlaps(order.id)
    flash(message, "success")
    return redirect(url_for("service_orders.show", order_id=order.id))


def _check_window(values: dict[str, Any]) -> dict[str, list[str]]:
    """Half a window is an error on the create form, before anything is written."""
    filled = [bool(values["start"]), bool(values["end"]), bool(values["technician_ids"])]
    if any(filled) and not all(filled):
        errors: dict[str, list[str]] = {}
        if not values["start"]:
            errors["start"] = ["Enter when the visit starts, or leave the window empty."]
        if not values["end"]:
            errors["end"] = ["Enter when the visit ends, or leave the window empty."]
        if not values["technician_ids"]:
            errors["technician_ids"] = ["Assign a technician, or leave the window empty."]
        return errors
    if all(filled):
        from app.core.errors import Errors

        bag = Errors()
        start = parse_instant(values["start"], "start", bag)
        end = parse_instant(values["end"], "end", bag)
        if start and end and end <= start:
            bag.add("end", "The end must be after the start.")
        return bag.fields
    return {}


@bp.route("/<int:order_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICE)
def edit(order_id: int) -> Any:
    order = queries.get_order(current_user, order_id)
    values: dict[str, Any] = {
        "customer_id": order.customer_id,
        "site_id": order.site_id,
        "contact_id": order.contact_id,
        "description": order.description,
        "priority": order.priority,
        "call_out_item_id": order.call_out_item_id,
    }
    if request.method == "GET":
        return _order_form(order, values, {})
    values = order_values(request.form)
    if request.form.get("reload"):
        return _order_form(order, values, {})
    changes = {k: v for k, v in values.items() if k != "customer_id" or v != order.customer_id}
    try:
        services.update_order(current_user, order_id, **changes)
    except DomainError as error:
        return _order_form(order, values, form_errors(error))
    flash(f"{order.reference} saved.", "success")
    return redirect(url_for("service_orders.show", order_id=order_id))


def flash_overlaps(order_id: int) -> None:
    order = queries.get_order(current_user, order_id)
    clashes = board_queries.overlaps(
        order.scheduled_start, order.scheduled_end, list(order.technician_ids), order.id
    )
    for user, other in clashes:
        flash(
            f"Overlap: {user.name} is also on {other.reference} ({other.customer.name}) "
            "in that window.",
            "warning",
        )


@bp.route("/<int:order_id>/assign", methods=["GET", "POST"])
@roles_required(*OFFICE)
def assign(order_id: int) -> Any:
    """The Assign… form: window and technicians (the touch and keyboard way to schedule)."""
    order = queries.get_order(current_user, order_id)
    values = {
        "start": local_input(order.scheduled_start),
        "end": local_input(order.scheduled_end),
        "technician_ids": sorted(order.technician_ids),
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = window_values(request.form)
        try:
            services.schedule_order(current_user, order_id, **values)
        except DomainError as error:
            errors = _on_the_boxes(form_errors(error))
        else:
            flash(f"{order.reference} scheduled.", "success")
            flash_overlaps(order_id)
            return redirect(url_for("service_orders.show", order_id=order_id))
    bag_start = parse_instant(values["start"], "start", _Sink()) if values["start"] else None
    bag_end = parse_instant(values["end"], "end", _Sink()) if values["end"] else None
    clashes = board_queries.overlaps(bag_start, bag_end, values["technician_ids"], order.id)
    return render_template(
        "service_orders/assign.html",
        order=order,
        values=values,
        errors=errors,
        labels=ORDER_LABELS,
        technicians=board_queries.technicians(),
        clashes=clashes,
    ), (422 if errors else 200)


def _on_the_boxes(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The technician checkboxes are one field on the page: `technician_ids[1]` shows there."""
    folded: dict[str, list[str]] = {}
    for field, messages in errors.items():
        key = "technician_ids" if field.startswith("technician_ids[") else field
        folded.setdefault(key, []).extend(messages)
    return folded


class _Sink:
    """Swallows parse errors where a preview only needs what can be read."""

    def add(self, field: str, message: str) -> None:
        return None


def render_review(order_id: int, errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    order = queries.get_order(current_user, order_id)
    return render_template(
        "service_orders/review.html",
        order=order,
        billed=order_billed_minutes(order),
        actual_by_rate=_actual_by_rate(order),
        groups=part_groups(order),
        flags=handover.review_flags(order),
        finished=handover.finished_mark(order.id),
        errors=errors or {},
        can_edit=current_user.role in OFFICE,
        editable=order.state in ("scheduled", "in_progress")
        or (order.state == "done" and not order.invoice_id),
        technicians=board_queries.technicians(),
        part_q=request.args.get("part_q", "").strip()[:100],
    ), (422 if errors else 200)


def _actual_by_rate(order: ServiceOrder) -> dict[str, int]:
    totals: dict[str, int] = {}
    for entry in order.time_entries:
        if not entry.running:
            totals[entry.rate_kind] = totals.get(entry.rate_kind, 0) + entry.minutes
    return totals


def _act(order_id: int, action: Any, message: str) -> Response | tuple[str, int]:
    try:
        action(current_user, order_id)
    except DomainError as error:
        return render_review(order_id, {"_form": [error.message]})
    flash(message, "success")
    return redirect(url_for("service_orders.show", order_id=order_id))


@bp.post("/<int:order_id>/close")
@roles_required(*OFFICE)
def close(order_id: int) -> Any:
    order = queries.get_order(current_user, order_id)
    return _act(
        order_id, handover.close_order, f"{order.reference} closed; it is in the invoicing queue."
    )


@bp.post("/<int:order_id>/send-back")
@roles_required(*OFFICE)
def send_back(order_id: int) -> Any:
    order = queries.get_order(current_user, order_id)
    return _act(order_id, handover.send_back, f"{order.reference} sent back to the technician.")


@bp.post("/<int:order_id>/reopen")
@roles_required(*OFFICE)
def reopen(order_id: int) -> Any:
    order = queries.get_order(current_user, order_id)
    return _act(order_id, handover.reopen, f"{order.reference} re-opened.")


@bp.route("/<int:order_id>/cancel", methods=["GET", "POST"])
@roles_required(*OFFICE)
def cancel(order_id: int) -> Any:
    order = queries.get_order(current_user, order_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        reason = request.form.get("reason", "").strip()
        if not reason:
            errors["reason"] = ["Say why the order is cancelled."]
        else:
            try:
                services.cancel_order(current_user, order_id, reason)
            except DomainError as error:
                errors = {"_form": [error.message]}
            else:
                flash(f"{order.reference} cancelled.", "success")
                return redirect(url_for("service_orders.show", order_id=order_id))
    return render_template("service_orders/cancel.html", order=order, errors=errors), (
        422 if errors else 200
    )


@bp.post("/time/<int:time_entry_id>/correct")
@roles_required(*OFFICE)
def correct_time(time_entry_id: int) -> Any:
    entry_id = time_entry_id
    entry = timesheets.get_time_entry(current_user, entry_id)
    minutes = parse_duration(request.form.get("duration", ""))
    if minutes is None or minutes <= 0:
        return render_review(
            entry.order_id, {f"entry-{entry_id}": ["Enter the time as h:mm, e.g. 1:30."]}
        )
    try:
        timesheets.correct_time_entry(
            current_user, entry_id, minutes=minutes, rate_kind=request.form.get("rate_kind") or None
        )
    except DomainError as error:
        return render_review(
            entry.order_id,
            {f"entry-{entry_id}": [m for ms in form_errors(error).values() for m in ms]},
        )
    flash("Time corrected.", "success")
    return redirect(url_for("service_orders.show", order_id=entry.order_id) + "#time")


@bp.post("/parts/<int:usage_id>/price")
@roles_required(*OFFICE)
def price_part(usage_id: int) -> Any:
    usage = parts.get_part_usage(current_user, usage_id)
    try:
        parts.price_part(
            current_user,
            usage_id,
            unit_price=request.form.get("unit_price", "").replace(",", "."),
            vat_rate=request.form.get("vat_rate", "").replace(",", "."),
        )
    except DomainError as error:
        return render_review(
            usage.order_id,
            {f"usage-{usage_id}": [m for ms in form_errors(error).values() for m in ms]},
        )
    flash(f"{usage.description} priced.", "success")
    return redirect(url_for("service_orders.show", order_id=usage.order_id) + "#parts")


@bp.route("/invoicing", methods=["GET", "POST"])
@roles_required(*BILLING)
def queue() -> Any:
    """Done orders grouped by customer; one or several of one customer become one draft."""
    errors: dict[str, list[str]] = {}
    selected: list[int] = []
    if request.method == "POST":
        selected = [i for i in (int_arg(v) for v in request.form.getlist("order_ids")) if i]
        if not selected:
            errors = {"order_ids": ["Tick one or more orders of one customer."]}
        else:
            try:
                invoice = invoicing.invoice_orders(current_user, selected)
            except DomainError as error:
                errors = {"order_ids": [m for ms in form_errors(error).values() for m in ms]}
            else:
                flash(
                    f"Draft invoice created from {len(selected)} order"
                    f"{'s' if len(selected) != 1 else ''}.",
                    "success",
                )
                if current_user.role == "bookkeeper":
                    return redirect(url_for("accounting.show", invoice_id=invoice.id))
                return redirect(url_for("invoicing.edit", invoice_id=invoice.id))
    groups = invoicing.list_invoicing_queue(current_user)
    return render_template(
        "service_orders/queue.html",
        groups=groups,
        errors=errors,
        selected=set(selected),
        billed={o.id: sum(order_billed_minutes(o).values()) for g in groups for o in g.orders},
        sees_money=current_user.sees_money,
    ), (422 if errors else 200)
