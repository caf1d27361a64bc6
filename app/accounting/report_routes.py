"""The bookkeeper's reports: customer balance, trial balance and aging (with CSV), journal
drill-down. Registered on the accounting blueprint."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import render_template
from werkzeug.wrappers import Response

from app.accounting import queries
from app.accounting.ledger import unapplied_credit
from app.accounting.reports import (
    AGING_BUCKETS,
    receivable_aging,
    receivable_balance,
    trial_balance,
)
from app.accounting.routes import BOOKS, METHOD_LABELS, _date_arg, bp
from app.company.services import company_today
from app.core.http import csv_response, paginate, roles_required
from app.customers.services import get_customer


@bp.get("/customers/<int:customer_id>/balance")
@roles_required(*BOOKS)
def customer_balance(customer_id: int) -> str:
    customer = get_customer(customer_id)
    today = company_today()
    return render_template(
        "accounting/customer_balance.html",
        customer=customer,
        today=today,
        items=queries.open_items(customer_id),
        credit=unapplied_credit(customer_id),
        balance=queries.receivable_lines_open(customer_id),
        payments=paginate(queries.customer_payments(customer_id)),
        methods=METHOD_LABELS,
    )


def _as_of() -> tuple[date, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    chosen = _date_arg("as_of", errors)
    return chosen or company_today(), errors


@bp.get("/reports/trial-balance")
@roles_required(*BOOKS)
def trial_balance_page() -> str:
    as_of, errors = _as_of()
    rows = trial_balance(as_of)
    return render_template(
        "accounting/trial_balance.html",
        rows=rows,
        as_of=as_of,
        errors=errors,
        total_debit=sum((r.debit for r in rows), Decimal("0.00")),
        total_credit=sum((r.credit for r in rows), Decimal("0.00")),
    )


@bp.get("/reports/trial-balance.csv")
@roles_required(*BOOKS)
def trial_balance_csv() -> Response:
    as_of, _ = _as_of()
    rows = trial_balance(as_of)
    return csv_response(
        f"trial-balance-{as_of.isoformat()}.csv",
        ["account", "name", "type", "debit", "credit", "balance"],
        ([r.code, r.name, r.type, r.debit, r.credit, r.balance] for r in rows),
    )


@bp.get("/reports/aging")
@roles_required(*BOOKS)
def aging() -> str:
    as_of, errors = _as_of()
    rows = receivable_aging(as_of)
    totals = {b: sum((r.buckets[b] for r in rows), Decimal("0.00")) for b in AGING_BUCKETS}
    return render_template(
        "accounting/aging.html",
        rows=rows,
        as_of=as_of,
        errors=errors,
        buckets=AGING_BUCKETS,
        totals=totals,
        unapplied=sum((r.unapplied for r in rows), Decimal("0.00")),
        grand=sum((r.total for r in rows), Decimal("0.00")),
        receivable=receivable_balance(as_of),
    )


@bp.get("/reports/aging.csv")
@roles_required(*BOOKS)
def aging_csv() -> Response:
    as_of, _ = _as_of()
    rows = receivable_aging(as_of)
    return csv_response(
        f"aging-{as_of.isoformat()}.csv",
        ["customer", *AGING_BUCKETS, "unapplied_credit", "total"],
        (
            [r.customer_name, *[r.buckets[b] for b in AGING_BUCKETS], r.unapplied, r.total]
            for r in rows
        ),
    )


@bp.get("/reports/accounts/<int:account_id>")
@roles_required(*BOOKS)
def account_lines(account_id: int) -> str:
    as_of, errors = _as_of()
    account = queries.account(account_id)
    debit, credit = queries.account_totals(account_id, as_of)
    return render_template(
        "accounting/account_lines.html",
        account=account,
        as_of=as_of,
        errors=errors,
        page=paginate(queries.account_lines(account_id, as_of)),
        debit=debit,
        credit=credit,
    )


@bp.get("/journal/<int:entry_id>")
@roles_required(*BOOKS)
def entry(entry_id: int) -> str:
    return render_template("accounting/entry.html", entry=queries.entry_with_lines(entry_id))
