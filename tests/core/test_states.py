"""The overdue rule, shared by a loaded invoice and the API's list summaries."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.states import display_status, is_overdue

DUE = date(2026, 6, 30)
OPEN = {"doc_type": "invoice", "state": "posted", "payment_state": "unpaid", "has_residual": True}


def test_overdue_from_the_day_after_the_due_date_never_on_it():
    assert not is_overdue(**OPEN, due=DUE, today=date(2026, 6, 30))
    assert is_overdue(**OPEN, due=DUE, today=date(2026, 7, 1))


@pytest.mark.parametrize(
    "change",
    [
        {"doc_type": "credit_note"},
        {"doc_type": "proforma"},
        {"state": "draft"},
        {"payment_state": "paid"},
        {"payment_state": "reversed"},
        {"has_residual": False},
    ],
)
def test_not_overdue_unless_a_posted_invoice_with_money_open(change):
    assert not is_overdue(**{**OPEN, **change}, due=DUE, today=date(2026, 8, 1))


def test_partially_paid_and_late_shows_overdue():
    overdue = is_overdue(**{**OPEN, "payment_state": "partial"}, due=DUE, today=date(2026, 8, 1))
    status = display_status(
        state="posted", payment_state="partial", overdue=overdue, sent=True, viewed=True
    )
    assert status == "overdue"
