"""Login rate limit: failed sign-ins per (e-mail, IP) in a sliding window, kept in the database.

Stored in a table rather than in memory so every web worker sees the same count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.db import UTCDateTime, use_case
from app.extensions import db

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


class LoginAttempt(db.Model):
    """One failed sign-in. Successful sign-ins clear the (e-mail, IP) pair."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_key", "email", "ip", "attempted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _key(email: str) -> str:
    return email.strip().lower()[:254]


def minutes_locked(email: str, ip: str) -> int:
    """0 when sign-in may be tried; else the whole minutes until the oldest failure expires."""
    since = clock.now_utc() - WINDOW
    rows = db.session.execute(
        select(func.count(), func.min(LoginAttempt.attempted_at)).where(
            LoginAttempt.email == _key(email),
            LoginAttempt.ip == ip[:64],
            LoginAttempt.attempted_at > since,
        )
    ).one()
    count, oldest = rows
    if count < MAX_FAILURES or oldest is None:
        return 0
    if oldest.tzinfo is None:  # some drivers return naive values from aggregates
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    left = oldest + WINDOW - clock.now_utc()
    return max(1, -(-int(left.total_seconds()) // 60))


@use_case
def record_failure(email: str, ip: str) -> None:
    db.session.add(LoginAttempt(email=_key(email), ip=ip[:64], attempted_at=clock.now_utc()))
    # Old rows are of no use; trimming here keeps the table small without a job.
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.attempted_at < clock.now_utc() - 4 * WINDOW)
    )


@use_case
def clear_failures(email: str, ip: str) -> None:
    db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.email == _key(email), LoginAttempt.ip == ip[:64])
    )
