"""Chart of accounts, journal entries and lines, payments and allocations.

Journal entries, their lines and allocations are insert-only (database triggers refuse
UPDATE and DELETE); mistakes are corrected by new reversing entries.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.accounting.posting import document_line_label
from app.core.db import Money, UTCDateTime, utcnow
from app.extensions import db
from app.invoicing.models import Invoice

ACCOUNT_TYPES = ("asset", "liability", "equity", "income", "expense")
JOURNALS = ("sales", "credit_notes", "bank", "cash", "general")
PAYMENT_METHODS = ("bank_transfer", "card", "cash")


class Account(db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(10))
    # Posting rules speak in roles (receivable, bank, vat_output, revenue_labour...).
    role: Mapped[str | None] = mapped_column(String(30), unique=True, nullable=True)


class JournalEntry(db.Model):
    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    journal: Mapped[str] = mapped_column(String(20))
    date: Mapped[date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(String(300))
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), nullable=True, index=True
    )
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id", use_alter=True), nullable=True, index=True
    )
    reverses_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), nullable=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seal: Mapped[str] = mapped_column(String(64))  # sha256 of the entry's content at posting
    # The number of the document the entry posts, read from the document. Posting writes the
    # entry before it draws the number (the counter row is held only until commit), and
    # entries are insert-only (triggers refuse any UPDATE), so the stored description and
    # labels cannot carry it; the number is frozen on the posted document, so a label
    # composed from it at read time never changes either, and the seal stays as written.
    document_number: Mapped[str | None] = column_property(
        select(Invoice.number)
        .where(Invoice.id == invoice_id)
        .correlate_except(Invoice)
        .scalar_subquery()
    )

    lines: Mapped[list[JournalLine]] = relationship(
        order_by="JournalLine.id", back_populates="entry"
    )

    @property
    def memo(self) -> str:
        """The description as read: led by the posted document's number."""
        if self.document_number:
            return f"{self.document_number}: {self.description}"
        return self.description


class JournalLine(db.Model):
    __tablename__ = "journal_lines"
    __table_args__ = (
        # Reports aggregate by account up to a date: this index covers them.
        Index("ix_journal_lines_account_date", "account_id", "date", "debit", "credit"),
        Index("ix_journal_lines_customer", "customer_id", "account_id", "date"),
        # Everything posted about one document: its entry, payments and credits on it.
        Index("ix_journal_lines_invoice", "invoice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    date: Mapped[date] = mapped_column(Date)  # the entry's date, repeated for the index
    debit: Mapped[Decimal] = mapped_column(Money)
    credit: Mapped[Decimal] = mapped_column(Money)
    label: Mapped[str] = mapped_column(String(300), default="")
    # Receivable lines name the customer, the document and its due date (aging reads these).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    entry: Mapped[JournalEntry] = relationship(back_populates="lines")
    account: Mapped[Account] = relationship(lazy="joined")

    @property
    def memo(self) -> str:
        """The label as read: led by the posted document's number (see JournalEntry)."""
        return document_line_label(self.entry.document_number, self.label)


class Payment(db.Model):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), nullable=True, index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    date: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(140), default="")
    state: Mapped[str] = mapped_column(String(10), default="posted")  # posted, reversed
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), nullable=True)
    reversal_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id"), nullable=True
    )
    # Cash payments get a numbered receipt from the receipt series.
    receipt_number: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)
    receipt_year: Mapped[int | None] = mapped_column(nullable=True)
    receipt_sequence: Mapped[int | None] = mapped_column(nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reversal_reason: Mapped[str] = mapped_column(Text, default="")


class Allocation(db.Model):
    """Money from a payment or a credit note settling (part of) an invoice.

    Insert-only: undoing one (payment reversed) adds a negative allocation.
    """

    __tablename__ = "allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id"), nullable=True, index=True
    )
    credit_note_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), nullable=True, index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
