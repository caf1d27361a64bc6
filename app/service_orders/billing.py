"""Billable time from actual time: the company's rounding policy, as pure functions.

Actual minutes are never changed. Billed minutes are derived per order, from that order's
own entries only, so the same order bills the same time whether it is invoiced alone, with
others, or again after its draft was deleted: rounding cannot drift from one invoice to the
next. Decimal hours on invoice lines are spread with a running total so the hours of several
lines at one rate add up exactly to the rounded total (no 0.001 h creeping in per line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HOURS_PLACES = Decimal("0.001")
RATE_ORDER = ("normal", "overtime", "travel")


@dataclass(frozen=True)
class Policy:
    rounding_minutes: int = 15  # round up to a multiple of this (1 = no rounding)
    scope: str = "order"  # "entry": round each entry; "order": round each rate's total
    minimum_minutes: int = 0  # an order with any labour bills at least this much


@dataclass(frozen=True)
class Entry:
    rate_kind: str
    minutes: int  # actual minutes worked


def round_up(minutes: int, step: int) -> int:
    """The smallest multiple of `step` not below `minutes` (0 stays 0)."""
    if minutes <= 0:
        return 0
    step = max(step, 1)
    return -(-minutes // step) * step


def billed_minutes(entries: Iterable[Entry], policy: Policy) -> dict[str, int]:
    """Billed minutes per rate kind for one order's entries, in RATE_ORDER.

    Per entry: each entry is rounded up, then summed. Per order: the actual minutes of each
    rate kind are summed, then rounded once. The minimum charge then tops up the first rate
    kind present (normal labour before overtime before travel).
    """
    totals: dict[str, int] = {}
    for entry in entries:
        minutes = max(entry.minutes, 0)
        if policy.scope == "entry":
            minutes = round_up(minutes, policy.rounding_minutes)
        totals[entry.rate_kind] = totals.get(entry.rate_kind, 0) + minutes
    if policy.scope != "entry":
        totals = {kind: round_up(m, policy.rounding_minutes) for kind, m in totals.items()}
    ordered = {k: totals[k] for k in sorted(totals, key=_rate_position) if totals[k] > 0}
    billed = sum(ordered.values())
    if ordered and billed < policy.minimum_minutes:
        first = next(iter(ordered))
        ordered[first] += policy.minimum_minutes - billed
    return ordered


def _rate_position(kind: str) -> tuple[int, str]:
    return (RATE_ORDER.index(kind) if kind in RATE_ORDER else len(RATE_ORDER), kind)


def minutes_to_hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(HOURS_PLACES, rounding=ROUND_HALF_UP)


def spread_hours(minutes: Sequence[int]) -> list[Decimal]:
    """Decimal hours per line whose sum equals the rounded hours of the total minutes.

    Each line gets round(running total) - round(previous running total), so per-line
    rounding never accumulates: 3 lines of 20 minutes give 0.333 + 0.334 + 0.333 = 1.000 h.
    """
    hours: list[Decimal] = []
    running = 0
    previous = Decimal("0.000")
    for value in minutes:
        running += value
        current = minutes_to_hours(running)
        hours.append(current - previous)
        previous = current
    return hours


def actual_minutes(seconds: int) -> int:
    """Worked seconds to whole minutes, half a minute and more counting as a minute."""
    return (max(seconds, 0) + 30) // 60
