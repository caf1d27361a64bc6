"""Schemas of the ledger's read side in the API v1: journal entries and the two reports.

Report sums (an account's balance, a customer's total) may have more digits than any one
document, so they have their own field type, `Sum`.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from app.accounting.models import JOURNALS
from app.api.fields import Day, Id, Money
from app.api.pagination import PageArgs, sort_arg

Str = fields.String
Int = fields.Integer


class JournalLineSchema(Schema):
    account_code = fields.Function(lambda line: line.account.code, required=True)
    account_name = fields.Function(lambda line: line.account.name, required=True)
    debit = Money(required=True)
    credit = Money(required=True)
    label = Str(
        required=True,
        attribute="memo",
        metadata={"description": "Led by the number of the document the entry posts."},
    )
    customer_id = Int(allow_none=True, required=True)
    invoice_id = Int(allow_none=True, required=True)
    due_date = Day(allow_none=True, required=True)


class JournalEntrySchema(Schema):
    id = Int(required=True)
    journal = Str(required=True)
    date = Day(required=True)
    description = Str(
        required=True,
        attribute="memo",
        metadata={"description": "Led by the number of the document the entry posts."},
    )
    invoice_id = Int(allow_none=True, required=True)
    payment_id = Int(allow_none=True, required=True)
    reverses_entry_id = Int(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    lines = fields.List(fields.Nested(JournalLineSchema), required=True)


class JournalListArgs(PageArgs):
    journal = Str(validate=validate.OneOf(JOURNALS))
    date_from = Day()
    date_to = Day()
    invoice_id = Id(strict=False)
    sort = sort_arg(["date", "id"], "-date")


class AsOfArgs(Schema):
    as_of = Day(metadata={"description": "Company-local today if absent."})


def Sum(**kwargs: Any) -> Money:  # noqa: N802 - reads as a field type
    """A report's sum over many documents: each document is at most 12 digits before the dot,
    their sums (an account's balance, a customer's total) can be more."""
    return Money(digits=18, **kwargs)


class TrialBalanceRowSchema(Schema):
    account_id = Int(required=True)
    code = Str(required=True)
    name = Str(required=True)
    type = Str(required=True)
    debit = Sum(required=True)
    credit = Sum(required=True)
    balance = Sum(required=True)


class TrialBalanceSchema(Schema):
    as_of = Day(required=True)
    rows = fields.List(fields.Nested(TrialBalanceRowSchema), required=True)
    total_debit = Sum(required=True)
    total_credit = Sum(required=True)


class AgingRowSchema(Schema):
    customer_id = Int(required=True)
    customer_name = Str(required=True)
    buckets = fields.Dict(keys=Str(), values=Sum(), required=True)
    unapplied = Sum(required=True)
    total = Sum(required=True)


class AgingSchema(Schema):
    as_of = Day(required=True)
    buckets = fields.List(Str(), required=True)
    rows = fields.List(fields.Nested(AgingRowSchema), required=True)
    totals = fields.Dict(keys=Str(), values=Sum(), required=True)
