"""The API tokens page: each user creates, sees and revokes their own tokens; an admin sees
and revokes anyone's from the user's page. The new token is shown once and works at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.auth.token_models import ApiToken
from app.auth.tokens import MAX_LIVE_TOKENS, issue_own_token
from app.extensions import db
from tests.factories import TEST_PASSWORD


def _count(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.user_id == user.id)
    )


def _raw_token(html: str) -> str:
    return re.search(r'id="new-token" class="mono" value="(fp_[^"]+)"', html).group(1)


def _create(client, name: str, *, form_token: str | None = None):
    """Submit the page's form as a browser does, with the one-time token the page carries."""
    if form_token is None:
        page = client.get("/account/tokens").get_data(as_text=True)
        form_token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    return client.post("/account/tokens", data={"name": name, "form_token": form_token})


def _api_status(client, raw: str) -> int:
    return client.get("/api/v1/customers", headers={"Authorization": f"Bearer {raw}"}).status_code


def test_created_token_is_shown_once_and_works_with_the_users_role(as_role, users):
    client = as_role("dispatcher")
    response = _create(client, "  Route planner ")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    raw = _raw_token(html)
    assert "Copy your new token now" in html
    assert "Route planner" in html
    assert "Never" in html

    assert _api_status(client, raw) == 200  # a dispatcher may list customers
    ledger = client.get("/api/v1/journal-entries", headers={"Authorization": f"Bearer {raw}"})
    assert ledger.status_code == 403  # ...but not read the ledger

    again = client.get("/account/tokens").get_data(as_text=True)
    assert raw not in again  # never shown a second time
    assert f"fp_{raw.split('_')[1]}_…" in again
    assert "Never" not in again  # last use now recorded
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == users["dispatcher"].id))
    assert stored.name == "Route planner"
    assert stored.token_hash != raw


@pytest.mark.parametrize(
    ("name", "form_token", "message"),
    [
        ("   ", None, "Say what the token is for"),
        ("x" * 101, None, "Use at most 100 characters."),
        ("Route\nplanner", None, "Use one line of text"),
        ("Route\x07planner", None, "Use one line of text"),
        ("Planner", "", "lost its one-time token"),
    ],
)
def test_refused_token_creation_names_the_problem_and_writes_nothing(
    as_role, users, name, form_token, message
):
    response = _create(as_role("bookkeeper"), name, form_token=form_token)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    if form_token is None:  # a refused name is shown beside its field
        assert 'aria-describedby="name-hint name-error"' in html
    assert 'id="new-token"' not in html
    assert _count(users["bookkeeper"]) == 0


def test_live_tokens_are_capped_and_a_revoked_one_frees_a_place(as_role, users):
    user = users["technician"]
    made = [issue_own_token(user, f"Tablet {n}")[0] for n in range(MAX_LIVE_TOKENS)]
    client = as_role("technician")
    response = _create(client, "One more")
    assert response.status_code == 422
    assert f"You have {MAX_LIVE_TOKENS} active tokens" in response.get_data(as_text=True)
    assert _count(user) == MAX_LIVE_TOKENS

    client.post(f"/account/tokens/{made[0].id}/revoke")
    assert _create(client, "One more").status_code == 200


def test_a_resent_form_creates_no_second_token(as_role, users):
    client = as_role("dispatcher")
    page = client.get("/account/tokens").get_data(as_text=True)
    once = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    assert _create(client, "Planner", form_token=once).status_code == 200
    again = _create(client, "Planner", form_token=once)  # a reload of the reply
    assert again.status_code == 302
    html = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "no second token was made" in html
    assert 'id="new-token"' not in html
    assert _count(users["dispatcher"]) == 1


def test_owner_revokes_a_token_and_the_api_refuses_it_at_once(as_role, users):
    token, raw = issue_own_token(users["bookkeeper"], "Accounting sync")
    client = as_role("bookkeeper")
    assert _api_status(client, raw) == 200

    confirm = client.get(f"/account/tokens/{token.id}/revoke").get_data(as_text=True)
    assert "Revoke “Accounting sync”?" in confirm
    assert "cannot be undone" in confirm
    response = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == "/account/tokens"
    assert "is revoked" in html
    assert "Revoked" in html
    assert _api_status(client, raw) == 401
    # Revoking again changes nothing and is no error.
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302


def test_another_users_token_is_not_found_and_stays_active(as_role, users):
    token, raw = issue_own_token(users["bookkeeper"], "Accounting sync")
    client = as_role("dispatcher")
    assert client.get(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert token.prefix not in client.get("/account/tokens").get_data(as_text=True)
    assert _api_status(client, raw) == 200


def test_admin_sees_and_revokes_a_users_tokens_from_the_user_page(as_role, users):
    tech = users["technician"]
    token, _raw = issue_own_token(tech, "Van tablet")
    admin = as_role("admin")
    page = admin.get(f"/admin/users/{tech.id}").get_data(as_text=True)
    assert "Van tablet" in page
    assert "Revoke…" in page

    back = f"/admin/users/{tech.id}"
    response = admin.post(f"/account/tokens/{token.id}/revoke", data={"next": back})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(back)
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert admin.get(back).get_data(as_text=True).count("Revoke…") == 0


def test_every_role_finds_the_page_in_the_user_menu(as_role):
    for role in ("admin", "bookkeeper", "dispatcher", "technician"):
        home = as_role(role).get("/", follow_redirects=True).get_data(as_text=True)
        assert 'href="/account/tokens"' in home, role


@pytest.mark.parametrize(
    "target",
    ["/\t/evil.example/", "/\n/evil.example", "//evil.example", "https://evil.example/", "/\\evil"],
)
def test_revoke_next_that_a_browser_reads_as_another_site_is_refused(as_role, users, target):
    token, _ = issue_own_token(users["dispatcher"], "Planner")
    client = as_role("dispatcher")
    page = client.get(f"/account/tokens/{token.id}/revoke", query_string={"next": target})
    assert page.status_code == 200
    assert 'href="/account/tokens"' in page.get_data(as_text=True)
    response = client.post(f"/account/tokens/{token.id}/revoke", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/tokens")


def test_sign_in_next_that_a_browser_reads_as_another_site_goes_home(anonymous, users):
    for target in ("/\t/evil.example/", "/\nx"):
        response = anonymous.post(
            "/login",
            query_string={"next": target},
            data={"email": users["bookkeeper"].email, "password": TEST_PASSWORD},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/"
        anonymous.post("/logout")


def test_revoking_twice_says_it_was_already_revoked(as_role, users):
    token, _ = issue_own_token(users["bookkeeper"], "Accounting sync")
    client = as_role("bookkeeper")
    client.post(f"/account/tokens/{token.id}/revoke")
    again = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "“Accounting sync” was already revoked." in again.get_data(as_text=True)
    page = client.get(f"/account/tokens/{token.id}/revoke").get_data(as_text=True)
    assert "“Accounting sync” is revoked</h1>" in page
    assert "Revoke token</button>" not in page


def test_admin_revoking_names_the_owner_and_paused_tokens_of_deactivated_users(as_role, users):
    tech = users["technician"]
    token, _ = issue_own_token(tech, "Van tablet")
    admin = as_role("admin")
    tech.active = False
    db.session.flush()
    page = admin.get(f"/admin/users/{tech.id}").get_data(as_text=True)
    assert "Refused" in page
    assert "while the user is deactivated" in page
    done = admin.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert f"“Van tablet” of {tech.name} is revoked" in done.get_data(as_text=True)


def test_sign_in_next_keeps_a_search_with_a_no_break_space(anonymous, users):
    response = anonymous.post(
        "/login",
        query_string={"next": "/customers?q=\u00a0Smith"},
        data={"email": users["bookkeeper"].email, "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/customers?q=%C2%A0Smith"
