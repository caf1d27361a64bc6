"""/api/v1/journal-entries and /api/v1/reports: the ledger as bookkeepers read it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.accounting.queries import journal_entries
from app.accounting.reports import AGING_BUCKETS, receivable_aging, trial_balance
from app.api.auth import roles
from app.api.common import resource
from app.api.ledger_schemas import (
    AgingSchema,
    AsOfArgs,
    JournalEntrySchema,
    JournalListArgs,
    TrialBalanceSchema,
)
from app.api.pagination import page_schema, paginate
from app.api.schemas import today

journal_blp = resource("journal-entries", "/api/v1/journal-entries", "The posted journal.")
reports_blp = resource("reports", "/api/v1/reports", "Trial balance and receivable aging.")
ZERO = Decimal("0.00")
JournalPage = page_schema(JournalEntrySchema, "JournalEntryPage")


@journal_blp.route("", methods=["GET"])
@roles("bookkeeper")
@journal_blp.arguments(JournalListArgs, location="query")
@journal_blp.response(200, JournalPage)
def journal_index(args: dict[str, Any]) -> Any:
    """List journal entries with their lines; filter by journal, dates or invoice."""
    filters = ("journal", "date_from", "date_to", "invoice_id", "q", "sort")
    stmt = journal_entries(**{name: args.get(name) for name in filters})
    return paginate(stmt, args, JournalEntrySchema(many=True).dump)


@reports_blp.route("/trial-balance", methods=["GET"])
@roles("bookkeeper")
@reports_blp.arguments(AsOfArgs, location="query")
@reports_blp.response(200, TrialBalanceSchema)
def trial_balance_report(args: dict[str, Any]) -> Any:
    """Debits and credits per account up to and including `as_of`."""
    as_of = args.get("as_of") or today()
    rows = trial_balance(as_of)
    return {
        "as_of": as_of,
        "rows": [
            {
                "account_id": r.account_id,
                "code": r.code,
                "name": r.name,
                "type": r.type,
                "debit": r.debit,
                "credit": r.credit,
                "balance": r.balance,
            }
            for r in rows
        ],
        "total_debit": sum((r.debit for r in rows), ZERO),
        "total_credit": sum((r.credit for r in rows), ZERO),
    }


@reports_blp.route("/ar-aging", methods=["GET"])
@roles("bookkeeper")
@reports_blp.arguments(AsOfArgs, location="query")
@reports_blp.response(200, AgingSchema)
def ar_aging_report(args: dict[str, Any]) -> Any:
    """Open receivables per customer by days past due, as the ledger stood on `as_of`."""
    as_of = args.get("as_of") or today()
    rows = receivable_aging(as_of)
    totals = {name: sum((r.buckets[name] for r in rows), ZERO) for name in AGING_BUCKETS}
    totals["unapplied"] = sum((r.unapplied for r in rows), ZERO)
    totals["total"] = sum((r.total for r in rows), ZERO)
    return {
        "as_of": as_of,
        "buckets": list(AGING_BUCKETS),
        "rows": [
            {
                "customer_id": r.customer_id,
                "customer_name": r.customer_name,
                "buckets": r.buckets,
                "unapplied": r.unapplied,
                "total": r.total,
            }
            for r in rows
        ],
        "totals": totals,
    }
