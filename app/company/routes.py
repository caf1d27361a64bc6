"""Admin settings: company details, branding, bank, invoicing/VAT, numbering, time, lock date."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required

from app.company.forms import MAX_LOGO_BYTES, SECTIONS, colour_error, logo_kind, parse_section
from app.company.services import (
    company_today,
    get_company,
    set_lock_date,
    update_numbering,
    update_settings,
)
from app.core.errors import DomainError
from app.core.http import form_errors, roles_required
from app.core.numbering import SERIES_CODES, get_series, peek_next_number

bp = Blueprint("company", __name__, url_prefix="/settings")
SERIES_LABELS = {
    "invoice": "Invoices",
    "credit_note": "Credit notes",
    "proforma": "Proformas",
    "receipt": "Cash receipts",
}


def _menu() -> list[tuple[str, str, str]]:
    items = [
        (key, label, url_for("company.settings", section=key))
        for key, (label, _) in SECTIONS.items()
    ]
    items.insert(1, ("branding", "Logo and colour", url_for("company.branding")))
    items.append(("numbering", "Numbering", url_for("company.numbering")))
    items.append(("lock", "Lock date", url_for("company.lock")))
    return items


@bp.route("", methods=["GET", "POST"], defaults={"section": "company"})
@bp.route("/<section>", methods=["GET", "POST"])
@roles_required("admin")
def settings(section: str) -> str | Response | tuple[str, int]:
    if section not in SECTIONS:
        abort(404)
    company = get_company()
    errors: dict[str, list[str]] = {}
    values = {name: getattr(company, name) for name in SECTIONS[section][1]}
    if request.method == "POST":
        parsed, errors = parse_section(section, request.form)
        values.update({k: request.form.get(k, "") for k in SECTIONS[section][1] if k in errors})
        values.update(parsed)
        if not errors:
            try:
                update_settings(current_user, **parsed)
            except DomainError as error:
                errors = form_errors(error)
            else:
                flash(f"{SECTIONS[section][0]} settings saved.", "success")
                return redirect(url_for("company.settings", section=section))
    return render_template(
        "company/settings.html",
        section=section,
        title=SECTIONS[section][0],
        menu=_menu(),
        values=values,
        errors=errors,
    ), (422 if errors else 200)


@bp.route("/branding", methods=["GET", "POST"])
@roles_required("admin")
def branding() -> str | Response | tuple[str, int]:
    company = get_company()
    errors: dict[str, list[str]] = {}
    colour = company.brand_color
    if request.method == "POST":
        colour = request.form.get("brand_color", "").strip().lower()
        problem = colour_error(colour)
        if problem:
            errors["brand_color"] = [problem]
        changes: dict[str, str] = {"brand_color": colour}
        upload = request.files.get("logo")
        if request.form.get("remove_logo") == "1":
            changes["logo_path"] = ""
        elif upload and upload.filename:
            data = upload.read(MAX_LOGO_BYTES + 1)
            kind = logo_kind(data)
            if len(data) > MAX_LOGO_BYTES:
                errors["logo"] = ["The logo is larger than 1 MB; upload a smaller PNG or JPEG."]
            elif kind is None:
                errors["logo"] = ["Upload the logo as a PNG or JPEG image."]
            elif not errors:
                changes["logo_path"] = _store_logo(data, kind)
        if not errors:
            try:
                update_settings(current_user, **changes)
            except DomainError as error:
                errors = form_errors(error)
            else:
                flash("Logo and colour saved.", "success")
                return redirect(url_for("company.branding"))
    return render_template(
        "company/branding.html",
        section="branding",
        menu=_menu(),
        company=company,
        colour=colour,
        errors=errors,
    ), (422 if errors else 200)


def _store_logo(data: bytes, kind: str) -> str:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "branding"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"logo-{secrets.token_hex(8)}.{kind}"
    (folder / name).write_bytes(data)
    return f"branding/{name}"


@bp.get("/logo")
@login_required
def logo() -> Response:
    company = get_company()
    if not company.logo_path or "/" not in company.logo_path:
        abort(404)
    folder, name = company.logo_path.split("/", 1)
    return send_from_directory(Path(current_app.config["UPLOAD_DIR"]) / folder, name, max_age=300)


@bp.get("/brand.css")
def brand_css() -> Response:
    """The brand colour as a CSS variable (style attributes are blocked by the CSP)."""
    try:
        colour = get_company().brand_color
    except DomainError:
        colour = "#1f4e79"
    if colour_error(colour) is not None:
        colour = "#1f4e79"
    return Response(f":root {{ --brand: {colour}; }}\n", mimetype="text/css")


@bp.route("/numbering", methods=["GET", "POST"])
@roles_required("admin")
def numbering() -> str | Response | tuple[str, int]:
    errors: dict[str, list[str]] = {}
    year = company_today().year
    if request.method == "POST":
        for code in SERIES_CODES:
            prefix = request.form.get(f"{code}-prefix", "").strip()
            start = request.form.get(f"{code}-start", "").strip()
            if not (start.isascii() and start.isdigit() and len(start) <= 9):
                errors[f"{code}-start"] = ["Enter a whole number from 1."]
                continue
            try:
                update_numbering(
                    current_user, code, prefix_template=prefix, start_number=int(start)
                )
            except DomainError as error:
                for field, messages in form_errors(error).items():
                    errors[f"{code}-{'prefix' if field == 'prefix_template' else 'start'}"] = (
                        messages
                    )
        if not errors:
            flash("Numbering saved. New numbers follow the new prefixes.", "success")
            return redirect(url_for("company.numbering"))
    rows = []
    for code in SERIES_CODES:
        series = get_series(code)
        rows.append(
            {
                "code": code,
                "label": SERIES_LABELS[code],
                "prefix": request.form.get(f"{code}-prefix", series.prefix_template),
                "start": request.form.get(f"{code}-start", series.start_number),
                "next": peek_next_number(code, year),
            }
        )
    return render_template(
        "company/numbering.html",
        section="numbering",
        menu=_menu(),
        rows=rows,
        errors=errors,
        year=year,
    ), (422 if errors else 200)


@bp.route("/lock-date", methods=["GET", "POST"])
@roles_required("admin", "bookkeeper")
def lock() -> str | Response | tuple[str, int]:
    company = get_company()
    errors: dict[str, list[str]] = {}
    raw = request.form.get("lock_date", "")
    confirming: date | None = None
    if request.method == "POST":
        try:
            chosen = date.fromisoformat(raw.strip())
        except ValueError:
            errors["lock_date"] = ["Enter a date as YYYY-MM-DD, e.g. 2026-03-31."]
        else:
            if request.form.get("confirm") != "1":
                confirming = chosen
                if company.lock_date and chosen < company.lock_date:
                    errors["lock_date"] = [
                        f"The books are locked to {company.lock_date:%d %b %Y}; "
                        "the lock date cannot move back."
                    ]
                    confirming = None
            else:
                try:
                    set_lock_date(current_user, chosen)
                except DomainError as error:
                    errors = form_errors(error, "lock_date")
                else:
                    flash(
                        f"Books locked to {chosen:%d %b %Y}. "
                        "Nothing dated on or before it can change now.",
                        "success",
                    )
                    return redirect(url_for("company.lock"))
    return render_template(
        "company/lock.html",
        section="lock",
        menu=_menu() if current_user.role == "admin" else [],
        company=company,
        raw=raw,
        confirming=confirming,
        errors=errors,
        today=company_today(),
    ), (422 if errors else 200)
