"""Idempotency-Key for POSTs that create or move something.

The key row is written in the same transaction as the effect and holds the reply, unique on
(user, key). The effect runs first and the key row is inserted after it with ON CONFLICT DO
NOTHING: a first request pays one INSERT and no lookup. When the key is already taken, by a
repeat or by a concurrent duplicate (which blocks on the unique index, or on the write lock in
SQLite, until the first commits), the insert stores nothing, the effect is rolled back and the
stored reply is replayed: a repeat of the same request gets it (same status and body), a
repeat with another method, path or body gets 422, and nothing is written either way (also
when the first already changed what the repeat's effect needs, e.g. a repeated post of a now
posted invoice). A refused request (4xx) stores nothing, so the key can be used again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Response, request
from marshmallow import Schema
from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from app.api.auth import current_user
from app.api.errors import error_response
from app.api.models import IdempotencyKey
from app.core.db import insert_or_skip, use_case, utcnow
from app.core.errors import DomainError
from app.extensions import db

HEADER = "Idempotency-Key"
MAX_KEY = 255


def _fingerprint() -> str:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested too deep for the decoder: compare the raw bytes instead
        body = None
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


class KeyTaken(Exception):
    """Another request with this key committed first; this one's effect must roll back."""


@use_case
def _once(user_id: int, key: str, fingerprint: str, effect: Callable[[], tuple[int, str]]) -> Any:
    """Run the effect and store its reply under the key, in the same transaction.

    The key row is inserted after the effect with ON CONFLICT DO NOTHING: when the key is
    already stored (a repeat), or a concurrent duplicate holds it (the insert waits on the
    unique index until that one commits), no row comes back, and KeyTaken rolls this effect
    back so the caller can replay the stored reply. A first request costs one statement.
    """
    status, body = effect()
    stored = db.session.execute(
        insert_or_skip(_keys, ("user_id", "key"), (_keys.c.id,)),
        {
            "user_id": user_id,
            "key": key,
            "fingerprint": fingerprint,
            "status": status,
            "body": body,
            "created_at": utcnow(),
        },
    ).first()
    if stored is None:
        raise KeyTaken(key)
    return fingerprint, status, body, False


_keys = IdempotencyKey.__table__
_READ_KEY = select(_keys.c.fingerprint, _keys.c.status, _keys.c.body).where(
    _keys.c.user_id == bindparam("user_id"), _keys.c.key == bindparam("key")
)


def _stored(user_id: int, key: str) -> tuple[str, int, str, bool] | None:
    # The failed use case rolled back: this read starts afresh and sees the committed reply.
    row = db.session.execute(_READ_KEY, {"user_id": user_id, "key": key}).first()
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
    except (KeyTaken, IntegrityError, DomainError):
        # A repeat, or a concurrent duplicate that committed first: the stored reply answers.
        stored = _stored(user_id, key)
        if stored is None:
            raise
        stored_fingerprint, stored_status, body, replayed = stored
    if stored_fingerprint != fingerprint:
        return error_response(
            422,
            "idempotency_key_reused",
            f"This {HEADER} was used for a different request (method, path or body); "
            "use a new key.",
            {HEADER: ["Already used for a different request (method, path or body)."]},
        )
    return _json(stored_status, body, replayed=replayed)


@use_case
def purge_expired_keys(days: int) -> int:
    """Forget keys stored more than `days` ago (the hourly job): a repeat that late runs as a
    new request. Time entries and parts stay once-only for ever through their client id."""
    if days < 1:
        raise ValueError("Keep Idempotency-Key replies for at least one day.")
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(delete(_keys).where(_keys.c.created_at < cutoff))
    return int(result.rowcount or 0)
