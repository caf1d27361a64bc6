"""Shared pieces of the resource blueprints: the blueprint factory and documented headers."""

from __future__ import annotations

import json
from typing import Any

import flask
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.routing import IntegerConverter

from app.api.auth import authenticate
from app.api.errors import handle_domain_error
from app.core.errors import DomainError
from app.core.search import MAX_ID

IDEMPOTENCY_PARAM = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Repeat the request with the same key and body to get the stored reply "
    "instead of a second effect. Keys are kept for 7 days (FIELDPOST_IDEMPOTENCY_KEY_DAYS).",
}
ID_PATH = "<id:{}>"


class IdConverter(IntegerConverter):
    """An object's id in an API path: any run of digits.

    werkzeug's `int(max=...)` refuses an oversized id on some routes of a path and not on
    others, so a DELETE of an id no row can have answered 405 instead of 404. With every run
    of digits matching, a method the path does not take is a 405 and an id beyond any row a
    404 (app.web refuses those before any query). The OpenAPI document states the range."""


def id_parameter_schema(_converter: IdConverter) -> dict[str, Any]:
    return {"type": "integer", "minimum": 1, "maximum": MAX_ID}


class JsonBodyParser(FlaskParser):
    """Request bodies are JSON or nothing.

    webargs reads a body of another content type as "no body", so a form-encoded request
    would be told its fields are missing; here it is told to send JSON instead (415). JSON
    nested deeper than the decoder's recursion limit is malformed input (400), not a crash.
    """

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            if req.get_data(cache=True):
                raise UnsupportedMediaType(
                    "Send the body as JSON with the header Content-Type: application/json."
                )
            return core.missing
        try:
            return super()._raw_load_json(req)
        except RecursionError as error:
            raise json.JSONDecodeError("The body is nested too deeply.", "-", 0) from error


class ApiBlueprint(Blueprint):  # type: ignore[misc]
    ARGUMENTS_PARSER = JsonBodyParser()


def resource(name: str, url_prefix: str, description: str) -> Blueprint:
    blp = ApiBlueprint(f"api-{name}", __name__, url_prefix=url_prefix, description=description)
    blp.before_request(authenticate)
    blp.register_error_handler(DomainError, handle_domain_error)
    return blp
