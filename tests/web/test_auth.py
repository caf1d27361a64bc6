"""Sign-in, the login rate limit, sign-out, password change, security headers and cookies."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.passwords import verify_password
from app.auth.throttle import MAX_FAILURES, LoginAttempt
from app.core import clock
from app.core.clock import now_utc
from tests.factories import TEST_PASSWORD
from tests.web.conftest import web_client


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_login_right_password_redirects_home(anonymous, users):
    response = _login(anonymous, users["bookkeeper"].email, TEST_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    assert anonymous.get("/").status_code == 200


def test_login_wrong_password_shows_error_beside_field(anonymous, users):
    response = _login(anonymous, users["bookkeeper"].email, "wrong-password-here")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "E-mail or password is not right." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="password-error"' in html
    assert "data-error-summary" in html


def test_login_sixth_attempt_after_five_failures_refused_even_with_right_password(
    app, anonymous, users
):
    email = users["dispatcher"].email
    for _ in range(MAX_FAILURES):
        _login(anonymous, email, "not-the-password")
    response = _login(anonymous, email, TEST_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    # Another client (another worker) sees the same count: it lives in the database.
    other = web_client(app)
    assert _login(other, email, TEST_PASSWORD).status_code == 429


def test_login_failures_expire_after_the_window(anonymous, users, session):
    email = users["dispatcher"].email
    for _ in range(MAX_FAILURES):
        _login(anonymous, email, "not-the-password")
    clock.freeze(now_utc() + __import__("datetime").timedelta(minutes=16))
    assert _login(anonymous, email, TEST_PASSWORD).status_code == 302


def test_login_success_clears_failures_for_that_email(anonymous, users, session):
    email = users["admin"].email
    _login(anonymous, email, "not-the-password")
    _login(anonymous, email, TEST_PASSWORD)
    count = session.scalar(select(func.count()).select_from(LoginAttempt))
    assert count == 0


def test_login_next_to_other_site_goes_home(anonymous, users):
    response = anonymous.post(
        "/login?next=//evil.example/x",
        data={"email": users["admin"].email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_login_next_on_this_site_keeps_its_query(anonymous, users):
    response = anonymous.post(
        "/login?next=/invoices%3Fstatus%3Doverdue%26page%3D2",
        data={"email": users["bookkeeper"].email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == "/invoices?status=overdue&page=2"


def test_logout_ends_session(as_role):
    client = as_role("bookkeeper")
    assert client.post("/logout").status_code == 302
    assert client.get("/invoices").status_code == 302


def test_change_password_with_right_current_password_changes_it(as_role, users):
    client = as_role("technician")
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "a-much-longer-passphrase",
            "confirm_password": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    assert verify_password(users["technician"].password_hash, "a-much-longer-passphrase")


def test_change_password_short_new_password_refused_beside_field(as_role, users):
    client = as_role("technician")
    response = client.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "short",
            "confirm_password": "short",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="new_password-error"' in html
    assert verify_password(users["technician"].password_hash, TEST_PASSWORD)


def test_pages_carry_security_headers(as_role):
    response = as_role("bookkeeper").get("/")
    headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(anonymous, users):
    response = _login(anonymous, users["admin"].email, TEST_PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_pages_have_no_inline_scripts_or_handlers(as_role, world):
    html = as_role("bookkeeper").get(f"/invoices/{world.posted.id}").get_data(as_text=True)
    assert "<script>" not in html
    assert " onclick=" not in html
    assert " style=" not in html


def test_admin_adds_user_with_role(as_role, session):
    from app.auth.models import User

    response = as_role("admin").post(
        "/admin/users/new",
        data={
            "email": "new.tech@fieldpost.test",
            "name": "New Tech",
            "role": "technician",
            "password": "long-enough-pass",
        },
    )
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.email == "new.tech@fieldpost.test"))
    assert user.role == "technician"


def test_admin_cannot_remove_own_admin_role(as_role, users):
    admin = users["admin"]
    response = as_role("admin").post(
        f"/admin/users/{admin.id}", data={"name": "A", "role": "technician", "active": "1"}
    )
    assert response.status_code == 422
    assert admin.role == "admin"


def test_unknown_role_in_user_form_refused(as_role, users, session):
    from app.auth.models import User

    before = session.scalar(select(func.count()).select_from(User))
    response = as_role("admin").post(
        "/admin/users/new",
        data={"email": "x@fieldpost.test", "role": "owner", "password": "long-enough-pass"},
    )
    assert response.status_code == 422
    assert "Choose one of" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_users_page_lists_and_searches(as_role, users):
    client = as_role("admin")
    assert users["technician"].email in client.get("/admin/users").get_data(as_text=True)
    html = client.get(f"/admin/users?q={users['dispatcher'].email}").get_data(as_text=True)
    assert users["dispatcher"].email in html
    assert users["technician"].email not in html


def test_signed_out_visit_redirects_to_login_with_next(anonymous):
    response = anonymous.get("/invoices?status=overdue")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_session_from_another_browser_is_dropped(as_role):
    client = as_role("bookkeeper")
    assert client.get("/invoices").status_code == 200
    stolen = client.get("/invoices", headers={"User-Agent": "SomethingElse/1.0"})
    assert stolen.status_code == 302
