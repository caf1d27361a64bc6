"""The journal's `q` takes `%` and `_` as characters to find, not as wildcards."""

from __future__ import annotations

from tests.api.conftest import invoice_body


def test_journal_search_takes_wildcards_literally(books, customer):
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    number = books.post(f"/api/v1/invoices/{draft['id']}/post").json["number"]

    assert books.get(f"/api/v1/journal-entries?q={number}").json["total"] == 1
    for wildcard in ("%25", "_"):
        assert books.get(f"/api/v1/journal-entries?q={wildcard}").json["total"] == 0


def test_journal_for_an_invoice_lists_its_entry_payments_and_credit(books, customer):
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    invoice = books.post(f"/api/v1/invoices/{draft['id']}/post").json
    other = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    books.post(f"/api/v1/invoices/{other['id']}/post")
    payment = books.post(
        f"/api/v1/invoices/{invoice['id']}/payments", {"amount": "10.00", "method": "cash"}
    ).json
    note = books.post(f"/api/v1/invoices/{invoice['id']}/credit-notes", {"reason": "Goodwill"})

    listed = books.get(f"/api/v1/journal-entries?invoice_id={invoice['id']}").json["items"]

    assert {entry["id"] for entry in listed} == {
        invoice["journal_entry_id"],
        payment["entry_id"],
        note.json["journal_entry_id"],
    }


def test_journal_search_finds_a_payment_by_its_receipt_number(books, customer):
    draft = books.post("/api/v1/invoices", invoice_body(customer.id)).json
    books.post(f"/api/v1/invoices/{draft['id']}/post")
    payment = books.post(
        f"/api/v1/invoices/{draft['id']}/payments", {"amount": "10.00", "method": "cash"}
    ).json

    found = books.get(f"/api/v1/journal-entries?q={payment['receipt_number']}").json["items"]

    assert [entry["id"] for entry in found] == [payment["entry_id"]]
