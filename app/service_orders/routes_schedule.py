"""The schedule page: a day or a week, one lane per technician and the unassigned new
orders; dragging a visit posts to `move`. Each card's Assign… link is the keyboard and
touch alternative to dragging."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.company.services import company_locale, company_today
from app.core.errors import DomainError
from app.core.http import fmt, int_arg, roles_required
from app.service_orders import queries, schedule, services
from app.service_orders.operations import company_zone
from app.service_orders.routes import OFFICE, bp, local_time
from app.service_orders.routes_dispatcher import flash_overlaps


@bp.get("/schedule")
@roles_required(*OFFICE, "bookkeeper")
def schedule_page() -> tuple[str, int]:
    day, problem = _day_arg(request.args.get("day"))
    span = request.args.get("span", "day")
    if span not in schedule.SPANS:
        problem, span = "Show a day or a week.", "day"
    shown = schedule.period(day, span)
    return render_template(
        "service_orders/schedule.html",
        s=schedule.build_schedule(shown),
        span=shown.span,
        new_visit_start=schedule.NEW_VISIT_START.strftime("%H:%M"),
        today=company_today(),
        problem=problem,
        can_move=current_user.role in OFFICE,
        snap=schedule.SNAP_MINUTES,
        locale=company_locale().replace("_", "-"),
    ), (400 if problem else 200)


def _day_arg(text: str | None) -> tuple[date, str | None]:
    """The day asked for, or today with a message saying why the one given was not used."""
    if not text:
        return company_today(), None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return company_today(), f"“{text[:20]}” is not a date (YYYY-MM-DD); showing today."
    first, last = services.SCHEDULE_YEARS
    if not first <= day.year <= last:
        return company_today(), f"The schedule shows {first} to {last}; showing today."
    return day, None


@bp.post("/<int:order_id>/move")
@roles_required(*OFFICE)
def move(order_id: int) -> Response:
    """A visit dropped on a lane: start there, with that technician instead of the one whose
    lane it left. Answers with the schedule again, saying what happened."""
    order = queries.get_order(current_user, order_id)
    before = _window_text(order)
    try:
        moved = services.move_visit(
            current_user,
            order_id,
            start=request.form.get("start", ""),
            technician_id=_id_field("technician_id"),
            from_technician_id=_id_field("from_technician_id"),
        )
    except DomainError as error:
        for message in _messages(error):
            said = message if order.reference in message else f"{order.reference}: {message}"
            flash(f"Not moved. {said}", "error")
        return redirect(_back_to_schedule())
    flash(f"{moved.reference} moved to {_window_text(moved)} (was {before}).", "success")
    flash_overlaps(order_id)
    return redirect(_back_to_schedule(int_arg(request.form.get("technician_id"))))


def _id_field(name: str) -> Any:
    """An id from the form: None when blank, else the number, or the text for the use case to
    refuse by name."""
    raw = request.form.get(name, "").strip()
    return None if not raw else int_arg(raw) or raw


def _messages(error: DomainError) -> list[str]:
    return [m for messages in error.fields.values() for m in messages] or [error.message]


def _window_text(order: Any) -> str:
    if order.scheduled_start is None:
        return "unassigned"
    names = ", ".join(t.name or t.email for t in order.technicians) or "nobody"
    start = order.scheduled_start.astimezone(company_zone())
    end = order.scheduled_end.astimezone(company_zone())
    until = (
        local_time(end)
        if end.date() == start.date()
        else f"{fmt('day', end.date())} {local_time(end)}"
    )
    return f"{names}, {fmt('day', start.date())} {local_time(start)}\u2013{until}"


def _back_to_schedule(lane: int | None = None) -> str:
    """The schedule the drop was made on (the day and span come back with the form), at the
    lane the visit landed on."""
    day, problem = _day_arg(request.form.get("day"))
    span = request.form.get("span", "day")
    return url_for(
        "service_orders.schedule_page",
        day=day.isoformat(),
        span=span if span in schedule.SPANS and not problem else "day",
        _anchor=f"lane-{lane}" if lane else None,
    )
