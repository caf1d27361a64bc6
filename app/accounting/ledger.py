"""Flush-only ledger operations: write a sealed entry, settle invoices, read balances."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, String, bindparam, cast, func, insert, select, text

from app.accounting.models import Account, Allocation, JournalEntry, JournalLine, Payment
from app.accounting.posting import EntryLine, seal
from app.company.models import Company
from app.company.services import PostingRules, get_company
from app.core.db import utcnow
from app.core.errors import DomainError, NotFound
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.operations import PostingDraft, draft_statement, read_for_posting

ZERO = Decimal("0.00")


# Built once and executed with parameters: statement construction is CPU on every posting.
_INSERT_ENTRY = insert(JournalEntry.__table__).returning(JournalEntry.__table__.c.id)
_INSERT_LINES = insert(JournalLine.__table__)
# All accounts that carry a role (a handful): a fixed statement, compiled once, where an
# IN list of the roles asked for would be re-rendered on every posting.
_ACCOUNTS_WITH_ROLES = select(Account.__table__.c.role, Account.__table__.c.id).where(
    Account.__table__.c.role.is_not(None)
)


class ChartIncomplete(DomainError):
    code = "chart_incomplete"


def account_ids_by_role(roles: set[str]) -> dict[str, int]:
    rows = db.session.connection().execute(_ACCOUNTS_WITH_ROLES)
    return _pick_accounts(rows, roles)


def _pick_accounts(rows: Iterable[tuple[str, int]], roles: set[str]) -> dict[str, int]:
    found = {role: account_id for role, account_id in rows if role in roles}
    missing = roles - set(found)
    if missing:
        raise ChartIncomplete(
            f"No account has the role(s) {', '.join(sorted(missing))}; "
            "assign them in the chart of accounts."
        )
    return found


_companies, _accounts = Company.__table__, Account.__table__
# Every account that carries a role, as "role:id,role:id" (a handful).
_ROLE_ACCOUNTS = (
    select(func.aggregate_strings(_accounts.c.role + ":" + cast(_accounts.c.id, String), ","))
    .where(_accounts.c.role.is_not(None))
    .scalar_subquery()
)
# Built once: the draft as invoicing reads it for posting, with what every posting checks
# and books to, in one statement. The company row is read FOR SHARE: a lock-date change
# (which takes it FOR UPDATE) waits for postings in flight, and a posting waits for a
# lock-date change, so no document lands in a period closed while it was being posted.
_READ_FOR_POSTING = (
    draft_statement()
    .add_columns(
        _companies.c.vat_registered, _companies.c.lock_date, _companies.c.currency, _ROLE_ACCOUNTS
    )
    .join(_companies, _companies.c.id == select(func.min(_companies.c.id)).scalar_subquery())
    .suffix_with(f"FOR SHARE OF {_companies.name}", dialect="postgresql")
)


def read_for_posting_with_settings(
    invoice_id: Any,
) -> tuple[PostingDraft, PostingRules, dict[str, int]]:
    """The draft (its row locked), the company's posting rules and the accounts by role."""
    try:
        draft, first_row = read_for_posting(invoice_id, _READ_FOR_POSTING)
    except NotFound:
        get_company()  # no company set up is the better answer, when it is the reason
        raise
    vat_registered, lock_date, currency, role_accounts = first_row[-4:]
    accounts = {}
    for pair in (role_accounts or "").split(","):
        if pair:
            role, account_id = pair.split(":")
            accounts[role] = int(account_id)
    return draft, PostingRules(vat_registered, lock_date, currency), accounts


def write_entry(
    *,
    journal: str,
    entry_date: date,
    description: str,
    lines: Sequence[EntryLine],
    invoice_id: int | None = None,
    payment_id: int | None = None,
    reverses_entry_id: int | None = None,
    actor_id: int | None = None,
    accounts: Mapping[str, int] | None = None,
) -> int:
    """Insert an entry and its lines, sealed; return the entry's id.

    Core, not the ORM: entries are insert-only, so nothing needs the unit of work or the
    identity map. On PostgreSQL one statement writes both; elsewhere the entry's
    `INSERT ... RETURNING id`, then one executemany for the lines.
    `accounts` (by role) is looked up unless the caller already read it.
    """
    roles = {line.role for line in lines}
    if accounts is None:
        accounts = account_ids_by_role(roles)
    else:
        accounts = _pick_accounts(accounts.items(), roles)
    rows = [
        {
            "account_id": accounts[line.role],
            "date": entry_date,
            "debit": line.debit,
            "credit": line.credit,
            "label": line.label[:300],
            "customer_id": line.customer_id,
            "invoice_id": line.invoice_id,
            "due_date": line.due_date,
        }
        for line in lines
    ]
    entry_seal = seal(
        journal,
        entry_date,
        description[:300],
        [invoice_id, payment_id],
        [
            (r["account_id"], r["debit"], r["credit"], r["customer_id"], r["invoice_id"])
            for r in rows
        ],
    )
    entry = {
        "journal": journal,
        "date": entry_date,
        "description": description[:300],
        "invoice_id": invoice_id,
        "payment_id": payment_id,
        "reverses_entry_id": reverses_entry_id,
        "created_by_id": actor_id,
        "seal": entry_seal,
    }
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        columns = {f"lines_{name}": [row[name] for row in rows] for name in _LINE_ARRAYS}
        written = connection.execute(
            _INSERT_ENTRY_WITH_LINES, {**entry, "created_at": utcnow(), **columns}
        )
        return int(written.scalar_one())
    entry_id: int = connection.execute(_INSERT_ENTRY, entry).scalar_one()
    # Core insert on the table: one executemany (the ORM's bulk insert splits the rows into
    # one statement per set of non-NULL columns).
    connection.execute(_INSERT_LINES, [{"entry_id": entry_id, **row} for row in rows])
    return entry_id


# The line columns passed as arrays, in the order unnest() takes them.
_LINE_ARRAYS = ("account_id", "debit", "credit", "label", "customer_id", "invoice_id", "due_date")
_line_columns = JournalLine.__table__.c
# PostgreSQL: the entry and its lines in one statement (one round trip): the entry is
# inserted in a CTE, the lines from arrays, one per column, in their order.
_INSERT_ENTRY_WITH_LINES = text(
    """
    WITH entry AS (
        INSERT INTO journal_entries (journal, date, description, invoice_id, payment_id,
                                     reverses_entry_id, created_by_id, seal, created_at)
        VALUES (:journal, :date, :description, :invoice_id, :payment_id,
                :reverses_entry_id, :created_by_id, :seal, :created_at)
        RETURNING id
    ), inserted AS (
        INSERT INTO journal_lines (entry_id, account_id, date, debit, credit, label,
                                   customer_id, invoice_id, due_date)
        SELECT entry.id, line.account_id, :date, line.debit, line.credit, line.label,
               line.customer_id, line.invoice_id, line.due_date
        FROM entry, unnest(
            CAST(:lines_account_id AS integer[]), CAST(:lines_debit AS bigint[]),
            CAST(:lines_credit AS bigint[]), CAST(:lines_label AS varchar[]),
            CAST(:lines_customer_id AS integer[]), CAST(:lines_invoice_id AS integer[]),
            CAST(:lines_due_date AS date[])
        ) WITH ORDINALITY AS line(account_id, debit, credit, label, customer_id, invoice_id,
                                  due_date, position)
        ORDER BY line.position
    )
    SELECT id FROM entry
    """
).bindparams(
    bindparam("created_at", type_=JournalEntry.__table__.c.created_at.type),
    *(bindparam(f"lines_{name}", type_=ARRAY(_line_columns[name].type)) for name in _LINE_ARRAYS),
)


def allocate_to_invoice(
    invoice: Invoice,
    amount: Decimal,
    on: date,
    *,
    payment_id: int | None = None,
    credit_note_id: int | None = None,
) -> None:
    """Record settlement of `amount` (negative to undo) and refresh the invoice's payment state."""
    if amount == 0:
        refresh_payment_state(invoice)  # a credit note turned wholly into credit still cancels
        return
    db.session.add(
        Allocation(
            invoice_id=invoice.id,
            payment_id=payment_id,
            credit_note_id=credit_note_id,
            amount=amount,
            date=on,
        )
    )
    invoice.residual = invoice.residual - amount
    refresh_payment_state(invoice)
    if credit_note_id is not None:
        refresh_credit_note_state(credit_note_id)


def credited_total(invoice_id: int) -> Decimal:
    """Gross of all credit notes issued against an invoice (allocated or turned into credit)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Invoice.gross_total), 0)).where(
            Invoice.credited_invoice_id == invoice_id,
            Invoice.state == "posted",
            Invoice.doc_type == "credit_note",
        )
    )
    return Decimal(total or 0)


def refresh_payment_state(invoice: Invoice) -> None:
    if invoice.residual < 0 or invoice.residual > invoice.gross_total:
        raise DomainError(f"Residual of {invoice.title} would leave 0..gross.")
    if credited_total(invoice.id) >= invoice.gross_total > 0:
        invoice.payment_state = "reversed"
    elif invoice.residual == 0:
        invoice.payment_state = "paid"
    elif invoice.residual < invoice.gross_total:
        invoice.payment_state = "partial"
    else:
        invoice.payment_state = "unpaid"


def refresh_credit_note_state(note_id: int) -> None:
    """Nothing is due on a credit note (its residual stays 0): its payment state says how much
    of it settles invoices. All of it: paid; some: partial; none yet (all customer credit,
    e.g. the invoice was already paid): unpaid. `reversed` is for invoices only."""
    applied = db.session.scalar(
        select(func.coalesce(func.sum(Allocation.amount), 0)).where(
            Allocation.credit_note_id == note_id
        )
    )
    note = db.session.get(Invoice, note_id)
    assert note is not None
    note.payment_state = credit_note_payment_state(Decimal(applied or 0), note.gross_total)


def credit_note_payment_state(applied: Decimal, gross: Decimal) -> str:
    if applied >= gross:
        return "paid"
    return "partial" if applied > 0 else "unpaid"


def unapplied_sources(customer_id: int) -> list[tuple[str, int, Decimal]]:
    """Payments and credit notes of a customer with money not yet allocated, oldest first."""
    paid = (
        select(Allocation.payment_id, func.sum(Allocation.amount))
        .where(Allocation.payment_id.is_not(None))
        .group_by(Allocation.payment_id)
        .subquery()
    )
    payments = db.session.execute(
        select(Payment.id, Payment.amount - func.coalesce(paid.c[1], 0))
        .outerjoin(paid, paid.c.payment_id == Payment.id)
        .where(Payment.customer_id == customer_id, Payment.state == "posted")
        .order_by(Payment.date, Payment.id)
    ).all()
    credited = (
        select(Allocation.credit_note_id, func.sum(Allocation.amount))
        .where(Allocation.credit_note_id.is_not(None))
        .group_by(Allocation.credit_note_id)
        .subquery()
    )
    notes = db.session.execute(
        select(Invoice.id, Invoice.gross_total - func.coalesce(credited.c[1], 0))
        .outerjoin(credited, credited.c.credit_note_id == Invoice.id)
        .where(
            Invoice.customer_id == customer_id,
            Invoice.doc_type == "credit_note",
            Invoice.state == "posted",
        )
        .order_by(Invoice.invoice_date, Invoice.id)
    ).all()
    sources = [("payment", pid, Decimal(left)) for pid, left in payments]
    sources += [("credit_note", nid, Decimal(left)) for nid, left in notes]
    return [s for s in sources if s[2] > 0]


def unapplied_credit(customer_id: int) -> Decimal:
    return sum((left for _, _, left in unapplied_sources(customer_id)), ZERO)
