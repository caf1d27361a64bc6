"""`flask users token|tokens|revoke-token`: issue once, list without secrets, revoke by prefix."""

from __future__ import annotations

from tests.api.conftest import ApiClient
from tests.factories import UserFactory


def test_token_command_prints_a_working_token_once(app, client):
    user = UserFactory(role="dispatcher")
    result = app.test_cli_runner().invoke(args=["users", "token", user.email, "--name", "sync"])
    assert result.exit_code == 0
    raw = result.stdout.strip()
    assert ApiClient(client, raw).get("/api/v1/customers").status_code == 200
    listing = app.test_cli_runner().invoke(args=["users", "tokens", user.email])
    assert raw not in listing.output
    assert raw.split("_")[1] in listing.output
    assert "sync" in listing.output


def test_revoke_token_command_disables_it(app, client):
    user = UserFactory(role="bookkeeper")
    raw = app.test_cli_runner().invoke(args=["users", "token", user.email]).stdout.strip()
    prefix = raw.split("_")[1]
    result = app.test_cli_runner().invoke(args=["users", "revoke-token", prefix])
    assert result.exit_code == 0
    assert ApiClient(client, raw).get("/api/v1/customers").status_code == 401
    assert "revoked" in app.test_cli_runner().invoke(args=["users", "tokens", user.email]).output


def test_token_for_unknown_user_fails_naming_it(app, session):
    result = app.test_cli_runner().invoke(args=["users", "token", "nobody@example.com"])
    assert result.exit_code == 1
    assert "nobody@example.com" in result.output


def test_revoke_unknown_prefix_fails(app, session):
    result = app.test_cli_runner().invoke(args=["users", "revoke-token", "deadbeef"])
    assert result.exit_code == 1


def test_token_command_keeps_the_cap_on_active_tokens(app, session):
    from app.auth.tokens import MAX_LIVE_TOKENS, issue_token

    user = UserFactory(role="dispatcher")
    for number in range(MAX_LIVE_TOKENS):
        issue_token(None, user.email, f"sync {number}")
    result = app.test_cli_runner().invoke(args=["users", "token", user.email])
    assert result.exit_code == 1
    assert f"{user.email} has {MAX_LIVE_TOKENS} active tokens; revoke one" in result.output


def test_token_command_refuses_a_name_of_more_than_one_line(app, session):
    user = UserFactory(role="dispatcher")
    result = app.test_cli_runner().invoke(args=["users", "token", user.email, "--name", "a\nb"])
    assert result.exit_code == 1
    assert "Use one line of text" in result.output
