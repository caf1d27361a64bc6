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

from sqlalchemy import bindparam, select, update

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

    A read of one indexed row (the user and two token columns, no token object); last use is
    written (its own small transaction) at most once a minute per token.
    """
    if not raw.startswith(TOKEN_START) or len(raw) > 200:
        return None
    digest = hash_token(raw)
    found = db.session.execute(_TOKEN_USER, {"digest": digest}).first()
    if found is None:
        return None
    user, token_id, token_hash, last_used_at = found
    if not hmac.compare_digest(token_hash, digest):
        return None
    if last_used_at is None or utcnow() - last_used_at > TOUCH_EVERY:
        _touch(token_id)
    return user  # type: ignore[no-any-return]


# Built once: the user of a live token, with what the check and the touch need.
_TOKEN_USER = (
    select(User, ApiToken.id, ApiToken.token_hash, ApiToken.last_used_at)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_hash == bindparam("digest"),
        ApiToken.revoked_at.is_(None),
        User.active.is_(True),
    )
)


@use_case
def _touch(token_id: int) -> None:
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow())
    )
