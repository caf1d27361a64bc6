"""State tables as data: which action is allowed from which state. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

# Displayed invoice status, in the order the badge is chosen (UX §5).
STATUS_ORDER = (
    "cancelled",
    "paid",
    "overdue",
    "partially_paid",
    "viewed",
    "sent",
    "posted",
    "draft",
)
STATUS_LABELS: Mapping[str, str] = {
    "draft": "Draft",
    "posted": "Posted",
    "sent": "Sent",
    "viewed": "Viewed",
    "partially_paid": "Partially paid",
    "paid": "Paid",
    "overdue": "Overdue",
    "cancelled": "Cancelled",
}


def is_overdue(
    *, doc_type: str, state: str, payment_state: str, has_residual: bool, due: date, today: date
) -> bool:
    """A posted invoice with money still open, from the company-local day after its due
    date (never on the due date itself). Credit notes and proformas are never overdue."""
    return (
        doc_type == "invoice"
        and state == "posted"
        and payment_state in ("unpaid", "partial")
        and has_residual
        and today > due
    )


def display_status(
    *, state: str, payment_state: str, overdue: bool, sent: bool, viewed: bool
) -> str:
    """One status per document, chosen in STATUS_ORDER."""
    if state == "draft":
        return "draft"
    candidates = {
        "cancelled": payment_state == "reversed",
        "paid": payment_state == "paid",
        "overdue": overdue,
        "partially_paid": payment_state == "partial",
        "viewed": viewed,
        "sent": sent,
        "posted": True,
    }
    return next(status for status in STATUS_ORDER if candidates.get(status))


def allowed(table: Mapping[str, Mapping[str, str]], state: str, action: str) -> str | None:
    """The target state of `action` from `state`, or None when the table forbids it."""
    return table.get(action, {}).get(state)
