"""One JSON error shape for every refusal: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, request
from marshmallow import Schema, fields
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from app.core.errors import DomainError

API_PREFIX = "/api/"

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
}


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    fields = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "Messages per field; `lines[0].unit_price` names a line."},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


def error_response(
    status: int, code: str, message: str, field_errors: dict[str, list[str]] | None = None
) -> Any:
    response = jsonify({"error": {"code": code, "message": message, "fields": field_errors or {}}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fieldpost"'
    return response


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as flat field names: `lines[0].unit_price`."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if isinstance(key, int):
                name = f"{prefix}[{key}]"
            elif key == "_schema":
                name = prefix or "body"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, texts in flatten(value, name).items():
                out.setdefault(field, []).extend(texts)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "body"] = list(messages)
    elif isinstance(messages, list):
        for value in messages:
            for field, texts in flatten(value, prefix).items():
                out.setdefault(field, []).extend(texts)
    else:
        out[prefix or "body"] = [str(messages)]
    return out


def _parse_error(error: HTTPException) -> Any:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or {}
    merged: dict[str, list[str]] = {}
    for location, location_messages in messages.items():
        for field, texts in flatten(location_messages).items():
            name = "body" if field == "body" and location == "json" else field
            merged.setdefault(name, []).extend(texts)
    if error.code == 400:
        return error_response(400, "malformed_json", "The body is not valid JSON.", merged)
    first = next(iter(merged.items()), ("body", ["Invalid input."]))
    return error_response(422, "validation_failed", f"{first[0]}: {first[1][0]}", merged)


def handle_domain_error(error: DomainError) -> Any:
    # UnbalancedEntry keeps its 500: it is a bug in a posting rule, never the caller's input.
    return error_response(error.status, error.code, error.message, error.fields)


def handle_integrity_error(error: IntegrityError) -> Any:
    from app.extensions import db

    db.session.rollback()
    return error_response(409, "conflict", "This conflicts with data saved at the same moment.")


def install_error_handlers(app: Flask) -> None:
    """JSON errors under /api/; every other path keeps the HTML handlers registered before."""
    previous_http = app.error_handler_spec[None][None].get(HTTPException)
    previous_any = app.error_handler_spec[None][None].get(Exception)

    def on_http_error(error: HTTPException) -> Any:
        if not request.path.startswith(API_PREFIX):
            if previous_http is None:
                return error
            return previous_http(error)
        if getattr(error, "data", None) and "messages" in error.data:  # type: ignore[attr-defined]
            return _parse_error(error)
        status = error.code or 500
        if status >= 500:
            return error_response(500, "server_error", "Something went wrong on our side.")
        code = HTTP_CODES.get(status, "error")
        return error_response(status, code, error.description or code.replace("_", " "))

    def on_exception(error: Exception) -> Any:
        if not request.path.startswith(API_PREFIX):
            if previous_any is None:
                raise error
            return previous_any(error)
        if isinstance(error, DomainError):
            return handle_domain_error(error)
        if isinstance(error, IntegrityError):
            return handle_integrity_error(error)
        from app.extensions import db

        db.session.rollback()
        current_app.logger.exception("Unhandled API error")
        if current_app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return error_response(500, "server_error", "Something went wrong on our side.")

    app.register_error_handler(HTTPException, on_http_error)
    app.register_error_handler(Exception, on_exception)
