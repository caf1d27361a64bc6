"""An integrator's first steps in a real browser at tablet size: create an API token, copy it
with the Copy button, call the API with it, then revoke it through the confirm dialog."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.web_field.browser import Live, browser, live, tablet_page

pytestmark = pytest.mark.browser
__all__ = ["browser", "live"]  # the fixtures this module uses


def _api_status(page: Any, live: Live, raw: str) -> int:
    response = page.request.get(
        live.url + "/api/v1/customers", headers={"Authorization": f"Bearer {raw}"}
    )
    return response.status  # type: ignore[no-any-return]


def test_create_copy_use_and_revoke_a_token(browser, live):
    def build() -> str:
        from tests.factories import UserFactory

        return UserFactory(role="dispatcher", name="Dana Dispatch").email  # type: ignore[no-any-return]

    page = tablet_page(browser, live, live.seed(build))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)

    # The Account menu closes as menus do: on Escape (focus back on it) and a click elsewhere.
    account = page.locator("details.account")
    page.click("summary:has-text('Account')")
    assert account.get_attribute("open") is not None
    page.keyboard.press("Escape")
    assert account.get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.click("summary:has-text('Account')")
    page.click("main h1")
    assert account.get_attribute("open") is None

    page.click("summary:has-text('Account')")
    page.click("a:has-text('API tokens')")
    page.wait_for_url(live.url + "/account/tokens")
    page.click("button:has-text('Create token')")  # no name yet
    assert page.locator("#name-error").inner_text().startswith("Say what the token is for")

    page.fill("#name", "Route planner")
    page.click("button:has-text('Create token')")
    raw = page.input_value("#new-token")
    assert raw.startswith("fp_")
    assert page.evaluate("document.activeElement.id") == "new-token"  # focus on the token
    page.click("[data-copy='new-token']")
    page.wait_for_selector("[data-copy='new-token']:has-text('Copied')")
    assert page.inner_text("#new-token-status") == "Copied to the clipboard."
    assert page.evaluate("navigator.clipboard.readText()") == raw
    assert _api_status(page, live, raw) == 200
    if os.environ.get("FIELDPOST_SCREENSHOTS"):  # for the docs, only when asked
        images = Path(__file__).resolve().parents[2] / "docs" / "images"
        page.screenshot(path=str(images / "api-tokens.png"), full_page=False)

    # A reload sends the form again: no second token, and the first is never shown again.
    page.reload()
    page.wait_for_selector(".flash-info:has-text('no second token was made')")
    assert page.locator("#new-token").count() == 0
    row = page.locator("tr", has_text="Route planner")
    assert row.count() == 1
    assert "Active" in row.inner_text()

    row.locator("a:has-text('Revoke')").click()
    dialog = page.locator("dialog[open]")
    assert dialog.locator("h2").inner_text() == "Revoke “Route planner”?"
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Keep it"  # the safe choice has the focus
    dialog.locator("button:has-text('Revoke token')").click()
    page.wait_for_selector(".flash-success:has-text('is revoked')")
    assert "Revoked" in page.locator("tr", has_text="Route planner").inner_text()
    assert _api_status(page, live, raw) == 401
    # The only console error is the browser noting the refused empty form's 422.
    assert [e for e in page.js_errors if "status of 422" not in e] == []
