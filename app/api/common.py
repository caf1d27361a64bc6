"""Shared pieces of the resource blueprints: the blueprint factory and documented headers."""

from __future__ import annotations

from flask_smorest import Blueprint

from app.api.auth import authenticate
from app.api.errors import handle_domain_error
from app.core.errors import DomainError

IDEMPOTENCY_PARAM = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Repeat the request with the same key and body to get the stored reply "
    "instead of a second effect. Keys are kept for 7 days (FIELDPOST_IDEMPOTENCY_KEY_DAYS).",
}
ID_PATH = "<int(min=1, max=2147483647):{}>"


def resource(name: str, url_prefix: str, description: str) -> Blueprint:
    blp = Blueprint(f"api-{name}", __name__, url_prefix=url_prefix, description=description)
    blp.before_request(authenticate)
    blp.register_error_handler(DomainError, handle_domain_error)
    return blp
