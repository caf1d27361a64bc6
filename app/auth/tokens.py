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

from sqlalchemy import bindparam, func, select, update

from app.auth.models import User
from app.auth.services import find_user_by_email
from app.auth.token_models import ApiToken
from app.core.db import use_case, utcnow
from app.core.errors import NotFound, ValidationFailed
from app.core.form_tokens import require_unused_form_token
from app.extensions import db

TOKEN_START = "fp_"  # noqa: S105 - the public marker of a Fieldpost token, not a secret
# last_used_at is refreshed at most this often, so reads do not turn into writes.
TOUCH_EVERY = timedelta(minutes=1)
MAX_NAME = 100
# A user rarely needs more than a handful; the cap keeps forgotten tokens from piling up.
MAX_LIVE_TOKENS = 20


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _user_by_email(email: str) -> User:
    user = find_user_by_email(email)
    if user is None:
        raise ValidationFailed({"email": [f"No user with the e-mail {email}."]})
    return user


@use_case
def issue_token(actor: Any, email: str, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user (the server's command line); the raw token is returned once
    and never stored."""
    user = _user_by_email(email)
    if not user.active:
        raise ValidationFailed({"email": [f"{user.email} is deactivated."]})
    name = name.strip()[:MAX_NAME]
    if not name.isprintable():
        raise ValidationFailed({"name": ["Use one line of text, without control characters."]})
    return _new_token(user, name, field="email")


@use_case
def issue_own_token(actor: User, name: str, form_token: str | None = None) -> tuple[ApiToken, str]:
    """A new token for the signed-in user, named for what it is for (the account page). With
    the page's one-time `form_token`, a resent form (a reload) creates nothing a second time."""
    if form_token is not None:
        require_unused_form_token(
            form_token, "api_token", "That form was already sent; its token was created once."
        )
    name = name.strip()
    if not name:
        raise ValidationFailed({"name": ["Say what the token is for, e.g. “Accounting sync”."]})
    if len(name) > MAX_NAME:
        raise ValidationFailed({"name": [f"Use at most {MAX_NAME} characters."]})
    if not name.isprintable():
        raise ValidationFailed({"name": ["Use one line of text, without control characters."]})
    return _new_token(actor, name, field="name")


def _new_token(user: User, name: str, *, field: str) -> tuple[ApiToken, str]:
    """A token for `user`, within the cap on active tokens (refused naming `field`)."""
    # The user's row is locked first, so two requests at once cannot both pass the cap
    # (FOR NO KEY UPDATE: rows that merely reference the user are not held up).
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
    live = db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if (live or 0) >= MAX_LIVE_TOKENS:
        raise ValidationFailed(
            {
                field: [
                    f"{'You have' if field == 'name' else user.email + ' has'} "
                    f"{MAX_LIVE_TOKENS} active tokens; revoke one no longer used."
                ]
            }
        )
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user=user, prefix=prefix, token_hash=hash_token(raw), name=name)
    db.session.add(token)
    db.session.flush()
    return token, raw


def list_tokens(email: str) -> list[ApiToken]:
    return tokens_of(_user_by_email(email).id)


def tokens_of(user_id: int) -> list[ApiToken]:
    """A user's tokens, active ones first, newest first within each."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def token_of(actor: User, token_id: int) -> ApiToken:
    """One token its owner may manage, and an admin anyone's (someone leaves, a laptop is
    lost). Another user's token is "not found", so ids reveal nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and actor.role != "admin"):
        raise NotFound("No such token.", field="token_id")
    return token


@use_case
def revoke_token_by_id(actor: User, token_id: int) -> tuple[ApiToken, bool]:
    """Revoke one token from the account or users page: the token, and whether this call
    revoked it (revoking twice changes nothing)."""
    token = token_of(actor, token_id)
    return token, _revoke(token)


@use_case
def revoke_token(actor: Any, prefix: str) -> ApiToken:
    prefix = prefix.strip().removeprefix(TOKEN_START).split("_")[0]
    token = db.session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None:
        raise NotFound(f"No token with the prefix {prefix}.", field="prefix")
    _revoke(token)
    return token


def _revoke(token: ApiToken) -> bool:
    """Revoke `token` now; False when it already was (revoking twice changes nothing)."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True


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
