"""CSRF on, as in production: a form without its token is refused and writes nothing."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.accounting.models import Payment
from app.customers.models import Customer
from tests.factories import TEST_PASSWORD
from tests.web.conftest import FreshClient


def _client(csrf_app):
    return FreshClient(csrf_app, csrf_app.response_class, use_cookies=True)


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _sign_in(client, user):
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_login_without_csrf_token_refused(csrf_app, session, users):
    client = _client(csrf_app)
    response = client.post(
        "/login", data={"email": users["admin"].email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_customer_form_without_csrf_token_refused_and_writes_nothing(csrf_app, session, users):
    client = _client(csrf_app)
    _sign_in(client, users["dispatcher"])
    before = session.scalar(select(func.count()).select_from(Customer))
    response = client.post("/customers/new", data={"name": "Sneaky Ltd"})
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Customer)) == before


def test_payment_without_csrf_token_refused_and_writes_nothing(csrf_app, session, users, world):
    client = _client(csrf_app)
    _sign_in(client, users["bookkeeper"])
    before = session.scalar(select(func.count()).select_from(Payment))
    response = client.post(
        f"/invoices/{world.posted.id}/payments/new",
        data={"amount": "10.00", "method": "bank_transfer", "form_token": "x" * 32},
    )
    assert response.status_code == 400
    assert session.scalar(select(func.count()).select_from(Payment)) == before


def test_customer_form_with_csrf_token_saves(csrf_app, session, users):
    client = _client(csrf_app)
    _sign_in(client, users["dispatcher"])
    token = _token(client.get("/customers/new").get_data(as_text=True))
    response = client.post("/customers/new", data={"name": "Honest Ltd", "csrf_token": token})
    assert response.status_code == 302
