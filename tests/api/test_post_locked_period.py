"""Posting a draft dated in the locked period answers period_locked naming invoice_date."""

from __future__ import annotations

from datetime import date

from app.accounting.models import JournalEntry
from app.company.services import set_lock_date
from app.invoicing.models import Invoice
from tests.api.conftest import count, invoice_body


def test_post_draft_dated_in_locked_period_is_409_period_locked(books, customer):
    draft = books.post("/api/v1/invoices", invoice_body(customer.id, invoice_date="2026-01-10"))
    assert draft.status_code == 201, draft.json
    set_lock_date(None, date(2026, 1, 31))
    before = count(JournalEntry)
    response = books.post(f"/api/v1/invoices/{draft.json['id']}/post")
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "period_locked"
    assert list(error["fields"]) == ["invoice_date"]
    assert "locked to 31 Jan 2026" in error["message"]
    assert count(JournalEntry) == before
    invoice = books.get(f"/api/v1/invoices/{draft.json['id']}").json
    assert (invoice["state"], invoice["number"]) == ("draft", None)
    assert count(Invoice) == 1
