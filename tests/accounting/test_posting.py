"""Posting a draft: number, journal entry, frozen document."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.accounting.models import JournalEntry, JournalLine
from app.accounting.posting import document_line_label
from app.accounting.services import post_invoice
from app.accounting.verify import verify_ledger
from app.core.db import use_case
from app.core.errors import InvalidTransition, InvoiceNotDraft
from app.invoicing.models import Invoice
from app.invoicing.operations import seal_of
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


def test_posting_within_a_larger_transaction_leaves_no_stale_copy(session, bookkeeper):
    """Posting writes the row with Core statements; a copy the session already holds must
    read the posted document, not the draft it loaded before."""
    draft = create_draft(bookkeeper, customer_id=CustomerFactory().id, lines=[line()])
    held = session.get(Invoice, draft.id)
    assert held.state == "draft"

    @use_case
    def post_and_read() -> tuple[object, ...]:
        posted = post_invoice(bookkeeper, draft.id)  # nested: no commit expires anything
        return posted is held, held.state, held.number, held.seal == seal_of(held)

    assert post_and_read() == (True, "posted", "INV-2026-001", True)


def test_posted_document_loads_on_first_read_when_the_session_held_none(session, bookkeeper):
    draft = create_draft(bookkeeper, customer_id=CustomerFactory().id, lines=[line()])
    draft_id = draft.id
    session.expunge(draft)

    @use_case
    def post_and_read() -> tuple[object, ...]:
        posted = post_invoice(bookkeeper, draft_id)
        return posted.number, posted.state, len(posted.lines), posted.customer.name != ""

    assert post_and_read() == ("INV-2026-001", "posted", 1, True)


def test_draft_made_earlier_in_the_same_transaction_posts_with_its_lines(session, bookkeeper):
    """Posting reads with Core statements, which do not autoflush: it must see what this
    transaction changed but has not written yet."""
    customer_id = CustomerFactory().id

    @use_case
    def draft_and_post() -> tuple[object, ...]:
        draft = create_draft(bookkeeper, customer_id=customer_id, lines=[line("Valve", "2")])
        posted = post_invoice(bookkeeper, draft.id)
        return posted.number, posted.gross_total, len(posted.lines)

    assert draft_and_post() == ("INV-2026-001", Decimal("246.00"), 1)
    assert verify_ledger() == []


def test_post_invoice_entry_reads_the_final_number(session, bookkeeper):
    draft = create_draft(
        bookkeeper,
        customer_id=CustomerFactory(name="Harbour Bakery Ltd").id,
        lines=[line("Labour", "2", "50.00", "23", "labour")],
    )
    posted = post_invoice(bookkeeper, draft.id)
    entry = session.get(JournalEntry, posted.journal_entry_id)
    assert entry.memo == "INV-2026-001: Invoice to Harbour Bakery Ltd"
    assert [ln.memo for ln in entry.lines] == [
        "INV-2026-001",
        "INV-2026-001 labour",
        "INV-2026-001 VAT 23.00%",
    ]
    assert "Draft" not in " ".join(ln.label for ln in entry.lines)
    assert verify_ledger() == []  # the seal covers what is stored, which posting left as is


def test_post_invoice_already_posted_names_its_number(session, bookkeeper):
    draft = create_draft(bookkeeper, customer_id=CustomerFactory().id, lines=[line()])
    post_invoice(bookkeeper, draft.id)
    with pytest.raises(InvoiceNotDraft, match=r"^INV-2026-001 is already posted\.$"):
        post_invoice(bookkeeper, draft.id)


@pytest.mark.parametrize(
    ("number", "stored", "read"),
    [
        ("INV-2026-010", "", "INV-2026-010"),
        ("INV-2026-010", "labour", "INV-2026-010 labour"),
        ("INV-2026-010", "Draft invoice #15 VAT 23.00%", "INV-2026-010 VAT 23.00%"),
        ("CN-2026-003", "Draft credit note #17", "CN-2026-003"),
        (None, "Payment INV-2026-010", "Payment INV-2026-010"),
    ],
)
def test_document_line_label_leads_with_the_number(number, stored, read):
    assert document_line_label(number, stored) == read
