"""Copying documents to new drafts: which documents may be copied."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounting.credit_notes import issue_credit_note
from app.accounting.services import post_invoice
from app.core.errors import InvalidTransition
from app.invoicing.models import Invoice
from app.invoicing.services import copy_invoice, create_draft
from tests.factories import CustomerFactory, line


def test_copy_invoice_on_credit_note_refused_and_writes_nothing(session):
    customer = CustomerFactory()
    draft = create_draft(None, customer_id=customer.id, lines=[line()])
    note = issue_credit_note(None, post_invoice(None, draft.id).id, reason="Wrong price")
    before = session.scalar(select(func.count()).select_from(Invoice))
    with pytest.raises(InvalidTransition, match="issue a new credit note from the invoice"):
        copy_invoice(None, note.id)
    assert session.scalar(select(func.count()).select_from(Invoice)) == before
