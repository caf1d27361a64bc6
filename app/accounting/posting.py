"""Posting rules as pure functions: documents in, balanced journal lines (by role) out.

Invoice: Dr receivable (gross) / Cr revenue per kind (net) / Cr VAT output per rate.
Credit note: the mirror image. Payment: Dr bank or cash / Cr receivable. A reversal swaps
every line's side. No Flask and no database here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
REVENUE_ROLES = {"labour": "revenue_labour", "parts": "revenue_parts", "other": "revenue_other"}


class UnbalancedEntryError(Exception):
    """A posting rule produced lines that do not balance: a bug, never user input."""


@dataclass(frozen=True)
class EntryLine:
    role: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    label: str = ""
    customer_id: int | None = None
    invoice_id: int | None = None
    due_date: date | None = None


@dataclass(frozen=True)
class DocumentFigures:
    """What posting needs from an invoice or credit note."""

    customer_id: int
    document_id: int
    due_date: date
    gross: Decimal
    revenue_by_kind: dict[str, Decimal]
    vat_by_rate: dict[Decimal, Decimal]
    label: str = ""  # posting leaves it empty: the number is read from the document


def _label(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def build_invoice_entry(doc: DocumentFigures) -> list[EntryLine]:
    lines = [
        EntryLine(
            "receivable",
            debit=doc.gross,
            label=doc.label,
            customer_id=doc.customer_id,
            invoice_id=doc.document_id,
            due_date=doc.due_date,
        )
    ]
    for kind in sorted(doc.revenue_by_kind):
        amount = doc.revenue_by_kind[kind]
        if amount:
            lines.append(
                EntryLine(REVENUE_ROLES[kind], credit=amount, label=_label(doc.label, kind))
            )
    for rate in sorted(doc.vat_by_rate):
        amount = doc.vat_by_rate[rate]
        if amount:
            vat = f"VAT {rate}%"
            lines.append(EntryLine("vat_output", credit=amount, label=_label(doc.label, vat)))
    return check_balanced(lines)


# Lines of document entries written before the number was read from the document named
# the draft ("Draft invoice #15 labour"); the number takes that name's place.
_DRAFT_TITLE = re.compile(r"^Draft (?:invoice|credit note|proforma) #\d+ ?")


def document_line_label(number: str | None, label: str) -> str:
    """A journal line's label as read: led by the number of the document its entry posts."""
    if not number:
        return label
    return _label(number, _DRAFT_TITLE.sub("", label, count=1))


def build_credit_note_entry(doc: DocumentFigures) -> list[EntryLine]:
    return check_balanced(reverse_lines(build_invoice_entry(doc)))


def build_payment_entry(
    *, amount: Decimal, method: str, customer_id: int, invoice_id: int | None, label: str
) -> list[EntryLine]:
    money_role = "cash" if method == "cash" else "bank"
    return check_balanced(
        [
            EntryLine(money_role, debit=amount, label=label),
            EntryLine(
                "receivable",
                credit=amount,
                label=label,
                customer_id=customer_id,
                invoice_id=invoice_id,
            ),
        ]
    )


def reverse_lines(lines: Iterable[EntryLine]) -> list[EntryLine]:
    return [replace(line, debit=line.credit, credit=line.debit) for line in lines]


def check_balanced(lines: Sequence[EntryLine]) -> list[EntryLine]:
    """At least two lines, one non-negative side each, debits equal to credits."""
    if len(lines) < 2:
        raise UnbalancedEntryError("an entry needs at least two lines")
    for line in lines:
        if line.debit < 0 or line.credit < 0 or (line.debit > 0) == (line.credit > 0):
            raise UnbalancedEntryError(f"line {line.role} must have exactly one positive side")
    debit = sum((line.debit for line in lines), ZERO)
    credit = sum((line.credit for line in lines), ZERO)
    if debit != credit:
        raise UnbalancedEntryError(f"debits {debit} != credits {credit}")
    return list(lines)


def seal(
    journal: str,
    entry_date: date,
    description: str,
    refs: Sequence[int | None],
    lines: Iterable[tuple[int, Decimal, Decimal, int | None, int | None]],
) -> str:
    """sha256 over an entry's content; `ledger verify` recomputes it from the stored rows."""
    payload = {
        "journal": journal,
        "date": entry_date.isoformat(),
        "description": description,
        "refs": list(refs),
        "lines": [
            [account, str(debit), str(credit), customer, invoice]
            for account, debit, credit, customer, invoice in lines
        ],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
