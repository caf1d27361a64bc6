"""The single company row holding every setting the documents and the ledger need."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Percent
from app.extensions import db


class Company(db.Model):
    __tablename__ = "company"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="")  # ISO 3166-1 alpha-2
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    vat_id: Mapped[str] = mapped_column(String(30), default="")
    registration_number: Mapped[str] = mapped_column(String(50), default="")
    iban: Mapped[str] = mapped_column(String(34), default="")
    bic: Mapped[str] = mapped_column(String(11), default="")
    bank_name: Mapped[str] = mapped_column(String(100), default="")
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    locale: Mapped[str] = mapped_column(String(10), default="en_IE")
    timezone: Mapped[str] = mapped_column(String(50), default="Europe/Dublin")
    default_payment_terms_days: Mapped[int] = mapped_column(Integer, default=14)
    vat_registered: Mapped[bool] = mapped_column(Boolean, default=True)
    default_vat_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("21.00"))
    terms_url: Mapped[str] = mapped_column(String(300), default="")
    invoice_footer: Mapped[str] = mapped_column(Text, default="")
    brand_color: Mapped[str] = mapped_column(String(7), default="#1f4e79")
    logo_path: Mapped[str] = mapped_column(String(300), default="")
    # Nothing dated on or before this day can be posted, reversed or allocated.
    lock_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Billable-time policy (service orders): round up to this many minutes, per entry or
    # per order total, with a minimum charge in minutes. Actual time is never changed.
    time_rounding_minutes: Mapped[int] = mapped_column(Integer, default=15)
    time_rounding_scope: Mapped[str] = mapped_column(String(10), default="order")
    minimum_billable_minutes: Mapped[int] = mapped_column(Integer, default=0)
