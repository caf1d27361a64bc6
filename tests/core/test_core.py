"""Money parsing, allocation and the use-case transaction's bounded retries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.exc import OperationalError

from app.core import db as core_db
from app.core.money import InvalidNumber, allocate, money, to_decimal


@pytest.mark.parametrize(
    "value", ["NaN", "sNaN", "Infinity", "-inf", "1e400", "1e16", "0.001", "abc", "", 1.5, True]
)
def test_money_bad_value_refused(value):
    with pytest.raises(InvalidNumber):
        money(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12,50", "12.50"), (" 7 ", "7.00"), ("1.500", "1.50"), (3, "3.00"), ("\u22122", "-2.00")],
)
def test_money_accepted_forms_are_exact(value, expected):
    assert money(value) == Decimal(expected)


def test_to_decimal_quantity_keeps_three_places():
    assert to_decimal("0.125", places=3) == Decimal("0.125")


def test_allocate_splits_without_leaking_a_cent():
    assert allocate(Decimal("10.00"), [Decimal(1)] * 3) == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    assert sum(allocate(Decimal("-0.05"), [Decimal(2), Decimal(1)])) == Decimal("-0.05")


def busy() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))


def test_use_case_retries_busy_database_then_succeeds(session, monkeypatch):
    monkeypatch.setattr(core_db.time, "sleep", lambda _: None)
    calls = []

    @core_db.use_case
    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise busy()
        return "done"

    assert flaky() == "done"
    assert len(calls) == 3


def test_use_case_gives_up_after_bounded_attempts(session, monkeypatch):
    monkeypatch.setattr(core_db.time, "sleep", lambda _: None)
    calls = []

    @core_db.use_case
    def always_busy() -> None:
        calls.append(1)
        raise busy()

    with pytest.raises(OperationalError):
        always_busy()
    assert len(calls) == core_db.MAX_ATTEMPTS


def test_use_case_non_retryable_error_raised_at_once(session):
    calls = []

    @core_db.use_case
    def refuse() -> None:
        calls.append(1)
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        refuse()
    assert calls == [1]
