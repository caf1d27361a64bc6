"""Stored replies for Idempotency-Key: one row per (user, key), written with the effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.extensions import db


class IdempotencyKey(db.Model):
    __tablename__ = "api_idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    # sha256 of method, path and the canonical JSON body: a reused key must carry the same request.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text, default="")
    # Indexed for the hourly purge of keys past their retention (jobs: idempotency-keys).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
