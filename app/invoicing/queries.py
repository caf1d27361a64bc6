"""Read-only list queries over documents: one statement per page, no ORM objects.

A list page shows the header of each document (number, customer, dates, totals, status),
never its lines; reading 50 full invoices with their lines and VAT rows costs several times
the CPU of the page itself. The filters and sort orders are `list_invoices`' own, so the
web list and the API list agree on what a filter means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, func, select, type_coerce
from sqlalchemy.engine import Row

from app.core.states import display_status, is_overdue
from app.customers.models import Customer
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.services import list_invoices

# The header columns a summary needs, in the order `summary_json` reads them.
SUMMARY_COLUMNS = (
    Invoice.id,
    Invoice.doc_type,
    Invoice.number,
    Invoice.state,
    Invoice.payment_state,
    Invoice.customer_id,
    Customer.name,
    Invoice.invoice_date,
    Invoice.due_date,
    Invoice.currency,
    Invoice.reference,
    # Stored cents, read as integers and written out by `_cents`: no Decimal per value.
    type_coerce(Invoice.net_total, BigInteger),
    type_coerce(Invoice.vat_total, BigInteger),
    type_coerce(Invoice.gross_total, BigInteger),
    type_coerce(Invoice.residual, BigInteger),
    Invoice.journal_entry_id,
    Invoice.credited_invoice_id,
    Invoice.created_at,
    Invoice.posted_at,
    Invoice.sent_at,
    Invoice.viewed_at,
)


@dataclass(frozen=True)
class SummaryPage:
    rows: list[Row[Any]]
    page: int
    per_page: int
    total: int


def invoice_summary_page(*, page: int, per_page: int, today: date, **filters: Any) -> SummaryPage:
    """One page of document headers and the total count, in one statement (the count is a
    window over the filtered rows; only a page past the end needs a second, counting one)."""
    stmt = list_invoices(today=today, **filters)
    rows = list(
        db.session.execute(
            stmt.with_only_columns(*SUMMARY_COLUMNS, func.count().over())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    if rows:
        total = int(rows[0][-1])
    elif page == 1:
        total = 0
    else:
        counted = stmt.with_only_columns(Invoice.id).order_by(None).subquery()
        total = int(db.session.scalar(select(func.count()).select_from(counted)) or 0)
    return SummaryPage(rows=rows, page=page, per_page=per_page, total=total)


def _cents(value: int) -> str:
    """Integer cents as the API's decimal string: 12345 -> "123.45", -5 -> "-0.05"."""
    sign, whole = ("-", -value) if value < 0 else ("", value)
    return f"{sign}{whole // 100}.{whole % 100:02d}"


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def summary_json(row: Row[Any], today: date) -> dict[str, Any]:
    """A document header as the API's list shows it (InvoiceSummarySchema)."""
    (
        id_,
        doc_type,
        number,
        state,
        payment_state,
        customer_id,
        customer_name,
        invoice_date,
        due_date,
        currency,
        reference,
        net_total,
        vat_total,
        gross_total,
        residual,
        journal_entry_id,
        credited_invoice_id,
        created_at,
        posted_at,
        sent_at,
        viewed_at,
    ) = row[: len(SUMMARY_COLUMNS)]
    overdue = is_overdue(
        doc_type=doc_type,
        state=state,
        payment_state=payment_state,
        has_residual=residual > 0,  # cents
        due=due_date,
        today=today,
    )
    status = display_status(
        state=state,
        payment_state=payment_state,
        overdue=overdue,
        sent=sent_at is not None,
        viewed=viewed_at is not None,
    )
    return {
        "id": id_,
        "doc_type": doc_type,
        "number": number,
        "state": state,
        "payment_state": payment_state,
        "status": status,
        "customer_id": customer_id,
        "customer_name": customer_name,
        "invoice_date": invoice_date.isoformat(),
        "due_date": due_date.isoformat(),
        "currency": currency,
        "reference": reference,
        "net_total": _cents(net_total),
        "vat_total": _cents(vat_total),
        "gross_total": _cents(gross_total),
        "residual": _cents(residual),
        "journal_entry_id": journal_entry_id,
        "credited_invoice_id": credited_invoice_id,
        "created_at": _iso(created_at),
        "posted_at": _iso(posted_at),
        "sent_at": _iso(sent_at),
    }
