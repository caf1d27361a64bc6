"""Bearer-token authentication and role checks for every API request.

Only `Authorization: Bearer <token>` counts: a session cookie alone or a token in the URL
(?token=, ?access_token=) is refused with 401, so tokens never land in logs or histories.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, request

from app.api.errors import error_response
from app.auth.models import User
from app.auth.tokens import authenticate_token

URL_TOKEN_PARAMS = ("token", "access_token", "api_key", "apikey")


def authenticate() -> Any:
    """before_request hook of every API blueprint: sets g.api_user or replies 401."""
    if request.method == "OPTIONS":
        return None
    if any(name in request.args for name in URL_TOKEN_PARAMS):
        return error_response(
            401,
            "token_in_url",
            "Send the token in the Authorization header, never in the URL.",
        )
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return error_response(
            401, "unauthorized", "Send an API token as 'Authorization: Bearer <token>'."
        )
    user = authenticate_token(raw.strip())
    if user is None:
        return error_response(401, "invalid_token", "This token is unknown or revoked.")
    g.api_user = user
    return None


def current_user() -> User:
    user: User = g.api_user
    return user


def roles(*allowed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only these roles may call the operation; others get 403 (the same roles as the web pages:
    an admin manages settings, users, customers and the catalog, not invoices or money)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user.role not in allowed:
                return error_response(
                    403,
                    "forbidden",
                    f"{_article(user.role)} {user.role} token cannot do this operation.",
                )
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _article(word: str) -> str:
    return "An" if word[:1] in "aeiou" else "A"
