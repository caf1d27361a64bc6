"""Shared by the ledger tests: worker processes with their own app, and journal-line readers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.accounting.models import JournalLine
from app.extensions import db

CUSTOMER = {
    "name": "Harbour Bakery Ltd",
    "email": "accounts@harbour.example",
    "vat_id": "IE8256796U",
    "is_business": True,
    "street": "5 Main Street",
    "city": "Cork",
    "postal_code": "T12",
    "country": "IE",
}
THREE_LINES = [
    {
        "description": "Labour",
        "quantity": "2",
        "unit_price": "65.00",
        "vat_rate": "13.5",
        "kind": "labour",
    },
    {
        "description": "Pump",
        "quantity": "1",
        "unit_price": "240.00",
        "vat_rate": "23",
        "kind": "parts",
    },
    {
        "description": "Call-out",
        "quantity": "1",
        "unit_price": "45.00",
        "vat_rate": "23",
        "kind": "other",
    },
]


def entry_rows(entry_id: int | None) -> list[tuple[str, Decimal, Decimal]]:
    """An entry's lines as sorted (account role, debit, credit) triples."""
    rows = db.session.scalars(select(JournalLine).where(JournalLine.entry_id == entry_id)).all()
    return sorted((line.account.role or "", line.debit, line.credit) for line in rows)


def D(value: Any) -> Decimal:
    return Decimal(value)


def clone_drafts(template_id: int, count: int) -> list[int]:
    """`count` copies of a draft (header, lines, VAT lines) in three bulk statements.

    Big concurrency runs need thousands of drafts; making each through `create_draft` would
    spend the test's time on setup instead of on posting.
    """
    from sqlalchemy import insert

    from app.invoicing.models import Invoice, InvoiceLine, InvoiceTax

    def row_of(obj: Any, skip: set[str]) -> dict[str, Any]:
        return {
            c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs if c.key not in skip
        }

    template = db.session.get(Invoice, template_id)
    assert template is not None
    assert template.state == "draft"
    header = row_of(template, {"id"})
    ids = list(
        db.session.scalars(
            insert(Invoice).returning(Invoice.id, sort_by_parameter_order=True),
            [dict(header) for _ in range(count)],
        )
    )
    lines = [row_of(line, {"id", "invoice_id"}) for line in template.lines]
    taxes = [row_of(tax, {"id", "invoice_id"}) for tax in template.taxes]
    db.session.execute(
        insert(InvoiceLine), [{**line, "invoice_id": i} for i in ids for line in lines]
    )
    db.session.execute(insert(InvoiceTax), [{**tax, "invoice_id": i} for i in ids for tax in taxes])
    db.session.commit()
    return ids
