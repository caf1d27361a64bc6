"""The default chart of accounts, seeded once and editable afterwards."""

from __future__ import annotations

from sqlalchemy import select

from app.accounting.models import Account
from app.extensions import db

DEFAULT_CHART = (
    ("1000", "Cash", "asset", "cash"),
    ("1200", "Bank", "asset", "bank"),
    ("1300", "Accounts receivable", "asset", "receivable"),
    ("2100", "VAT output", "liability", "vat_output"),
    ("2200", "Customer credit", "liability", "customer_credit"),
    ("3000", "Owner's equity", "equity", "equity"),
    ("4000", "Labour revenue", "income", "revenue_labour"),
    ("4100", "Parts revenue", "income", "revenue_parts"),
    ("4900", "Other revenue", "income", "revenue_other"),
    ("6000", "Operating expenses", "expense", None),
)


def seed_chart() -> None:
    """Add the default accounts that are missing (by code); never changes existing ones."""
    existing = set(db.session.scalars(select(Account.code)))
    for code, name, type_, role in DEFAULT_CHART:
        if code not in existing:
            db.session.add(Account(code=code, name=name, type=type_, role=role))
    db.session.flush()
