"""Registers the API v1: flask-smorest, JSON errors, CSRF exemption, the offline docs page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Request, render_template
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_smorest import Api as SmorestApi

from app.api.common import IdConverter, id_parameter_schema
from app.api.errors import ErrorSchema, install_error_handlers
from app.extensions import csrf

SPEC_OPTIONS: dict[str, Any] = {
    "info": {
        "description": "Fieldpost's JSON API. Authenticate with `Authorization: Bearer <token>`: "
        "create a token in the web app under Account → API tokens (or on the server with "
        "`flask users token EMAIL`). Money and quantities are decimal strings, dates "
        'YYYY-MM-DD. Errors: `{"error": {"code", "message", "fields"}}`.',
    },
    "servers": [{"url": "/"}],
    "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearerAuth": []}],
}

docs_bp = Blueprint("api_docs", __name__)
DOCS_PATH = "/api/v1/docs"


class CookieSessionsOutsideApi(SecureCookieSessionInterface):
    """The API authenticates by bearer token only, so its requests never open (or write
    back) the signed cookie session: a null session instead, and no Set-Cookie. The docs
    page is a web page and keeps the cookie session."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/api/") and request.path != DOCS_PATH:
            return None  # Flask substitutes its read-only null session
        return super().open_session(app, request)


@docs_bp.get(DOCS_PATH)
def docs_page() -> str:
    """A browsable page that renders /api/v1/openapi.json with self-hosted script only."""
    return render_template("api/docs.html")


class Api(SmorestApi):  # type: ignore[misc]
    """flask-smorest with Fieldpost's error body, answering JSON only under /api/."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        install_error_handlers(self._app)


def register_api(app: Flask) -> None:
    from app.api import catalog, customers, invoices, ledger, service_orders

    app.config.setdefault("API_TITLE", "Fieldpost API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", SPEC_OPTIONS)
    app.session_interface = CookieSessionsOutsideApi()
    app.url_map.converters["id"] = IdConverter
    api = Api(app)
    api.register_converter(IdConverter, id_parameter_schema)
    for blp in (
        customers.blp,
        catalog.blp,
        invoices.blp,
        service_orders.blp,
        ledger.journal_blp,
        ledger.reports_blp,
    ):
        csrf.exempt(blp)
        api.register_blueprint(blp)
    app.register_blueprint(docs_bp)
