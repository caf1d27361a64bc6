"""Helpers every module's HTML routes share: role checks, pagination, CSV export, form errors.

They live in core (not app.web) so that customers, catalog, company, invoicing and accounting
routes can use them without importing a higher layer.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from flask import Response, abort, current_app, request, send_file
from flask_login import current_user
from sqlalchemy import Select, func, select

from app.core.errors import DomainError
from app.core.search import typed_id
from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")
PER_PAGE = 25
MAX_PER_PAGE = 200


def roles_required(*roles: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Signed-in users with one of `roles` pass; others get 403, anonymous users the login page."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if not current_user.is_authenticated:
                from app.extensions import login_manager

                return login_manager.unauthorized()  # type: ignore[no-any-return]
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapper.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def page_args(default_per_page: int = PER_PAGE) -> tuple[int, int]:
    """`page` and `per_page` from the query string, clamped to sane values."""
    page = request.args.get("page", "1")
    per_page = request.args.get("per_page", str(default_per_page))
    page_n = typed_id(page) or 1
    per_n = typed_id(per_page) or default_per_page
    return page_n, min(per_n, MAX_PER_PAGE)


def paginate(stmt: Select[Any], page: int | None = None, per_page: int | None = None) -> Page:
    """One count and one page query for a select(); the page number is clamped to the last page."""
    if page is None or per_page is None:
        page, per_page = page_args()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    total = int(total or 0)
    last = max(1, math.ceil(total / per_page))
    page = min(page, last)
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(items=items, page=page, per_page=per_page, total=total)


def all_rows(stmt: Select[Any]) -> list[Any]:
    """Every row of a select(), for exports; callers bound the size by their filters."""
    return list(db.session.scalars(stmt).unique())


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """ISO dates, dot decimals, and text that a spreadsheet would run as a formula defused."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return Response(
        buffer.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def form_errors(error: DomainError, default_field: str = "_form") -> dict[str, list[str]]:
    """A domain error as {field: [messages]}: it lands beside its field, else above the form."""
    fields = dict(error.fields)
    return fields or {default_field: [error.message]}


def int_arg(value: Any) -> int | None:
    """A positive integer id from a form or query string, else None."""
    return typed_id(str(value or ""))


def fmt(filter_name: str, value: Any) -> str:
    """Format through the app's Jinja filters (money, day...) for flash messages."""
    return str(current_app.jinja_env.filters[filter_name](value))


def pdf_download(
    filename: str, content: bytes, *, sha256: str | None, as_attachment: bool = False
) -> Response:
    """A PDF reply. A stored document (`sha256` given) never changes: it may be kept by the
    browser and `If-None-Match` with its ETag gets a 304; a preview is never kept."""
    response = send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        download_name=filename,
        as_attachment=as_attachment,
    )
    response.headers["Cache-Control"] = "private" if sha256 else "private, no-store"
    if sha256:
        response.set_etag(sha256)
        response.make_conditional(request)
    return response
