"""Technician pages (tablet): the job page and its actions — timer, time, parts, report,
photos, signature, mark done. No price, total or revenue figure reaches these responses."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.catalog.services import get_item, search_items
from app.company.services import company_today
from app.core import clock
from app.core.errors import DomainError
from app.core.http import form_errors, int_arg, paginate, roles_required
from app.service_orders import handover, queries, signoff, timesheets
from app.service_orders.forms import format_minutes, parse_duration
from app.service_orders.invoicing import net_parts
from app.service_orders.models import ServiceOrder
from app.service_orders.routes import READERS, WORKERS, bp, iso, local_time

SECTIONS = ("time", "parts", "report", "photos", "signoff")


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _back(order_id: int, section: str = "") -> Response:
    anchor = f"#{section}" if section in SECTIONS or section == "done" else ""
    return redirect(url_for("service_orders.show", order_id=order_id) + anchor)


def part_groups(order: ServiceOrder) -> list[dict[str, Any]]:
    """Parts as the stepper shows them: one row per catalog item (or free line), net of
    returns; the uses behind a row are returned newest first when stepping down."""
    groups: OrderedDict[Any, dict[str, Any]] = OrderedDict()
    for usage, left in net_parts(order):
        key = ("item", usage.catalog_item_id) if usage.catalog_item_id else ("line", usage.id)
        group = groups.setdefault(
            key,
            {
                "key": f"{key[0]}-{key[1]}",
                "usage_id": usage.id,
                "catalog_item_id": usage.catalog_item_id,
                "description": usage.description,
                "sku": usage.sku,
                "unit": usage.unit,
                "quantity": Decimal(0),
                "uses": [],
                "priced": usage.unit_price is not None,
                "unit_price": usage.unit_price,
            },
        )
        group["quantity"] += left
        group["uses"].append((usage, left))
    return [g for g in groups.values() if g["quantity"] > 0]


def technician_context(order: ServiceOrder, errors: dict[str, list[str]]) -> dict[str, Any]:
    me = current_user.id if current_user.role == "technician" else None
    entries = [e for e in order.time_entries if me is None or e.technician_id == me]
    running = next((e for e in entries if e.running), None)
    mine_running = (
        queries.running_timer(current_user) if current_user.role == "technician" else None
    )
    part_q = request.args.get("part_q", "").strip()[:100]
    finished = handover.finished_mark(order.id)
    return {
        "order": order,
        "entries": entries,
        "running": running,
        "running_elsewhere": mine_running
        if mine_running is not None and mine_running.order_id != order.id
        else None,
        "actual_minutes": sum(e.minutes for e in entries),
        "part_groups": part_groups(order),
        "part_q": part_q,
        "part_results": paginate(search_items(part_q), 1, 10).items if part_q else [],
        "checklist": handover.checklist(order, me),
        "work_seen": signoff.work_fingerprint(order),
        "finished": finished,
        "errors": errors,
        "new_client_id": lambda: str(uuid.uuid4()),
        "today": company_today(),
        "now_iso": iso(clock.now_utc()),
        "started_iso": iso(running.started_at) if running else "",
        "running_elapsed": int((clock.now_utc() - running.started_at).total_seconds() // 60)
        if running and running.started_at
        else 0,
        # Marked done: read-only until the office sends the job back.
        "can_work": order.state in ("scheduled", "in_progress") and finished is None,
        "undo": _undo_offer(),
    }


def _undo_offer() -> dict[str, Any] | None:
    """The part just removed, for its Undo button: item and quantity from the query string."""
    item_id = int_arg(request.args.get("removed_item"))
    quantity = request.args.get("removed_qty", "")
    if not item_id or not (quantity.isascii() and quantity.replace(".", "", 1).isdigit()):
        return None
    try:
        item = get_item(item_id)
    except DomainError:
        return None
    return {"item": item, "quantity": quantity}


def render_job(order_id: int, errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    order = queries.get_order(current_user, order_id)
    context = technician_context(order, errors or {})
    return render_template("service_orders/job.html", **context), (422 if errors else 200)


@bp.get("/mine")
@roles_required("technician")
def my_orders() -> str:
    """The technician's open orders (then the finished ones), newest visit first."""
    page = paginate(
        queries.list_orders(current_user)
        .order_by(None)
        .order_by(ServiceOrder.scheduled_start.desc(), ServiceOrder.id.desc())
    )
    return render_template("service_orders/mine.html", page=page)


@bp.get("/<int:order_id>")
@roles_required(*READERS)
def show(order_id: int) -> Any:
    if current_user.role == "technician":
        return render_job(order_id)
    from app.service_orders.routes_dispatcher import render_review

    return render_review(order_id)


@bp.post("/<int:order_id>/timer/start")
@roles_required("technician")
def timer_start(order_id: int) -> Any:
    before = queries.running_timer(current_user)
    try:
        entry = timesheets.start_timer(
            current_user, order_id, client_id=request.form.get("client_id") or None
        )
    except DomainError as error:
        return _refused(order_id, error, "time")
    if before is not None and before.order_id != entry.order_id:
        flash(
            f"Timer on {before.order.reference} stopped at {format_minutes(before.minutes)}; "
            f"now timing {entry.order.reference}.",
            "warning",
        )
    else:
        flash(
            f"Timer started on {entry.order.reference} at {local_time(entry.started_at)}.",
            "success",
        )
    return _back(order_id, "time")


@bp.post("/<int:order_id>/timer/stop")
@roles_required("technician")
def timer_stop(order_id: int) -> Any:
    order = queries.get_order(current_user, order_id)
    running = next(
        (e for e in order.time_entries if e.running and e.technician_id == current_user.id), None
    )
    if running is None:
        flash("The timer was already stopped.", "info")
        return _back(order_id, request.form.get("next", "time"))
    try:
        entry = timesheets.stop_timer(current_user, entry_id=running.id)
    except DomainError as error:
        return _refused(order_id, error, "time")
    flash(
        f"Timer stopped: {format_minutes(entry.minutes)} recorded on {order.reference}.", "success"
    )
    return _back(order_id, request.form.get("next", "time"))


@bp.post("/<int:order_id>/time")
@roles_required("technician")
def add_time(order_id: int) -> Any:
    """ "Forgot to start?": a duration on a day, with the form's client id against replays."""
    queries.get_order(current_user, order_id)
    raw = request.form.get("duration", "")
    minutes = parse_duration(raw)
    if minutes is None or minutes <= 0:
        return render_job(order_id, {"duration": ["Enter the time worked as h:mm, e.g. 1:30."]})
    try:
        entry = timesheets.log_time(
            current_user,
            order_id,
            minutes=minutes,
            work_date=request.form.get("work_date", ""),
            rate_kind=request.form.get("rate_kind", "normal"),
            client_id=request.form.get("client_id") or None,
            note=request.form.get("note", ""),
        )
    except DomainError as error:
        errors = form_errors(error)
        if "minutes" in errors:
            errors["duration"] = errors.pop("minutes")
        return render_job(order_id, errors)
    flash(f"{format_minutes(entry.minutes)} added on {entry.work_date:%d %b %Y}.", "success")
    return _back(order_id, "time")


@bp.post("/time/<int:time_entry_id>/delete")
@roles_required(*WORKERS)
def delete_time(time_entry_id: int) -> Any:
    entry_id = time_entry_id
    entry = timesheets.get_time_entry(current_user, entry_id)
    order_id = entry.order_id
    try:
        timesheets.delete_time_entry(current_user, entry_id)
    except DomainError as error:
        return _refused(order_id, error, "time")
    flash("Time entry removed.", "success")
    return _back(order_id, "time")


@bp.post("/<int:order_id>/finish")
@roles_required("technician")
def finish(order_id: int) -> Any:
    try:
        handover.finish_work(current_user, order_id, request.form.get("note", ""))
    except DomainError as error:
        return render_job(order_id, form_errors(error, "done"))
    order = queries.get_order(current_user, order_id)
    flash(f"{order.reference} marked done; the office will review it.", "success")
    return redirect(url_for("web.home"))


@bp.post("/<int:order_id>/go")
@roles_required("technician")
def go(order_id: int) -> Any:
    """My day's one button: Start or Resume starts the timer; Finish stops it and opens
    the sign-off."""
    order = queries.get_order(current_user, order_id)
    running = queries.running_timer(current_user)
    if running is not None and running.order_id == order.id:
        try:
            entry = timesheets.stop_timer(current_user, entry_id=running.id)
        except DomainError as error:
            return _refused(order_id, error, "time")
        flash(
            f"Timer stopped: {format_minutes(entry.minutes)} recorded. Let the customer check "
            "and sign.",
            "success",
        )
        return _back(order_id, "signoff")
    return timer_start(order_id)


def _refused(order_id: int, error: DomainError, section: str) -> Any:
    """A refusal of a one-button action: its message beside the section it concerns."""
    if error.status == 404:
        raise error
    if current_user.role == "technician":
        errors = form_errors(error, section)
        return render_job(order_id, {section: [m for ms in errors.values() for m in ms]})
    from app.service_orders.routes_dispatcher import render_review

    return render_review(
        order_id, {section: [m for ms in form_errors(error, section).values() for m in ms]}
    )
