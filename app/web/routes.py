"""The landing page: each role lands on its own home (UX §1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.core.errors import DomainError
from app.core.http import form_errors, roles_required

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def home() -> str:
    context: dict[str, Any] = {"user": current_user}
    if current_user.role == "admin":
        from app.accounting.setup import company_exists

        if not company_exists():
            return redirect(url_for("web.setup"))  # type: ignore[return-value]
    if current_user.role == "bookkeeper":
        context.update(_bookkeeper_figures())
    return render_template("web/home.html", **context)


def _bookkeeper_figures() -> dict[str, Any]:
    from app.accounting import queries
    from app.accounting.reports import AGING_BUCKETS, receivable_aging, receivable_balance
    from app.company.services import company_today

    today = company_today()
    aging = receivable_aging(today)
    buckets = {b: sum((r.buckets[b] for r in aging), Decimal("0.00")) for b in AGING_BUCKETS}
    largest = max(buckets.values(), default=Decimal(0)) or Decimal(1)
    overdue, overdue_count = queries.overdue_total(today)
    return {
        "today": today,
        "receivable": receivable_balance(today),
        "overdue": overdue,
        "overdue_count": overdue_count,
        "counts": queries.status_counts(today),
        "buckets": buckets,
        # Bar lengths as whole percentages of the largest bucket: drawing, not money.
        "bar_widths": {b: int(v * 100 / largest) if v > 0 else 0 for b, v in buckets.items()},
    }


@bp.route("/setup", methods=["GET", "POST"])
@roles_required("admin")
def setup() -> str | Response | tuple[str, int]:
    """First run without demo data: the admin names the company; chart and series follow."""
    from app.accounting.setup import company_exists, set_up_company

    if company_exists():
        abort(404)
    errors: dict[str, list[str]] = {}
    values = {
        "name": "",
        "country": "IE",
        "currency": "EUR",
        "locale": "en_IE",
        "timezone": "Europe/Dublin",
    }
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in values}
        try:
            company = set_up_company(current_user, **values)
        except DomainError as error:
            errors = form_errors(error)
        else:
            flash(
                f"{company.name} is set up. Add the address, VAT number and bank details next.",
                "success",
            )
            return redirect(url_for("company.settings"))
    return render_template("web/setup.html", values=values, errors=errors), (422 if errors else 200)


@bp.get("/healthz")
def health() -> tuple[str, int]:
    return "ok", 200
