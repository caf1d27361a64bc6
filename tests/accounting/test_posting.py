"""Posting a draft: number, journal entry, frozen document."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.accounting.models import JournalLine
from app.accounting.services import post_invoice
from app.accounting.verify import verify_ledger
from app.core.errors import InvalidTransition, InvoiceNotDraft
from app.invoicing.services import create_draft
from tests.factories import CustomerFactory, UserFactory, line


@pytest.fixture
def bookkeeper(session):
    return UserFactory(role="bookkeeper")


def entry_lines(session, invoice):
    rows = session.query(JournalLine).filter_by(entry_id=invoice.journal_entry_id).all()
    return sorted((ln.account.role, ln.debit, ln.credit) for ln in rows)


def test_post_invoice_draft_gets_number_and_balanced_entry(session, bookkeeper):
    customer = CustomerFactory()
    draft = create_draft(
        bookkeeper,
        customer_id=customer.id,
        lines=[
            line("Labour", "2", "50.00", "13.5", "labour"),
            line("Valve", "3", "10.00", "23", "parts"),
        ],
    )
    assert draft.number is None

    posted = post_invoice(bookkeeper, draft.id)

    assert posted.number == "INV-2026-001"
    assert posted.state == "posted"
    assert posted.payment_state == "unpaid"
    assert posted.gross_total == Decimal("150.40")  # 100 + 13.50 + 30 + 6.90
    assert entry_lines(session, posted) == sorted(
        [
            ("receivable", Decimal("150.40"), Decimal("0.00")),
            ("revenue_labour", Decimal("0.00"), Decimal("100.00")),
            ("revenue_parts", Decimal("0.00"), Decimal("30.00")),
            ("vat_output", Decimal("0.00"), Decimal("13.50")),
            ("vat_output", Decimal("0.00"), Decimal("6.90")),
        ]
    )
    assert verify_ledger() == []


def test_post_invoice_twice_refused(session, bookkeeper):
    customer = CustomerFactory()
    draft = create_draft(bookkeeper, customer_id=customer.id, lines=[line()])
    post_invoice(bookkeeper, draft.id)
    with pytest.raises(InvoiceNotDraft):
        post_invoice(bookkeeper, draft.id)


def test_post_invoice_without_address_refused_and_no_number_drawn(session, bookkeeper):
    customer = CustomerFactory(street="")
    draft = create_draft(bookkeeper, customer_id=customer.id, lines=[line()])
    with pytest.raises(InvalidTransition, match="billing address"):
        post_invoice(bookkeeper, draft.id)
    good = create_draft(bookkeeper, customer_id=CustomerFactory().id, lines=[line()])
    assert post_invoice(bookkeeper, good.id).number == "INV-2026-001"
