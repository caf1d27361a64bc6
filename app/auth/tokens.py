"""Issuing, listing, revoking and checking API tokens (shown once, stored as sha256).

A token reads `fp_<prefix>_<secret>`: the prefix names it in lists and revocations, the
secret carries 256 bits of randomness, so a plain sha256 is a safe way to store it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.auth.services import find_user_by_email
from app.auth.token_models import ApiToken
from app.core.db import use_case, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.extensions import db

TOKEN_START = "fp_"  # noqa: S105 - the public marker of a Fieldpost token, not a secret
# last_used_at is refreshed at most this often, so reads do not turn into writes.
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _user_by_email(email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise ValidationFailed({"email": [f"No user with the e-mail {email}."]})
    return user


@use_case
def issue_token(actor: Any, email: str, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user; the raw token is returned once and never stored."""
    user = _user_by_email(email)
    if not user.active:
        raise ValidationFailed({"email": [f"{user.email} is deactivated."]})
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=user, prefix=prefix, token_hash=hash_token(raw), name=name.strip()[:100])
    db.session.add(token)
    db.session.flush()
    return token, raw


def list_tokens(email: str) -> list[ApiToken]:
    user = _user_by_email(email)
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
        )
    )


@use_case
def revoke_token(actor: Any, prefix: str) -> ApiToken:
    prefix = prefix.strip().removeprefix(TOKEN_START).split("_")[0]
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None:
        raise NotFound(f"No token with the prefix {prefix}.", field="prefix")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def authenticate_token(raw: str) -> User | None:
    """The active user a raw bearer token belongs to, or None (unknown, revoked, inactive).

    A read; last use is written (its own small transaction) at most once a minute per token.
    """
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    digest = hash_token(raw)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.active:
        return None
    if token.last_used_at is None or utcnow() - token.last_used_at > TOUCH_EVERY:
        _touch(token.id)
    return token.user


@use_case
def _touch(token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is not None:
        token.last_used_at = utcnow()
