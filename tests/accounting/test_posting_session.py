"""Posting writes through Core; the invoice object the caller holds must say what was stored."""

from __future__ import annotations

from sqlalchemy import select

from app.accounting.services import post_invoice
from app.invoicing.models import Invoice
from app.invoicing.operations import seal_of
from app.invoicing.services import create_draft
from tests.factories import CustomerFactory, UserFactory, line

FROZEN = (
    "number",
    "sequence",
    "series",
    "fiscal_year",
    "state",
    "journal_entry_id",
    "posted_by_id",
    "posted_at",
    "residual",
    "billing_name",
    "billing_address",
    "billing_vat_id",
    "billing_email",
    "seal",
)


def _posted(session):
    bookkeeper = UserFactory(role="bookkeeper")
    customer = CustomerFactory()
    draft = create_draft(
        bookkeeper, customer_id=customer.id, lines=[line("Labour", "2", "50.00", "23", "labour")]
    )
    return post_invoice(bookkeeper, draft.id)


def test_post_invoice_returned_object_matches_stored_row(session):
    posted = _posted(session)

    stored = (
        session.execute(select(Invoice.__table__).where(Invoice.__table__.c.id == posted.id))
        .mappings()
        .one()
    )
    assert {key: getattr(posted, key) for key in FROZEN} == {key: stored[key] for key in FROZEN}


def test_post_invoice_leaves_nothing_pending_in_session(session):
    posted = _posted(session)

    assert posted not in session.dirty
    assert posted.seal == seal_of(posted)
