"""Service orders and what technicians record on them: time, parts, photos, sign-off.

Actual time is stored as worked; billed time is derived at invoicing by the company policy
(app/service_orders/billing.py) and never written back over the actual minutes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.catalog.models import CatalogItem
from app.core.db import Money, Percent, Quantity, UTCDateTime, utcnow
from app.customers.models import Contact, Customer, Site
from app.extensions import db

PRIORITIES = ("low", "normal", "high", "urgent")

order_technicians = Table(
    "service_order_technicians",
    db.metadata,
    Column("order_id", ForeignKey("service_orders.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class ServiceOrder(db.Model):
    __tablename__ = "service_orders"
    __table_args__ = (Index("ix_service_orders_state_customer", "state", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default="new")
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("customer_sites.id"), nullable=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_contacts.id"), nullable=True
    )
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    scheduled_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    scheduled_end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The catalog fee item billed once per order (None: no call-out fee).
    call_out_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_items.id"), nullable=True
    )
    report: Mapped[str] = mapped_column(Text, default="")  # the intervention report
    signature_path: Mapped[str | None] = mapped_column(String(300), nullable=True)
    signed_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The tablet's id for the signature stored: a signature sent again after a lost
    # connection carries the same id and changes nothing.
    signature_client_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Time or parts changed after the customer signed: the signature no longer covers them.
    signature_outdated: Mapped[bool] = mapped_column(Boolean, default=False)
    # The draft (or, once posted, the invoice) billing this order; NULL while in the queue.
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="SET NULL"), nullable=True, index=True
    )
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    invoiced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    customer: Mapped[Customer] = relationship(lazy="joined", innerjoin=True)
    site: Mapped[Site | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    call_out_item: Mapped[CatalogItem | None] = relationship()
    technicians: Mapped[list[User]] = relationship(
        secondary=order_technicians, order_by="User.name"
    )
    time_entries: Mapped[list[TimeEntry]] = relationship(
        back_populates="order", order_by="TimeEntry.id", cascade="all, delete-orphan"
    )
    parts: Mapped[list[PartUsage]] = relationship(
        back_populates="order", order_by="PartUsage.id", cascade="all, delete-orphan"
    )
    photos: Mapped[list[OrderPhoto]] = relationship(
        back_populates="order", order_by="OrderPhoto.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return f"SO-{self.id:05d}"

    @property
    def technician_ids(self) -> set[int]:
        return {user.id for user in self.technicians}

    def is_assigned_to(self, user_id: int) -> bool:
        return user_id in self.technician_ids


class TimeEntry(db.Model):
    """Labour on an order by one technician: a start/stop span, a running timer or a duration."""

    __tablename__ = "time_entries"
    __table_args__ = (
        # At most one running timer per technician, enforced by the database too.
        Index(
            "uq_time_entries_running",
            "technician_id",
            unique=True,
            sqlite_where=text("running"),
            postgresql_where=text("running"),
        ),
        Index("ix_time_entries_technician_day", "technician_id", "work_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("service_orders.id", ondelete="CASCADE"), index=True
    )
    technician_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Generated by the tablet; a retried submission with the same id returns this row.
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)
    rate_kind: Mapped[str] = mapped_column(String(20), default="normal")
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    running: Mapped[bool] = mapped_column(Boolean, default=False)
    # The company-local day the work counts for (24 h per day at most).
    work_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer, default=0)  # actual minutes worked
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[ServiceOrder] = relationship(back_populates="time_entries")
    technician: Mapped[User] = relationship(foreign_keys=[technician_id])


class PartUsage(db.Model):
    """A part (or free line) used on an order; a return is a negative row against a use."""

    __tablename__ = "part_usages"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("service_orders.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)
    catalog_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_items.id"), nullable=True
    )
    # The use this row returns (negative quantity); NULL for a use.
    returns_usage_id: Mapped[int | None] = mapped_column(
        ForeignKey("part_usages.id"), nullable=True, index=True
    )
    description: Mapped[str] = mapped_column(Text)
    sku: Mapped[str] = mapped_column(String(64), default="")
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    quantity: Mapped[Decimal] = mapped_column(Quantity)  # negative for a return
    # Snapshot of the catalog price at use; NULL on a free line not yet priced by the office.
    unit_price: Mapped[Decimal | None] = mapped_column(Money, nullable=True)
    vat_rate: Mapped[Decimal | None] = mapped_column(Percent, nullable=True)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    line_kind: Mapped[str] = mapped_column(String(10), default="parts")  # invoice line kind
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[ServiceOrder] = relationship(back_populates="parts")

    @property
    def is_return(self) -> bool:
        return self.returns_usage_id is not None


class OrderPhoto(db.Model):
    """A photo stored under UPLOAD_DIR; type checked by content, not by file name."""

    __tablename__ = "order_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("service_orders.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(300))  # relative to UPLOAD_DIR
    content_type: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)  # bytes
    original_name: Mapped[str] = mapped_column(String(200), default="")
    caption: Mapped[str] = mapped_column(String(300), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[ServiceOrder] = relationship(back_populates="photos")
