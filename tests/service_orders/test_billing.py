"""Billable time: rounding up per entry or per order total, minimum charge, exact hours."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.service_orders.billing import (
    Entry,
    Policy,
    actual_minutes,
    billed_minutes,
    round_up,
    spread_hours,
)


@pytest.mark.parametrize(
    ("minutes", "step", "expected"),
    [(0, 15, 0), (1, 15, 15), (15, 15, 15), (16, 15, 30), (7, 1, 7), (7, 5, 10), (31, 30, 60)],
)
def test_round_up_gives_next_multiple(minutes: int, step: int, expected: int) -> None:
    assert round_up(minutes, step) == expected


def test_billed_minutes_order_scope_rounds_total_once() -> None:
    entries = [Entry("normal", 1)] * 10
    assert billed_minutes(entries, Policy(15, "order")) == {"normal": 15}


def test_billed_minutes_entry_scope_rounds_each_entry() -> None:
    entries = [Entry("normal", 1)] * 10
    assert billed_minutes(entries, Policy(15, "entry")) == {"normal": 150}


@pytest.mark.parametrize(
    ("step", "scope", "expected"),
    [
        (1, "order", 47),
        (5, "order", 50),
        (15, "order", 60),
        (30, "order", 60),
        (1, "entry", 47),
        (5, "entry", 55),
        (15, "entry", 60),
        (30, "entry", 90),
    ],
)
def test_billed_minutes_follow_each_policy(step: int, scope: str, expected: int) -> None:
    entries = [Entry("normal", 12), Entry("normal", 23), Entry("normal", 12)]
    assert billed_minutes(entries, Policy(step, scope)) == {"normal": expected}


def test_billed_minutes_keep_rate_kinds_apart_in_rate_order() -> None:
    entries = [Entry("travel", 20), Entry("normal", 50), Entry("overtime", 5)]
    billed = billed_minutes(entries, Policy(15, "order"))
    assert list(billed.items()) == [("normal", 60), ("overtime", 15), ("travel", 30)]


def test_minimum_charge_tops_up_first_rate_kind() -> None:
    entries = [Entry("overtime", 10), Entry("travel", 10)]
    billed = billed_minutes(entries, Policy(5, "order", minimum_minutes=60))
    assert billed == {"overtime": 50, "travel": 10}


def test_minimum_charge_ignored_when_already_reached() -> None:
    billed = billed_minutes([Entry("normal", 75)], Policy(15, "order", minimum_minutes=60))
    assert billed == {"normal": 75}


def test_minimum_charge_not_applied_without_labour() -> None:
    assert billed_minutes([], Policy(15, "order", minimum_minutes=60)) == {}


def test_spread_hours_sum_to_rounded_total() -> None:
    hours = spread_hours([20, 20, 20])
    assert hours == [Decimal("0.333"), Decimal("0.334"), Decimal("0.333")]
    assert sum(hours) == Decimal("1.000")


def test_spread_hours_of_quarter_hours_are_exact() -> None:
    assert spread_hours([15, 45, 90]) == [Decimal("0.250"), Decimal("0.750"), Decimal("1.500")]


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 0), (29, 0), (30, 1), (89, 1), (3600, 60)])
def test_actual_minutes_round_half_minute_up(seconds: int, minutes: int) -> None:
    assert actual_minutes(seconds) == minutes


entries_strategy = st.lists(
    st.builds(Entry, st.sampled_from(["normal", "overtime", "travel"]), st.integers(0, 600)),
    max_size=30,
)
policies = st.builds(
    Policy,
    st.sampled_from([1, 5, 6, 10, 15, 30, 60]),
    st.sampled_from(["entry", "order"]),
    st.integers(0, 120),
)


@settings(max_examples=300, deadline=None)
@given(entries_strategy, policies)
def test_billed_minutes_never_below_actual_and_on_the_grid(
    entries: list[Entry], policy: Policy
) -> None:
    billed = billed_minutes(entries, policy)
    actual = sum(e.minutes for e in entries)
    assert sum(billed.values()) >= actual
    if actual and sum(billed.values()) > policy.minimum_minutes:
        for kind, minutes in billed.items():
            first = next(iter(billed))
            assert kind == first or minutes % policy.rounding_minutes == 0


@settings(max_examples=300, deadline=None)
@given(entries_strategy, st.sampled_from([1, 5, 15, 30]))
def test_order_scope_never_bills_more_than_entry_scope(entries: list[Entry], step: int) -> None:
    per_order = sum(billed_minutes(entries, Policy(step, "order")).values())
    per_entry = sum(billed_minutes(entries, Policy(step, "entry")).values())
    assert per_order <= per_entry


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 900), min_size=1, max_size=40))
def test_spread_hours_always_sum_to_rounded_total(minutes: list[int]) -> None:
    hours = spread_hours(minutes)
    assert sum(hours) == (Decimal(sum(minutes)) / 60).quantize(
        Decimal("0.001"), rounding=ROUND_HALF_UP
    )
    assert all(h > 0 for h in hours)
