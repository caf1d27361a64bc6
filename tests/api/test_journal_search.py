"""The journal's `q` takes `%` and `_` as characters to find, not as wildcards."""

from __future__ import annotations

from tests.api.conftest import invoice_body


def test_journal_search_takes_wildcards_literally(books, customer):
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    number = books.post(f"/api/v1/invoices/{draft['id']}/post").json["number"]

    assert books.get(f"/api/v1/journal-entries?q={number}").json["total"] == 1
    for wildcard in ("%25", "_"):
        assert books.get(f"/api/v1/journal-entries?q={wildcard}").json["total"] == 0
