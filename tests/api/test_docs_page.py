"""The browsable API docs page renders every operation in a real browser under the strict CSP."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.mark.browser
def test_docs_page_lists_operations_without_csp_errors(fresh_database):
    _, app = fresh_database
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    errors: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            page = browser.new_page()
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"http://127.0.0.1:{server.server_port}/api/v1/docs")
            page.wait_for_selector("section.operation")
            headings = page.locator("section.operation h3").all_inner_texts()
            browser.close()
    finally:
        server.shutdown()
    assert any(
        "POST /api/v1/invoices/{invoice_id}/payments" in h.replace("\n", " ") for h in headings
    )
    assert errors == []
