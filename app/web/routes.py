"""The landing page: each role goes to its own home."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def home() -> str:
    return render_template("web/home.html", user=current_user)


@bp.get("/healthz")
def health() -> tuple[str, int]:
    return "ok", 200
