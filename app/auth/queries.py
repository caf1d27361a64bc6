"""User reads for the admin pages: a select() the users list paginates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select

from app.auth.models import User


def users_select(q: str = "") -> Any:
    stmt = select(User).order_by(User.active.desc(), User.role, User.email)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.email).like(like), func.lower(User.name).like(like)))
    return stmt
