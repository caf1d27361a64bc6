"""Displayed status and overdue by the company's local date, from UTC-11 to UTC+14.

An invoice due on D is overdue from the first instant of D+1 in the company's zone, never on
D itself, whatever the server's zone, across month ends and daylight-saving changes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.accounting.credit_notes import cancel_invoice
from app.accounting.services import post_invoice, register_payment
from app.company.services import company_today, update_settings
from app.core import clock
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.services import create_draft, list_invoices, mark_sent, mark_viewed
from tests.factories import CustomerFactory, line

ZONES = [
    "Pacific/Pago_Pago",  # UTC-11
    "America/New_York",  # DST on 8 Mar 2026
    "Europe/Dublin",  # DST on 29 Mar 2026
    "Asia/Kolkata",  # UTC+5:30
    "Pacific/Kiritimati",  # UTC+14
]
DUE_DATES = [date(2026, 3, 31), date(2026, 3, 8), date(2026, 3, 29), date(2026, 2, 28)]


def posted_due(due: date):
    draft = create_draft(
        None,
        customer_id=CustomerFactory().id,
        lines=[line()],
        invoice_date=due - timedelta(days=14),
        due_date=due,
    )
    return post_invoice(None, draft.id)


def at_local(zone: str, day: date, hour: int, minute: int, second: int = 0) -> None:
    clock.freeze(
        datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=ZoneInfo(zone))
    )


def overdue_ids() -> set[int]:
    stmt = list_invoices(status="overdue").with_only_columns(Invoice.id)
    return set(db.session.scalars(stmt))


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("due", DUE_DATES)
def test_is_overdue_from_next_local_day_never_on_due_date(session, zone, due):
    update_settings(None, timezone=zone)
    invoice = posted_due(due)
    at_local(zone, due, 0, 0)
    assert company_today() == due
    assert not invoice.is_overdue(company_today())
    at_local(zone, due, 23, 59, 59)
    assert company_today() == due
    assert invoice.status(company_today()) == "posted"
    assert invoice.id not in overdue_ids()
    at_local(zone, due + timedelta(days=1), 0, 0)
    assert company_today() == due + timedelta(days=1)
    assert invoice.status(company_today()) == "overdue"
    assert invoice.id in overdue_ids()


def test_status_shows_one_badge_in_priority_order(session):
    invoice = posted_due(date(2026, 6, 10))
    today = date(2026, 6, 14)
    assert invoice.status(today) == "overdue"
    mark_sent(None, invoice.id)
    mark_viewed(invoice.id)
    assert invoice.status(date(2026, 6, 10)) == "viewed"
    register_payment(None, invoice.id, amount="23.00")
    assert invoice.status(date(2026, 6, 10)) == "partially_paid"
    assert invoice.status(today) == "overdue"
    register_payment(None, invoice.id, amount="100.00")
    assert invoice.status(today) == "paid"
    assert invoice.status_label(today) == "Paid"


def test_status_cancelled_invoice_never_overdue(session):
    invoice = posted_due(date(2026, 6, 1))
    cancel_invoice(None, invoice.id, reason="Duplicate")
    assert invoice.status(date(2026, 6, 14)) == "cancelled"
    assert invoice.id not in overdue_ids()


def test_status_filter_lists_each_state(session):
    paid = posted_due(date(2026, 6, 30))
    register_payment(None, paid.id, amount="123.00")
    open_ = posted_due(date(2026, 6, 30))
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])

    def ids(status: str) -> set[int]:
        return set(db.session.scalars(list_invoices(status=status).with_only_columns(Invoice.id)))

    assert ids("paid") == {paid.id}
    assert ids("unpaid") == {open_.id}
    assert ids("draft") == {draft.id}
