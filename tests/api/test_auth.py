"""Bearer tokens: issued once, stored hashed, revocable; cookies and URL tokens are refused."""

from __future__ import annotations

import pytest
from flask import request
from sqlalchemy import select

from app.auth.token_models import ApiToken
from app.auth.tokens import hash_token, issue_token, list_tokens, revoke_token
from app.extensions import db
from tests.api.conftest import ApiClient
from tests.factories import TEST_PASSWORD, UserFactory


def test_issue_token_stores_only_its_hash(session):
    user = UserFactory(role="dispatcher")
    token, raw = issue_token(None, user.email)
    stored = db.session.scalar(select(ApiToken).where(ApiToken.id == token.id))
    assert stored.token_hash == hash_token(raw)
    assert raw not in (stored.token_hash, stored.prefix, stored.name)
    assert raw.startswith(f"fp_{stored.prefix}_")


def test_request_with_valid_token_succeeds_and_marks_last_use(books):
    response = books.get("/api/v1/customers")
    assert response.status_code == 200
    [token] = list_tokens(books.user.email)
    assert token.last_used_at is not None


def test_request_without_token_is_refused(client, session):
    response = client.get("/api/v1/customers")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_request_with_unknown_token_is_refused(client, session):
    response = ApiClient(client, "fp_deadbeef_not-a-real-token").get("/api/v1/customers")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"


def test_revoked_token_is_refused(books):
    [token] = list_tokens(books.user.email)
    revoke_token(None, token.prefix)
    assert books.get("/api/v1/customers").status_code == 401


def test_token_of_deactivated_user_is_refused(books):
    books.user.active = False
    db.session.flush()
    assert books.get("/api/v1/customers").status_code == 401


def test_token_in_query_string_is_refused(books):
    for name in ("token", "access_token"):
        response = books.client.get(f"/api/v1/customers?{name}={books.token}")
        assert response.status_code == 401
        assert response.json["error"]["code"] == "token_in_url"


def test_token_in_query_string_is_refused_even_with_header(books):
    response = books.get(f"/api/v1/customers?access_token={books.token}")
    assert response.status_code == 401


def test_cookie_session_alone_is_refused(client, session):
    user = UserFactory(role="admin")
    login = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert login.status_code in (302, 303)
    assert client.get("/api/v1/customers").status_code == 401


@pytest.mark.parametrize(
    ("path", "has_cookie_session"),
    [("/api/v1/invoices", False), ("/api/v1/openapi.json", False), ("/api/v1/docs", True)],
)
def test_api_requests_open_no_cookie_session(app, path, has_cookie_session):
    with app.test_request_context(path, headers={"Cookie": "session=anything"}):
        opened = app.session_interface.open_session(app, request)
    assert (opened is not None) == has_cookie_session


def test_web_pages_keep_the_cookie_session(app):
    with app.test_request_context("/login"):
        assert app.session_interface.open_session(app, request) is not None


def test_basic_auth_scheme_is_refused(books):
    response = books.client.get(
        "/api/v1/customers", headers={"Authorization": f"Basic {books.token}"}
    )
    assert response.status_code == 401


def test_token_carries_the_users_current_role(books):
    books.user.role = "technician"
    db.session.flush()
    assert books.get("/api/v1/customers").status_code == 403


def test_a_refused_role_is_named_in_the_message(admin, technician):
    assert admin.get("/api/v1/invoices").json["error"]["message"] == (
        "An admin token cannot do this operation."
    )
    assert technician.get("/api/v1/invoices").json["error"]["message"] == (
        "A technician token cannot do this operation."
    )
