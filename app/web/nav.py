"""The main navigation per role, and template helpers every page uses.

To add a page to a role's navigation, add a `NavItem` to that role's list; items whose
endpoint is not registered (a module not installed yet) are left out automatically.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, request
from flask_login import current_user

from app.core.states import STATUS_LABELS


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    # Other endpoints (prefixes) for which this item is the current section.
    section: tuple[str, ...] = ()


NAV: dict[str, list[NavItem]] = {
    "admin": [
        NavItem("Home", "web.home"),
        NavItem("Settings", "company.settings", ("company.",)),
        NavItem("Users", "auth.users", ("auth.user",)),
        NavItem("Customers", "customers.index", ("customers.",)),
        NavItem("Catalog", "catalog.index", ("catalog.",)),
    ],
    "bookkeeper": [
        NavItem("Home", "web.home"),
        NavItem(
            "Invoices",
            "accounting.invoices",
            (
                "accounting.show",
                "accounting.post",
                "accounting.pay",
                "accounting.credit",
                "accounting.cancel",
                "accounting.bulk",
                "invoicing.",
            ),
        ),
        NavItem("Customers", "customers.index", ("customers.", "accounting.customer_balance")),
        NavItem(
            "Reports",
            "accounting.trial_balance",
            ("accounting.aging", "accounting.account_lines", "accounting.entry", "company.lock"),
        ),
        NavItem("Catalog", "catalog.index", ("catalog.",)),
    ],
    "dispatcher": [
        NavItem("Home", "web.home"),
        NavItem("Orders", "service_orders.board", ("service_orders.",)),
        NavItem("Schedule", "service_orders.schedule_page"),
        NavItem("Drafts", "invoicing.drafts", ("invoicing.",)),
        NavItem("Customers", "customers.index", ("customers.",)),
        NavItem("Catalog", "catalog.index", ("catalog.",)),
    ],
    "technician": [
        NavItem("My day", "web.home"),
        NavItem("My orders", "service_orders.my_orders", ("service_orders.",)),
    ],
}


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def nav_items() -> list[tuple[NavItem, bool]]:
    """The signed-in user's items that exist, each with whether it is the current section."""
    if not current_user.is_authenticated:
        return []
    here = request.endpoint or ""
    items = [item for item in NAV.get(current_user.role, []) if has_endpoint(item.endpoint)]
    if any(item.endpoint == here for item in items):  # the page itself is in the menu
        return [(item, item.endpoint == here) for item in items]
    result = []
    for item in items:
        current = any(here.startswith(p) for p in item.section)
        result.append((item, current))
    # Only the most specific match is current (Customers vs. a customer's balance page).
    seen = False
    for index, (item, current) in enumerate(result):
        if current and seen:
            result[index] = (item, False)
        seen = seen or current
    return result


def company_info() -> dict[str, object]:
    """Name and logo for the top bar, read once per request."""
    if "company_info" not in g:
        from app.company.models import Company
        from app.extensions import db

        company = db.session.query(Company).order_by(Company.id).first()
        g.company_info = {
            "name": company.name if company else "",
            "logo": bool(company and company.logo_path),
            "currency": company.currency if company else "EUR",
        }
    return g.company_info  # type: ignore[no-any-return]


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        has_endpoint=has_endpoint,
        nav_items=nav_items,
        status_labels=STATUS_LABELS,
        company_info=company_info,
    )
