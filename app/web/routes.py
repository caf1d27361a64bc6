"""The landing page: each role lands on its own home (UX §1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def home() -> str:
    context: dict[str, Any] = {"user": current_user}
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


@bp.get("/healthz")
def health() -> tuple[str, int]:
    return "ok", 200
