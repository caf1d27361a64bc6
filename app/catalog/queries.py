"""Catalog reads the pages need beyond services.py: all items incl. inactive, SKU clashes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from app.catalog.models import CatalogItem
from app.core.search import contains_text
from app.extensions import db


def all_items(q: str = "", kind: str | None = None) -> Any:
    """Like `search_items` but with inactive items too (listed after the active ones)."""
    stmt = select(CatalogItem).order_by(CatalogItem.active.desc(), CatalogItem.name)
    if kind:
        stmt = stmt.where(CatalogItem.kind == kind)
    if q:
        stmt = stmt.where(
            or_(
                contains_text(CatalogItem.name, q),
                contains_text(CatalogItem.sku, q),
                CatalogItem.barcode == q.strip(),
            )
        )
    return stmt


def sku_taken(sku: str, except_id: int | None = None) -> bool:
    stmt = select(CatalogItem.id).where(CatalogItem.sku == sku.strip())
    if except_id is not None:
        stmt = stmt.where(CatalogItem.id != except_id)
    return db.session.scalar(stmt) is not None
