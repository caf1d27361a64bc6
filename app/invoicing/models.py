"""Invoices, credit notes and proformas share one document table, with lines and VAT lines.

`state` (draft -> posted) is the document's life; `payment_state` (unpaid, partial, paid,
reversed) is kept in step by accounting. Everything except the payment fields, delivery marks
and stored PDF is frozen once posted, by the services and by database triggers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Money, Percent, Quantity, UTCDateTime, utcnow
from app.core.money import ZERO
from app.core.states import STATUS_LABELS, display_status, is_overdue
from app.customers.models import Customer
from app.extensions import db

DOC_TYPES = ("invoice", "credit_note", "proforma")
LINE_KINDS = ("labour", "parts", "other")
DISCOUNT_KINDS = ("percent", "amount")


class Invoice(db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("series", "fiscal_year", "sequence"),
        Index("ix_invoices_state_due", "state", "payment_state", "due_date"),
        Index("ix_invoices_customer", "customer_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20), default="invoice")
    state: Mapped[str] = mapped_column(String(10), default="draft")
    payment_state: Mapped[str] = mapped_column(String(10), default="unpaid")
    # Assigned only at posting; drafts carry none.
    series: Mapped[str | None] = mapped_column(String(20), nullable=True)
    fiscal_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    number: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # Customer details as printed, frozen at posting so later edits never change a sent document.
    billing_name: Mapped[str] = mapped_column(String(200), default="")
    billing_address: Mapped[str] = mapped_column(Text, default="")
    billing_vat_id: Mapped[str] = mapped_column(String(30), default="")
    billing_email: Mapped[str] = mapped_column(String(254), default="")

    invoice_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    reference: Mapped[str] = mapped_column(String(100), default="")  # the customer's reference
    notes: Mapped[str] = mapped_column(Text, default="")
    terms: Mapped[str] = mapped_column(Text, default="")
    discount_kind: Mapped[str | None] = mapped_column(String(10), nullable=True)
    discount_value: Mapped[Decimal | None] = mapped_column(Money, nullable=True)

    subtotal: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    discount_total: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    net_total: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    vat_total: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    gross_total: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    # gross - allocated payments - allocated credit notes; maintained by accounting.
    residual: Mapped[Decimal] = mapped_column(Money, default=ZERO)

    credited_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), nullable=True
    )
    reason: Mapped[str] = mapped_column(Text, default="")  # why a credit note was issued
    # Made by invoicing service orders, which then point at the document: posting and
    # deleting it tell them (and skip asking when no order can point at it).
    from_service_orders: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    journal_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("journal_entries.id", use_alter=True), nullable=True
    )
    seal: Mapped[str | None] = mapped_column(String(64), nullable=True)  # content hash at posting

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    customer: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )
    taxes: Mapped[list[InvoiceTax]] = relationship(
        order_by="InvoiceTax.rate", cascade="all, delete-orphan"
    )
    credited_invoice: Mapped[Invoice | None] = relationship(remote_side=[id])

    @property
    def is_draft(self) -> bool:
        return self.state == "draft"

    @property
    def title(self) -> str:
        kind = {"invoice": "Invoice", "credit_note": "Credit note", "proforma": "Proforma"}
        return self.number or f"Draft {kind[self.doc_type].lower()} #{self.id}"

    def is_overdue(self, today: date) -> bool:
        return is_overdue(
            doc_type=self.doc_type,
            state=self.state,
            payment_state=self.payment_state,
            has_residual=self.residual > 0,
            due=self.due_date,
            today=today,
        )

    def status(self, today: date) -> str:
        return display_status(
            state=self.state,
            payment_state=self.payment_state,
            overdue=self.is_overdue(today),
            sent=self.sent_at is not None,
            viewed=self.viewed_at is not None,
        )

    def status_label(self, today: date) -> str:
        return STATUS_LABELS[self.status(today)]

    @property
    def paid_amount(self) -> Decimal:
        return self.gross_total - self.residual


class InvoiceLine(db.Model):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    unit_price: Mapped[Decimal] = mapped_column(Money)
    discount_percent: Mapped[Decimal] = mapped_column(Percent, default=ZERO)
    vat_rate: Mapped[Decimal] = mapped_column(Percent)
    kind: Mapped[str] = mapped_column(String(10), default="other")  # labour, parts, other
    net: Mapped[Decimal] = mapped_column(Money)  # rounded line net, before document discount
    catalog_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_items.id"), nullable=True
    )
    # Which service order the line came from (set by service orders; no FK: module boundary).
    source_order_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    credited_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice_lines.id"), nullable=True
    )

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class InvoiceTax(db.Model):
    """VAT per rate, stored so a posted document keeps the exact figures it was issued with."""

    __tablename__ = "invoice_taxes"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    rate: Mapped[Decimal] = mapped_column(Percent)
    base: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
