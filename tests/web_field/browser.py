"""Browser-test harness: the app served by a thread against a fresh database with real
commits and CSRF on, and headless Chromium (the system one) at tablet size with touch."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from app.extensions import db
from tests import factories
from tests.conftest import Database, make_app, migrate_and_seed
from tests.factories import TEST_PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"width": 1024, "height": 768}


class Live:
    """A running server: its base URL and the app, to seed data in an app context."""

    def __init__(self, app: Any, url: str) -> None:
        self.app = app
        self.url = url

    def seed(self, build: Any) -> Any:
        with self.app.app_context():
            factories.bind(db.session)
            result = build()
            db.session.commit()
            return result


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    database = Database(tmp_path)
    app = make_app(
        database.url,
        SERVER_NAME=None,
        WTF_CSRF_ENABLED=True,
        UPLOAD_DIR=str(tmp_path / "uploads"),
        PROPAGATE_EXCEPTIONS=False,
    )
    migrate_and_seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
        database.drop()


@pytest.fixture
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def tablet_page(browser: Any, live: Live, email: str) -> Any:
    """A fresh tablet context signed in as `email`."""
    context = browser.new_context(viewport=TABLET, has_touch=True, locale="en-IE")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.js_errors = errors  # type: ignore[attr-defined]
    page.goto(live.url + "/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(live.url + "/")
    return page


def sign_on_pad(page: Any, name: str) -> None:
    """Draw a signature on the job page's pad, type the signer's name and press Sign."""
    pad = page.locator("[data-signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + 120)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 40 + step * 30, box["y"] + 120 + (-1) ** step * 40)
    page.mouse.up()
    page.fill("#signer_name", name)
    page.get_by_role("button", name="Sign", exact=True).click()
