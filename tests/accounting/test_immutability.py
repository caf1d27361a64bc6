"""Posted documents and ledger rows refuse every change: services, the ORM and raw SQL.

The scenario holds one row of every frozen kind: a posted invoice with lines and VAT lines,
its journal entry and lines, a cash payment with its receipt, allocations and a credit note.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from app.accounting.credit_notes import issue_credit_note
from app.accounting.models import Allocation, JournalEntry, JournalLine, Payment
from app.accounting.services import post_invoice, register_payment
from app.accounting.verify import verify_ledger
from app.company.services import set_lock_date
from app.core.errors import InvoiceNotDraft, PeriodLocked
from app.invoicing.models import Invoice, InvoiceLine, InvoiceTax
from app.invoicing.services import create_draft, delete_draft, update_draft
from tests.factories import CustomerFactory, line

# Columns a posted row may still change, by design: settlement and delivery marks on
# invoices; the reversal fields of a payment that is still posted.
STILL_MUTABLE = {
    "invoices": {"payment_state", "residual", "sent_at", "viewed_at"},
    "payments": {"state", "reversal_entry_id", "reversed_at", "reversal_reason"},
}
MODELS = (Invoice, InvoiceLine, InvoiceTax, JournalEntry, JournalLine, Payment, Allocation)


@pytest.fixture
def frozen(session):
    """Ids of one posted row per table (the credit note's rows count as invoice rows)."""
    customer = CustomerFactory()
    draft = create_draft(
        None,
        customer_id=customer.id,
        lines=[
            line("Labour", "2", "50.00", "13.5", "labour"),
            line("Pump", "1", "80", "23", "parts"),
        ],
        discount_kind="percent",
        discount_value="5",
        reference="PO-1",
        notes="n",
        terms="t",
    )
    invoice = post_invoice(None, draft.id)
    payment = register_payment(None, invoice.id, amount="20.00", method="cash", reference="r")
    note = issue_credit_note(
        None,
        invoice.id,
        reason="Pump returned",
        lines=[{"line_id": invoice.lines[1].id, "quantity": "1"}],
    )
    session.flush()
    return {"invoice": invoice.id, "payment": payment.id, "note": note.id}


def frozen_rows(session, ids: dict[str, int]) -> list[tuple[str, int]]:
    docs = [ids["invoice"], ids["note"]]
    rows = [("invoices", i) for i in docs]
    rows += [
        ("invoice_lines", i)
        for i in session.scalars(select(InvoiceLine.id).where(InvoiceLine.invoice_id.in_(docs)))
    ]
    rows += [
        ("invoice_taxes", i)
        for i in session.scalars(select(InvoiceTax.id).where(InvoiceTax.invoice_id.in_(docs)))
    ]
    rows += [("journal_entries", i) for i in session.scalars(select(JournalEntry.id))]
    rows += [("journal_lines", i) for i in session.scalars(select(JournalLine.id))]
    rows += [("payments", ids["payment"])]
    rows += [("allocations", i) for i in session.scalars(select(Allocation.id))]
    return rows


def other_value(column: sa.Column, current: Any) -> Any:
    """A different value of the column's type (NULL where allowed and currently set)."""
    if current is not None and column.nullable:
        return None
    python_type = (
        column.type.python_type
        if not isinstance(column.type, sa.TypeDecorator)
        else (column.type.impl.python_type)
    )
    if python_type in (date, datetime) and isinstance(current, str):
        return "2001-01-01"  # SQLite hands dates to raw SQL as text
    if python_type is int:
        return (current or 0) + 1
    if python_type is str:
        return "X" if current != "X" else "Y"
    if python_type is datetime:
        return (current or datetime(2026, 1, 1)) + timedelta(seconds=1)
    if python_type is date:
        base = current if isinstance(current, date) else date(2026, 1, 1)
        return base + timedelta(days=1)
    if python_type is bool:
        return not current
    raise AssertionError(f"no other value for {column}")


def snapshot(session) -> dict[str, list[tuple[Any, ...]]]:
    return {
        model.__tablename__: [
            tuple(r)
            for r in session.execute(text(f"SELECT * FROM {model.__tablename__} ORDER BY id"))
        ]
        for model in MODELS
    }


REFUSED = re.compile(r"immutable|insert-only")


def refusal(session, change) -> str:
    """Run `change` in a savepoint; the database's refusal message, or "" if it went through."""
    try:
        with session.begin_nested():
            change()
    except DatabaseError as error:
        return str(error)
    return ""


def table(name: str) -> sa.Table:
    return next(m.__table__ for m in MODELS if m.__tablename__ == name)


def test_raw_sql_update_of_any_frozen_column_refused(session, frozen):
    before = snapshot(session)
    attempts = 0
    accepted: list[tuple[str, str, str]] = []
    for name, row_id in frozen_rows(session, frozen):
        for column in table(name).columns:
            if column.name == "id" or column.name in STILL_MUTABLE.get(name, set()):
                continue
            current = session.execute(
                text(f"SELECT {column.name} FROM {name} WHERE id = :id"),
                {"id": row_id},
            ).scalar()
            if name == "payments" and current is None:
                continue  # set-once fields still empty on a posted payment may be filled once
            attempts += 1
            statement = text(f"UPDATE {name} SET {column.name} = :v WHERE id = :id")
            params = {"v": other_value(column, current), "id": row_id}
            message = refusal(session, lambda st=statement, p=params: session.execute(st, p))
            if not REFUSED.search(message):
                accepted.append((name, column.name, message))
    assert attempts > 150
    assert accepted == []
    assert snapshot(session) == before
    assert verify_ledger() == []


def test_raw_sql_delete_of_frozen_rows_refused(session, frozen):
    before = snapshot(session)
    for name, row_id in frozen_rows(session, frozen):
        statement = text(f"DELETE FROM {name} WHERE id = :id")
        message = refusal(session, lambda st=statement, i=row_id: session.execute(st, {"id": i}))
        assert REFUSED.search(message), (name, row_id, message)
    assert snapshot(session) == before


def test_raw_sql_insert_line_into_posted_invoice_refused(session, frozen):
    with pytest.raises(DatabaseError, match="immutable"), session.begin_nested():
        session.execute(
            text(
                "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit, "
                "unit_price, discount_percent, vat_rate, kind, net) "
                "VALUES (:i, 9, 'extra', 1000, 'pcs', 100, 0, 2300, 'other', 100)"
            ),
            {"i": frozen["invoice"]},
        )


def test_orm_change_of_any_frozen_attribute_refused(session, frozen):
    before = snapshot(session)
    attempts = 0
    accepted: list[tuple[str, str, str]] = []
    models = {m.__tablename__: m for m in MODELS}
    for name, row_id in frozen_rows(session, frozen):
        model = models[name]
        for column in table(name).columns:
            if column.name == "id" or column.name in STILL_MUTABLE.get(name, set()):
                continue
            session.expire_all()
            obj = session.get(model, row_id)
            current = getattr(obj, column.key)
            if name == "payments" and current is None:
                continue
            if isinstance(current, Decimal):
                new: Any = current + 1 if not column.nullable else None
            elif isinstance(column.type, sa.TypeDecorator) and current is None:
                new = (
                    Decimal(1)
                    if "Date" not in type(column.type).__name__
                    else (datetime(2026, 1, 1, tzinfo=__import__("datetime").UTC))
                )
            else:
                new = other_value(column, current)
                if isinstance(current, datetime) and new is not None:
                    new = new.replace(tzinfo=current.tzinfo)
            attempts += 1

            def change(obj=obj, key=column.key, new=new):
                setattr(obj, key, new)
                session.flush()

            message = refusal(session, change)
            if not REFUSED.search(message):
                accepted.append((name, column.name, message))
    session.expire_all()
    assert attempts > 150
    assert accepted == []
    assert snapshot(session) == before


def test_orm_delete_of_posted_invoice_refused(session, frozen):
    invoice = session.get(Invoice, frozen["invoice"])

    def delete() -> None:
        session.delete(invoice)
        session.flush()

    assert REFUSED.search(refusal(session, delete))
    session.expire_all()
    assert session.get(Invoice, frozen["invoice"]).state == "posted"


def test_update_draft_on_posted_invoice_refused_by_service(session, frozen):
    with pytest.raises(InvoiceNotDraft):
        update_draft(None, frozen["invoice"], notes="changed")
    with pytest.raises(InvoiceNotDraft):
        update_draft(None, frozen["invoice"], lines=[line()])
    assert session.get(Invoice, frozen["invoice"]).notes == "n"


def test_delete_draft_on_posted_invoice_refused_by_service(session, frozen):
    with pytest.raises(InvoiceNotDraft):
        delete_draft(None, frozen["invoice"])
    assert session.scalar(select(func.count()).where(Invoice.id == frozen["invoice"])) == 1


def test_post_invoice_dated_on_lock_date_refused(session):
    customer = CustomerFactory()
    draft = create_draft(None, customer_id=customer.id, lines=[line()], invoice_date="2026-05-31")
    set_lock_date(None, date(2026, 5, 31))
    with pytest.raises(PeriodLocked, match="locked") as caught:
        post_invoice(None, draft.id)
    assert list(caught.value.fields) == ["invoice_date"]
    assert session.get(Invoice, draft.id).number is None
    later = create_draft(None, customer_id=customer.id, lines=[line()], invoice_date="2026-06-01")
    assert post_invoice(None, later.id).number == "INV-2026-001"


def test_set_lock_date_backwards_refused(session):
    set_lock_date(None, date(2026, 5, 31))
    with pytest.raises(PeriodLocked):
        set_lock_date(None, date(2026, 4, 30))


def test_set_lock_date_today_refused(session):
    with pytest.raises(PeriodLocked):
        set_lock_date(None, date(2026, 6, 14))
