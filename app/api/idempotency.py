"""Idempotency-Key for POSTs that create or move something.

The key row is written in the same transaction as the effect and holds the reply, unique on
(user, key). A repeat with the same body gets the stored reply (same status and body); a
repeat with another body gets 422 and nothing is written. A concurrent duplicate blocks on
the unique index (PostgreSQL) or on the write lock (SQLite) until the first commits, rolls
its own effect back and replays the first reply (also when the first already changed what the
duplicate's effect needs, e.g. a duplicate post of a now posted invoice). A refused request
(4xx) stores nothing, so the key can be used again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, request
from marshmallow import Schema
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.api.auth import current_user
from app.api.errors import error_response
from app.api.models import IdempotencyKey
from app.core.db import use_case
from app.core.errors import DomainError
from app.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY = 255


def _fingerprint() -> str:
    body = request.get_json(silent=True)
    canonical = (
        json.dumps(body, sort_keys=True, separators=(",", ":"))
        if body is not None
        else request.get_data(as_text=False).decode("utf-8", "replace")
    )
    text = f"{request.method} {request.path}\n{canonical}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json(status: int, body: str, *, replayed: bool = False) -> Response:
    response = Response(body, status=status, mimetype="application/json")
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@use_case
def _once(user_id: int, key: str, fingerprint: str, effect: Callable[[], tuple[int, str]]) -> Any:
    """Replay a stored reply, or run the effect and store its reply in the same transaction.

    The key row is inserted after the effect, in the same transaction: a concurrent duplicate
    that got this far blocks on the unique index (PostgreSQL) or the write lock (SQLite) until
    the first commits, then fails, rolls its own effect back, and replays the stored reply.
    """
    stored = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if stored is not None:
        return stored.fingerprint, stored.status, stored.body, True
    status, body = effect()
    db.session.add(
        IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint, status=status, body=body)
    )
    db.session.flush()
    return fingerprint, status, body, False


def _stored(user_id: int, key: str) -> tuple[str, int, str, bool] | None:
    # The failed use case rolled back: this read starts afresh and sees the committed reply.
    row = db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    return (row.fingerprint, row.status, row.body, True) if row is not None else None


def respond(status: int, schema: Schema, produce: Callable[[], Any]) -> Response:
    """Run `produce` (which calls one use case) and reply `schema.dump(result)` with `status`."""
    key = request.headers.get(HEADER)

    def effect() -> tuple[int, str]:
        return status, json.dumps(schema.dump(produce()))

    if key is None:
        return _json(*effect())
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        return error_response(
            422,
            "validation_failed",
            f"{HEADER}: use 1 to {MAX_KEY} characters.",
            {HEADER: [f"Use 1 to {MAX_KEY} characters."]},
        )
    user_id, fingerprint = current_user().id, _fingerprint()
    try:
        stored_fingerprint, stored_status, body, replayed = _once(user_id, key, fingerprint, effect)
    except (IntegrityError, DomainError):
        # A concurrent duplicate committed first: its reply is the answer to this one too.
        stored = _stored(user_id, key)
        if stored is None:
            raise
        stored_fingerprint, stored_status, body, replayed = stored
    if stored_fingerprint != fingerprint:
        return error_response(
            422,
            "idempotency_key_reused",
            f"This {HEADER} was used for a different request; use a new key.",
            {HEADER: ["Already used with a different request body."]},
        )
    return _json(stored_status, body, replayed=replayed)
