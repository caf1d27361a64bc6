"""A priced item technicians and bookkeepers pick from."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Money, Percent
from app.extensions import db

# What an item is; it decides the revenue account an invoice line credits.
ITEM_KINDS = ("labour", "part", "service", "fee")
# Labour items carry the rate kind that time entries are billed at.
RATE_KINDS = ("normal", "overtime", "travel")


class CatalogItem(db.Model):
    __tablename__ = "catalog_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    rate_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    price: Mapped[Decimal] = mapped_column(Money)  # net unit price in `currency`
    vat_rate: Mapped[Decimal] = mapped_column(Percent)  # percent, e.g. 21.00
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    group: Mapped[str] = mapped_column(String(100), default="")
    barcode: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def revenue_kind(self) -> str:
        """The invoice line kind: labour, parts or other revenue."""
        return {"labour": "labour", "part": "parts"}.get(self.kind, "other")
