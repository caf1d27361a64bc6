"""Trial balance and receivable aging as of any date: single aggregate queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select

from app.accounting.models import Account, Allocation, JournalLine
from app.customers.models import Customer
from app.extensions import db
from app.invoicing.models import Invoice

ZERO = Decimal("0.00")
AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")


@dataclass(frozen=True)
class TrialBalanceRow:
    account_id: int
    code: str
    name: str
    type: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


def trial_balance(as_of: date) -> list[TrialBalanceRow]:
    """Per account, total debits and credits up to and including `as_of`."""
    rows = db.session.execute(
        select(
            Account.id,
            Account.code,
            Account.name,
            Account.type,
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        )
        .join(JournalLine, JournalLine.account_id == Account.id)
        .where(JournalLine.date <= as_of)
        .group_by(Account.id, Account.code, Account.name, Account.type)
        .order_by(Account.code)
    ).all()
    return [TrialBalanceRow(*row) for row in rows]


def receivable_balance(as_of: date, customer_id: int | None = None) -> Decimal:
    stmt = (
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0))
        .join(Account, Account.id == JournalLine.account_id)
        .where(Account.role == "receivable", JournalLine.date <= as_of)
    )
    if customer_id is not None:
        stmt = stmt.where(JournalLine.customer_id == customer_id)
    return Decimal(db.session.scalar(stmt) or 0)


@dataclass
class AgingRow:
    customer_id: int
    customer_name: str
    buckets: dict[str, Decimal]
    unapplied: Decimal

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO) - self.unapplied


def receivable_aging(as_of: date) -> list[AgingRow]:
    """Open invoice amounts as of a date, by days past due, per customer.

    Reads the ledger as it stood on `as_of`: an invoice's open amount is its receivable debit
    minus allocations dated on or before that day. Money received but not yet allocated is
    shown as unapplied credit, so each row's total equals the customer's receivable balance.
    """
    allocated = (
        select(Allocation.invoice_id, func.sum(Allocation.amount).label("paid"))
        .where(Allocation.date <= as_of)
        .group_by(Allocation.invoice_id)
        .subquery()
    )
    days = (
        func.julianday(as_of) - func.julianday(Invoice.due_date)
        if _sqlite()
        else (as_of - Invoice.due_date)
    )
    open_amount = Invoice.gross_total - func.coalesce(allocated.c.paid, 0)
    bucket = case(
        (days <= 0, "current"),
        (days <= 30, "1-30"),
        (days <= 60, "31-60"),
        (days <= 90, "61-90"),
        else_="90+",
    )
    rows = db.session.execute(
        select(Invoice.customer_id, bucket.label("bucket"), func.sum(open_amount).label("amount"))
        .outerjoin(allocated, allocated.c.invoice_id == Invoice.id)
        .where(
            Invoice.doc_type == "invoice", Invoice.state == "posted", Invoice.invoice_date <= as_of
        )
        .group_by(Invoice.customer_id, bucket)
    ).all()
    balances = dict(
        db.session.execute(
            select(JournalLine.customer_id, func.sum(JournalLine.debit - JournalLine.credit))
            .join(Account, Account.id == JournalLine.account_id)
            .where(Account.role == "receivable", JournalLine.date <= as_of)
            .group_by(JournalLine.customer_id)
        ).all()
    )
    names = dict(db.session.execute(select(Customer.id, Customer.name)).all())
    by_customer: dict[int, AgingRow] = {}
    for customer_id, bucket_name, amount in rows:
        row = by_customer.setdefault(
            customer_id,
            AgingRow(
                customer_id, names.get(customer_id, "?"), dict.fromkeys(AGING_BUCKETS, ZERO), ZERO
            ),
        )
        row.buckets[bucket_name] += Decimal(amount)
    for customer_id, balance in balances.items():
        row = by_customer.setdefault(
            customer_id,
            AgingRow(
                customer_id, names.get(customer_id, "?"), dict.fromkeys(AGING_BUCKETS, ZERO), ZERO
            ),
        )
        row.unapplied = sum(row.buckets.values(), ZERO) - Decimal(balance)
    return sorted(
        (r for r in by_customer.values() if r.total or any(r.buckets.values())),
        key=lambda r: r.customer_name,
    )


def _sqlite() -> bool:
    return db.session.get_bind().dialect.name == "sqlite"
