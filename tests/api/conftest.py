"""API test helpers: users with tokens per role and a JSON client that sends the bearer header."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.auth.tokens import issue_token
from app.extensions import db
from tests.factories import CustomerFactory, UserFactory, line


class ApiClient:
    """The Flask test client speaking JSON with one user's bearer token."""

    def __init__(self, client: Any, token: str | None, user: Any = None) -> None:
        self.client, self.token, self.user = client, token, user

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
        headers = self.headers(kwargs.pop("headers", None))
        if body is not None:
            kwargs["json"] = body
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, body if body is not None else {}, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def make_api(client):
    def make(role: str = "bookkeeper") -> ApiClient:
        user = UserFactory(role=role)
        _, raw = issue_token(None, user.email)
        return ApiClient(client, raw, user)

    return make


@pytest.fixture
def books(make_api):
    return make_api("bookkeeper")


@pytest.fixture
def dispatcher(make_api):
    return make_api("dispatcher")


@pytest.fixture
def technician(make_api):
    return make_api("technician")


@pytest.fixture
def admin(make_api):
    return make_api("admin")


@pytest.fixture
def customer(session):
    return CustomerFactory()


def invoice_body(customer_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "invoice_date": "2026-06-14",
        "lines": [
            line("Labour", "2", "50.00", "23", "labour"),
            line("Valve", "1", "10.00", kind="parts"),
        ],
        **extra,
    }


@pytest.fixture
def posted_invoice(books, customer):
    created = books.post("/api/v1/invoices", invoice_body(customer.id))
    assert created.status_code == 201, created.json
    posted = books.post(f"/api/v1/invoices/{created.json['id']}/post")
    assert posted.status_code == 200, posted.json
    return posted.json
