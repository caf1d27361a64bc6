"""Web test helpers: a signed-in client per role and a small world of documents to act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from app.accounting.services import post_invoice, register_payment
from app.auth.models import ROLES
from app.auth.tokens import issue_own_token
from app.invoicing.services import create_draft
from tests.conftest import make_app
from tests.factories import TEST_PASSWORD, CatalogItemFactory, CustomerFactory, UserFactory, line


class FreshClient(FlaskClient):
    """The tests keep an app context pushed (the rolled-back session lives in it), so Flask
    reuses it, and its `g`, for every request; a real server has a fresh `g` per request.
    Clearing `g` first keeps the signed-in user and cached settings from leaking between
    requests of different clients."""

    def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        from flask import g

        for name in list(vars(g)):
            delattr(g, name)
        return super().open(*args, **kwargs)


def web_client(app: Flask) -> FlaskClient:
    return FreshClient(app, app.response_class, use_cookies=True)


# The web tests sign in a lot; a cheaper argon2 hash of the same password keeps them fast.
# Verification reads its cost from the hash, so production parameters are not affected.
FAST_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(TEST_PASSWORD)


def sign_in(client: FlaskClient, user: Any) -> FlaskClient:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.data[:300]
    return client


@pytest.fixture
def users(session) -> dict[str, Any]:
    return {role: UserFactory(role=role, password_hash=FAST_HASH) for role in ROLES}


@pytest.fixture
def as_role(app: Flask, session, users):  # type: ignore[no-untyped-def]
    """`as_role("bookkeeper")` gives a test client signed in with that role."""

    def make(role: str) -> FlaskClient:
        return sign_in(web_client(app), users[role])

    return make


@dataclass
class World:
    customer: Any
    item: Any
    draft: Any
    posted: Any
    payment: Any
    token: Any  # the technician's API token


@pytest.fixture
def world(session, users) -> World:
    bookkeeper = users["bookkeeper"]
    customer = CustomerFactory()
    item = CatalogItemFactory()
    draft = create_draft(bookkeeper, customer_id=customer.id, lines=[line("Labour", "2", "50.00")])
    posted = create_draft(
        bookkeeper,
        customer_id=customer.id,
        lines=[line("Labour", "2", "50.00"), line("Valve", "3", "10.00", "23", "parts")],
    )
    post_invoice(bookkeeper, posted.id)
    payment = register_payment(bookkeeper, posted.id, amount="20.00")
    token, _ = issue_own_token(users["technician"], "Tablet")
    return World(customer, item, draft, posted, payment, token)


@pytest.fixture
def anonymous(app: Flask, session) -> FlaskClient:  # type: ignore[no-untyped-def]
    return web_client(app)


@pytest.fixture(scope="session")
def csrf_app(database) -> Flask:  # type: ignore[no-untyped-def]
    """The same database, with CSRF protection on as in production."""
    return make_app(database.url, WTF_CSRF_ENABLED=True)
