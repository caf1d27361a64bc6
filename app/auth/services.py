"""Creating users, checking credentials, changing passwords and roles."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from app.auth.models import ROLES, User
from app.auth.passwords import hash_password, verify_password
from app.core.db import use_case
from app.core.errors import Errors, NotFound
from app.extensions import db

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def _check_password(password: str, errors: Errors) -> None:
    if len(password) < MIN_PASSWORD:
        errors.add("password", f"Use at least {MIN_PASSWORD} characters.")


@use_case
def create_user(actor: Any, email: str, role: str, password: str, name: str = "") -> User:
    errors = Errors()
    email = email.strip().lower()
    if not EMAIL.match(email):
        errors.add("email", "Enter an e-mail address like name@example.com.")
    elif find_user_by_email(email):
        errors.add("email", "A user with this e-mail already exists.")
    if role not in ROLES:
        errors.add("role", f"Choose one of: {', '.join(ROLES)}.")
    _check_password(password, errors)
    errors.raise_if_any()
    user = User(
        email=email,
        role=role,
        name=name or email.split("@")[0].title(),
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.active:
        hash_password(password)  # same work either way: no timing hint that the user exists
        return None
    return user if verify_password(user.password_hash, password) else None


@use_case
def change_password(actor: User, current: str, new: str) -> None:
    errors = Errors()
    if not verify_password(actor.password_hash, current):
        errors.add("current_password", "The current password is not right.")
    _check_password(new, errors)
    errors.raise_if_any()
    actor.password_hash = hash_password(new)


@use_case
def update_user(actor: Any, user_id: int, *, role: str, active: bool, name: str) -> User:
    user = get_user(user_id)
    errors = Errors()
    if role not in ROLES:
        errors.add("role", f"Choose one of: {', '.join(ROLES)}.")
    if user.id == getattr(actor, "id", None) and (role != "admin" or not active):
        errors.add("role", "You cannot remove your own admin access.")
    errors.raise_if_any()
    user.role, user.active, user.name = role, active, name
    return user
