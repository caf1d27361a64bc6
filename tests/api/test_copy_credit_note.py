"""Copying a credit note is refused: its copy would charge what the note gave back."""

from __future__ import annotations

from app.invoicing.models import Invoice
from tests.api.conftest import count


def test_copy_credit_note_is_409_and_writes_nothing(books, posted_invoice):
    note = books.post(
        f"/api/v1/invoices/{posted_invoice['id']}/credit-notes", {"reason": "Wrong price"}
    )
    assert note.status_code == 201, note.json
    before = count(Invoice)
    response = books.post(f"/api/v1/invoices/{note.json['id']}/copy", {})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "invalid_state"
    assert "issue a new credit note from the invoice" in response.json["error"]["message"]
    assert count(Invoice) == before


def test_copy_invoice_still_makes_a_draft(books, posted_invoice):
    response = books.post(f"/api/v1/invoices/{posted_invoice['id']}/copy", {})
    assert response.status_code == 201
    assert (response.json["doc_type"], response.json["state"]) == ("invoice", "draft")
