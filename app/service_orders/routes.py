"""Service-order pages: the blueprint, helpers both audiences share, and what every page
needs (the technician's running-timer chip, My day cards, the dispatcher's board counts).

Technician pages live in routes_technician.py, office pages in routes_dispatcher.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Flask
from flask_login import current_user

from app.company.services import company_today
from app.core import clock
from app.core.http import all_rows
from app.service_orders import board, queries
from app.service_orders.forms import format_minutes
from app.service_orders.handover import finished_mark, orders_to_review
from app.service_orders.states import STATE_LABELS

bp = Blueprint("service_orders", __name__, url_prefix="/orders")
OFFICE = ("admin", "dispatcher")
WORKERS = ("technician", "admin", "dispatcher")
READERS = ("admin", "dispatcher", "bookkeeper", "technician")
BOARD_STATES = ("new", "scheduled", "in_progress", "done", "invoiced")


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def timer_chip() -> dict[str, Any] | None:
    """The signed-in technician's running timer for the header chip, or None."""
    if not current_user.is_authenticated or current_user.role != "technician":
        return None
    entry = queries.running_timer(current_user)
    if entry is None:
        return None
    return {
        "order_id": entry.order_id,
        "reference": entry.order.reference,
        "customer": entry.order.customer.name,
        "started": iso(entry.started_at),
        "now": iso(clock.now_utc()),
        "elapsed": format_minutes(int((clock.now_utc() - entry.started_at).total_seconds() // 60))
        if entry.started_at
        else "0:00",
    }


def day_cards() -> dict[str, Any]:
    """Today's visits of the technician in time order; with none today, the next one."""
    today = company_today()
    orders = all_rows(queries.technician_day(current_user, today))
    running = queries.running_timer(current_user)
    return {
        "today": today,
        "orders": orders,
        "next_visit": None if orders else board.next_visit(current_user),
        "running_order_id": running.order_id if running else None,
        "finished": {o.id for o in orders if finished_mark(o.id) is not None},
    }


def board_counts() -> dict[str, Any]:
    """Orders per state, and how many wait for review or for an invoice."""
    return {
        "counts": board.totals_by_state(),
        "labels": STATE_LABELS,
        "board_states": BOARD_STATES,
        "to_review": len(orders_to_review()),
        "to_invoice": board.queue_size(),
        "visits_today": len(
            all_rows(queries.list_orders(current_user, scheduled_on=company_today()))
        ),
    }


def maps_url(lines: list[str]) -> str:
    from urllib.parse import quote_plus

    return "https://www.google.com/maps/search/?api=1&query=" + quote_plus(", ".join(lines))


def tel_href(phone: str) -> str:
    return "tel:" + "".join(ch for ch in phone if ch in "0123456789+")


def local_input(value: datetime | None) -> str:
    """An instant as a datetime-local input value in the company's time zone."""
    if value is None:
        return ""
    from app.service_orders.operations import company_zone

    return value.astimezone(company_zone()).strftime("%Y-%m-%dT%H:%M")


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    from app.service_orders.operations import company_zone

    return value.astimezone(company_zone()).strftime("%H:%M")


def register_field_pages(app: Flask) -> None:
    """The service-order blueprint, the sites and catalog-import pages, and page helpers."""
    from app.catalog.routes_import import bp as catalog_import_bp
    from app.customers.routes_sites import bp as sites_bp
    from app.service_orders import (  # noqa: F401 - the imports register the routes
        routes_dispatcher,
        routes_schedule,
        routes_technician,
        routes_worksheet,
    )

    app.register_blueprint(bp)
    app.register_blueprint(sites_bp)
    app.register_blueprint(catalog_import_bp)
    app.jinja_env.globals.update(
        timer_chip=timer_chip,
        day_cards=day_cards,
        board_counts=board_counts,
        maps_url=maps_url,
        tel_href=tel_href,
        local_time=local_time,
    )
    app.jinja_env.filters["hmm"] = format_minutes
