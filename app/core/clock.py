"""The one source of "now". Tests and the scheduler's simulations set a fixed instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_fixed: datetime | None = None


def now_utc() -> datetime:
    return _fixed if _fixed is not None else datetime.now(UTC)


def today_in(timezone: str) -> date:
    """The calendar date in the company's time zone: due dates and overdue use this."""
    return now_utc().astimezone(ZoneInfo(timezone)).date()


def freeze(instant: datetime | None) -> None:
    """Pin the clock (aware datetime) or release it with None."""
    global _fixed
    if instant is not None and instant.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _fixed = instant.astimezone(UTC) if instant else None


def advance(delta: timedelta) -> None:
    freeze(now_utc() + delta)
