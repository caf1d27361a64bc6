"""`status=sent` and `status=viewed` pick the documents the status column shows as such."""

from __future__ import annotations

from app.invoicing.services import mark_sent, mark_viewed
from tests.api.conftest import invoice_body


def posted(books, customer_id: int, **dates) -> int:
    draft = books.post("/api/v1/invoices", invoice_body(customer_id, **dates)).json
    return books.post(f"/api/v1/invoices/{draft['id']}/post").json["id"]


def listed(books, status: str) -> set[int]:
    reply = books.get(f"/api/v1/invoices?status={status}")
    assert reply.status_code == 200, reply.json
    return {item["id"] for item in reply.json["items"]}


def test_sent_and_viewed_filters_follow_the_status_column(books, customer):
    due_later = {"invoice_date": "2026-06-14", "due_date": "2099-12-31"}
    not_sent = posted(books, customer.id, **due_later)
    sent = posted(books, customer.id, **due_later)
    viewed = posted(books, customer.id, **due_later)
    sent_overdue = posted(books, customer.id, invoice_date="2020-01-01", due_date="2020-01-31")
    for invoice_id in (sent, viewed, sent_overdue):
        mark_sent(None, invoice_id)
    mark_viewed(viewed)

    assert listed(books, "sent") == {sent}
    assert listed(books, "viewed") == {viewed}
    assert sent_overdue in listed(books, "overdue")
    assert not_sent not in listed(books, "sent") | listed(books, "viewed")
    statuses = {item["id"]: item["status"] for item in books.get("/api/v1/invoices").json["items"]}
    assert (statuses[sent], statuses[viewed]) == ("sent", "viewed")


def test_an_unknown_status_is_422_naming_status(books):
    reply = books.get("/api/v1/invoices?status=lost")
    assert reply.status_code == 422
    assert "status" in reply.json["error"]["fields"]
