"""Sign-in (rate limited per e-mail and IP), sign-out, password change, API tokens, and the
admin users page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth.models import ROLES
from app.auth.queries import users_select
from app.auth.services import (
    authenticate,
    change_password,
    create_user,
    get_user,
    update_user,
)
from app.auth.throttle import clear_failures, minutes_locked, record_failure
from app.auth.tokens import issue_own_token, revoke_token_by_id, token_of, tokens_of
from app.core.errors import DomainError
from app.core.form_tokens import AlreadySubmitted, new_form_token
from app.core.http import form_errors, paginate, roles_required

bp = Blueprint("auth", __name__)
ROLE_CHOICES = [(role, role.capitalize()) for role in ROLES]


def _client_ip() -> str:
    # Behind a proxy, configure werkzeug's ProxyFix so remote_addr is the client's address.
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("web.home"))
    errors: dict[str, list[str]] = {}
    email = request.form.get("email", "").strip()
    if request.method == "POST":
        password = request.form.get("password", "")
        if not email:
            errors["email"] = ["Enter your e-mail address."]
        if not password:
            errors["password"] = ["Enter your password."]
        if not errors:
            errors = _try_sign_in(email, password)
            if not errors:
                return redirect(_safe_next(request.args.get("next")))
    status = 429 if "_form" in errors and "Too many" in errors["_form"][0] else 200
    return render_template("auth/login.html", errors=errors, email=email), status


def _try_sign_in(email: str, password: str) -> dict[str, list[str]]:
    ip = _client_ip()
    minutes = minutes_locked(email, ip)
    if minutes:
        return {
            "_form": [
                f"Too many failed sign-ins for this e-mail. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}, or ask an administrator to reset your password."
            ]
        }
    user = authenticate(email, password)
    if user is None:
        record_failure(email, ip)
        return {"password": ["E-mail or password is not right."]}
    clear_failures(email, ip)
    session.clear()  # a fresh session on sign-in: no fixation
    login_user(user)
    return {}


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None, fallback: str = "web.home") -> str:
    """`target` when it is a path on this site, else the `fallback` page. Browsers drop tabs,
    line breaks and other ASCII control characters from addresses (a slash, a tab and
    "/evil.example" reads as another site), and treat a backslash as a slash, so those
    refuse the target, as does a scheme or a host."""
    if (
        target
        and target.startswith("/")
        and not any(ord(ch) < 0x20 or ch in "\x7f\\" for ch in target)
        and not urlsplit(target).netloc
        and not target.startswith("//")
    ):
        return target
    return url_for(fallback)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            errors["confirm_password"] = ["The two new passwords differ; type the same one twice."]
        else:
            try:
                change_password(
                    current_user._get_current_object(),
                    request.form.get("current_password", ""),
                    new,
                )
            except DomainError as error:
                errors = form_errors(error)
                errors = {("new_password" if k == "password" else k): v for k, v in errors.items()}
            else:
                flash("Your password was changed.", "success")
                return redirect(url_for("web.home"))
    return render_template("auth/password.html", errors=errors), (422 if errors else 200)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> tuple[str, int, dict[str, str]] | Response:
    """The signed-in user's API tokens; a new token is shown on this reply only, never stored
    or put in the session, so the reply is not cached either."""
    errors: dict[str, list[str]] = {}
    name, new_token = "", None
    if request.method == "POST":
        name = request.form.get("name", "")
        once = request.form.get("form_token", "")
        try:
            token, new_token = issue_own_token(current_user._get_current_object(), name, once)
        except AlreadySubmitted:
            flash(
                "That form was already sent, so no second token was made. The token is in the "
                "list; if you did not copy it, revoke it and create a new one.",
                "info",
            )
            return redirect(url_for("auth.tokens"))
        except DomainError as error:
            errors = form_errors(error, "name")
        else:
            name = ""
            flash(f"Token “{token.name}” created. Copy it now: it is shown only once.", "success")
    page = render_template(
        "auth/tokens.html",
        errors=errors,
        name=name,
        new_token=new_token,
        tokens=tokens_of(current_user.id),
        form_token=new_form_token(),
    )
    return page, (422 if errors else 200), {"Cache-Control": "no-store"}


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_token(token_id: int) -> str | Response:
    """Revoke a token (its owner, or an admin for anyone's); GET is the confirm page for
    browsers without the dialog."""
    back = _safe_next(request.values.get("next"), fallback="auth.tokens")
    if request.method == "POST":
        token, revoked = revoke_token_by_id(current_user._get_current_object(), token_id)
        named = f"“{token.name or token.prefix}”"
        if token.user_id != current_user.id:  # an admin revoking someone's token
            named += f" of {token.user.name or token.user.email}"
        if revoked:
            flash(f"Token {named} is revoked: programs using it are refused from now.", "success")
        else:
            flash(f"Token {named} was already revoked.", "info")
        return redirect(back)
    token = token_of(current_user._get_current_object(), token_id)
    return render_template("auth/revoke_token.html", token=token, back=back)


@bp.get("/admin/users")
@roles_required("admin")
def users() -> str:
    q = request.args.get("q", "").strip()[:100]
    return render_template("auth/users.html", page=paginate(users_select(q)), q=q)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required("admin")
def user_new() -> str | Response:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"role": "technician"}
    if request.method == "POST":
        values = {k: request.form.get(k, "").strip() for k in ("email", "name", "role")}
        try:
            user = create_user(current_user, password=request.form.get("password", ""), **values)
        except DomainError as error:
            errors = form_errors(error)
        else:
            flash(f"{user.name} can now sign in as {user.role}.", "success")
            return redirect(url_for("auth.users"))
    return render_template(
        "auth/user_form.html", errors=errors, values=values, user=None, roles=ROLE_CHOICES
    ), (422 if errors else 200)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def user_edit(user_id: int) -> str | Response:
    user = get_user(user_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"name": user.name, "role": user.role, "active": user.active}
    if request.method == "POST":
        values = {
            "name": request.form.get("name", "").strip(),
            "role": request.form.get("role", ""),
            "active": request.form.get("active") == "1",
        }
        try:
            update_user(current_user, user_id, **values)
        except DomainError as error:
            errors = form_errors(error)
        else:
            flash(f"{values['name'] or user.email} saved.", "success")
            return redirect(url_for("auth.users"))
    return render_template(
        "auth/user_form.html",
        errors=errors,
        values=values,
        user=user,
        roles=ROLE_CHOICES,
        tokens=tokens_of(user.id),
    ), (422 if errors else 200)
