"""User reads for the admin pages: a select() the users list paginates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from app.auth.models import User
from app.core.search import contains_text


def users_select(q: str = "") -> Any:
    stmt = select(User).order_by(User.active.desc(), User.role, User.email)
    if q:
        stmt = stmt.where(or_(contains_text(User.email, q), contains_text(User.name, q)))
    return stmt
