"""Gapless numbering: per-series counters, prefix templates, start numbers, rollbacks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.accounting.models import JournalEntry, JournalLine
from app.accounting.services import post_invoice
from app.accounting.verify import verify_ledger
from app.company.services import update_numbering
from app.core.errors import ValidationFailed
from app.core.numbering import NumberSeries, peek_next_number
from app.extensions import db
from app.invoicing import events
from app.invoicing.models import Invoice
from app.invoicing.services import create_draft
from tests.accounting.helpers import THREE_LINES, clone_drafts
from tests.factories import CustomerFactory, line


class ForcedFailure(Exception):
    """Raised by a test listener after the number was drawn."""


def test_post_with_forced_failures_leaves_no_gap(session):
    customer = CustomerFactory()
    template = create_draft(None, customer_id=customer.id, lines=THREE_LINES).id
    ids = [template, *clone_drafts(template, 999)]
    doomed = set(ids[5::10])  # 100 of the 1,000

    def fail_some(invoice: Invoice) -> None:
        if invoice.id in doomed:
            raise ForcedFailure(invoice.id)

    events.listen("posted", fail_some)
    failures = 0
    try:
        for invoice_id in ids:
            try:
                post_invoice(None, invoice_id)
            except ForcedFailure:
                failures += 1
    finally:
        events.unlisten("posted", fail_some)

    assert failures == 100
    posted = sorted(session.scalars(select(Invoice.sequence).where(Invoice.state == "posted")))
    assert posted == list(range(1, 901))
    failed = session.scalars(select(Invoice).where(Invoice.id.in_(doomed))).all()
    assert {(i.state, i.number, i.sequence, i.journal_entry_id) for i in failed} == {
        ("draft", None, None, None)
    }
    assert (
        session.scalar(
            select(func.count()).select_from(JournalLine).where(JournalLine.invoice_id.in_(doomed))
        )
        == 0
    )
    assert (
        session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.invoice_id.in_(doomed))
        )
        == 0
    )
    assert verify_ledger() == []


def test_post_with_custom_prefix_and_start_uses_them(session):
    update_numbering(None, "invoice", prefix_template="F{year}/", start_number=41)
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    assert peek_next_number("invoice", 2026) == "F2026/041"
    assert post_invoice(None, draft.id).number == "F2026/041"
    assert verify_ledger() == []


def test_post_default_series_starts_at_inv_year_001(session):
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    assert post_invoice(None, draft.id).number == "INV-2026-001"


def test_post_in_new_year_restarts_the_series(session):
    customer = CustomerFactory()
    old = create_draft(None, customer_id=customer.id, lines=[line()], invoice_date="2025-12-31")
    new = create_draft(None, customer_id=customer.id, lines=[line()])
    assert post_invoice(None, new.id).number == "INV-2026-001"
    assert post_invoice(None, old.id).number == "INV-2025-001"
    assert verify_ledger() == []


def test_update_numbering_unknown_series_refused(session):
    with pytest.raises(ValidationFailed) as caught:
        update_numbering(None, "quote", prefix_template="Q-", start_number=1)
    assert "series" in caught.value.fields


def test_update_numbering_zero_start_refused(session):
    with pytest.raises(ValidationFailed) as caught:
        update_numbering(None, "invoice", prefix_template="INV-", start_number=0)
    assert "start_number" in caught.value.fields


def test_post_proforma_uses_its_own_series_and_writes_no_entry(session):
    draft = create_draft(
        None, customer_id=CustomerFactory().id, lines=[line()], doc_type="proforma"
    )
    posted = post_invoice(None, draft.id)
    assert posted.number == "PF-2026-001"
    assert posted.journal_entry_id is None
    assert db.session.scalar(select(func.count()).select_from(JournalEntry)) == 0
    assert date(2026, 6, 14) == posted.invoice_date


def test_update_numbering_start_after_numbers_issued_refused(session):
    post_invoice(None, create_draft(None, customer_id=CustomerFactory().id, lines=[line()]).id)
    with pytest.raises(ValidationFailed) as caught:
        update_numbering(None, "invoice", prefix_template="INV-{year}-", start_number=500)
    assert "start_number" in caught.value.fields
    assert verify_ledger() == []


def test_update_numbering_prefix_after_numbers_issued_applies_to_next(session):
    customer = CustomerFactory()
    post_invoice(None, create_draft(None, customer_id=customer.id, lines=[line()]).id)
    update_numbering(None, "invoice", prefix_template="SRV-{year}/", start_number=1)
    second = post_invoice(None, create_draft(None, customer_id=customer.id, lines=[line()]).id)
    assert second.number == "SRV-2026/002"
    assert verify_ledger() == []


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("INV {year} #", "INV 2026 #001"),  # plain ASCII: drawn, formatted and sealed in SQL
        ("{year}{year}-", "20262026-001"),  # every {year} is replaced
        ("RÉ-{year}-", "RÉ-2026-001"),  # JSON escapes É: numbered in SQL, sealed in Python
        ('Q"{year}\\', 'Q"2026\\001'),  # a quote and a backslash, escaped in the seal
    ],
)
def test_post_number_and_seal_for_any_prefix(session, prefix, expected):
    update_numbering(None, "invoice", prefix_template=prefix, start_number=1)
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    posted = post_invoice(None, draft.id)
    assert posted.number == expected
    assert posted.sequence == 1
    assert verify_ledger() == []  # the stored seal is the one recomputed from the row


def test_post_number_wider_than_its_padding_is_not_cut(session):
    update_numbering(None, "invoice", prefix_template="INV-", start_number=999)
    customer = CustomerFactory()
    first = post_invoice(None, create_draft(None, customer_id=customer.id, lines=[line()]).id)
    second = post_invoice(None, create_draft(None, customer_id=customer.id, lines=[line()]).id)
    assert (first.number, second.number) == ("INV-999", "INV-1000")
    assert verify_ledger() == []


def test_post_in_a_series_never_set_up_gets_the_default_format(session):
    db.session.execute(NumberSeries.__table__.delete().where(NumberSeries.code == "invoice"))
    draft = create_draft(None, customer_id=CustomerFactory().id, lines=[line()])
    assert post_invoice(None, draft.id).number == "INV-2026-001"
    assert db.session.get(NumberSeries, "invoice").prefix_template == "INV-{year}-"
    assert verify_ledger() == []
