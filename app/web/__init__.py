"""HTML plumbing shared by every module's pages: sign-in loader, errors, headers, filters."""

from __future__ import annotations

import secrets

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from app.core.errors import DomainError
from app.core.search import MAX_ID, typed_id
from app.extensions import db, login_manager
from app.web.formatting import register_filters


def register_web(app: Flask) -> None:
    from app.accounting.delivery_routes import bp as delivery_bp
    from app.accounting.routes import bp as accounting_bp
    from app.auth.routes import bp as auth_bp
    from app.catalog.routes import bp as catalog_bp
    from app.company.routes import bp as company_bp
    from app.customers.routes import bp as customers_bp
    from app.invoicing.portal_routes import bp as portal_bp
    from app.invoicing.routes import bp as invoicing_bp
    from app.web.nav import register_template_helpers
    from app.web.routes import bp as web_bp

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = "strong"
    register_filters(app)
    register_template_helpers(app)
    app.jinja_env.globals["style_nonce"] = style_nonce
    app.register_blueprint(web_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(company_bp)
    app.register_blueprint(customers_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(invoicing_bp)
    app.register_blueprint(accounting_bp)
    app.register_blueprint(delivery_bp)
    app.register_blueprint(portal_bp)
    from app.service_orders.routes import register_field_pages

    register_field_pages(app)
    app.before_request(_refuse_huge_ids)
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(Exception, _unexpected_error)


@login_manager.user_loader
def _load_user(user_id: str) -> object:
    from app.auth.models import User

    known = typed_id(user_id)
    return db.session.get(User, known) if known else None


def _refuse_huge_ids() -> None:
    """An id in the URL beyond any stored row is a 404, not a database overflow error."""
    from flask import abort, request

    for value in (request.view_args or {}).values():
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ID:
            abort(404)


def _refuse_nul_characters() -> None:
    """A NUL character cannot be stored (PostgreSQL refuses it in text): a page whose form or
    address carries one is refused naming the field, before anything reads it. The API's
    own fields refuse it with a JSON 422."""
    from flask import abort, request

    if request.path.startswith("/api/"):
        return
    names = ((name, upload.filename or "") for name, upload in request.files.items(multi=True))
    for source in (request.args.items(multi=True), request.form.items(multi=True), names):
        for name, value in source:
            if "\x00" in value:
                abort(
                    400,
                    description=f"“{name}” contains a NUL character, which cannot be stored. "
                    "Remove it and send the form again; nothing was saved.",
                )


def style_nonce() -> str:
    """A nonce for this page's one <style> element (geometry computed per page, such as where
    the schedule's visits sit); only a page that asks for it gets it in the policy. Style
    attributes stay refused."""
    from flask import g

    if "style_nonce" not in g:
        g.style_nonce = secrets.token_urlsafe(16)
    return str(g.style_nonce)


def _security_headers(response):  # type: ignore[no-untyped-def]
    from flask import g

    headers = response.headers
    styles = "'self'" + (f" 'nonce-{g.style_nonce}'" if "style_nonce" in g else "")
    headers.setdefault(
        "Content-Security-Policy",
        f"default-src 'self'; img-src 'self' data: blob:; style-src {styles}; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
    if response.mimetype == "text/html":
        # Pages show ledger figures: never kept in shared caches or the back-forward cache.
        headers.setdefault("Cache-Control", "no-store")
    return response


def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    return render_template("web/error.html", error=error), error.code or 500


def _domain_error(error: DomainError):  # type: ignore[no-untyped-def]
    """A refusal no form caught: its message on an error page with the right 4xx status."""
    from flask import redirect, url_for
    from flask_login import current_user

    db.session.rollback()
    if error.code == "company_not_configured" and getattr(current_user, "role", None) == "admin":
        return redirect(url_for("web.setup"))
    status = error.status if 400 <= error.status < 500 else 409
    return render_template("web/error.html", error=None, domain_error=error), status


def _unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
    # Never a traceback in front of a user; the log has it.
    from flask import current_app

    db.session.rollback()
    current_app.logger.exception("Unhandled error")
    if current_app.config.get("PROPAGATE_EXCEPTIONS"):
        raise error
    return render_template("web/error.html", error=None), 500
