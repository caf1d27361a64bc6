"""The bookkeeper's path in a real browser at tablet size (1024x768), against a real server.

Sign in, draft two lines with live totals, post it (confirm dialog, focus on the safe button),
a partial then the final payment, then a partial credit note: every figure read off the screen.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest
from werkzeug.serving import make_server

from app.auth.services import create_user
from app.catalog.services import create_item
from app.customers.services import create_customer
from app.invoicing.services import create_draft
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def server(fresh_database) -> Iterator[str]:  # type: ignore[no-untyped-def]
    _, app = fresh_database
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: every form and htmx POST carries it
    with app.app_context():
        create_user(
            None,
            email="books@fieldpost.test",
            role="bookkeeper",
            password=TEST_PASSWORD,
            name="Bea Keeper",
        )
        create_user(
            None,
            email="admin@fieldpost.test",
            role="admin",
            password=TEST_PASSWORD,
            name="Ada Admin",
        )
        customer = create_customer(
            None,
            name="Acme Facilities Ltd",
            email="accounts@acme.example",
            vat_id="IE6388047V",
            street="12 Harbour Road",
            city="Dublin",
            postal_code="D02 X285",
            country="IE",
        )
        create_item(
            None,
            name="Thermostatic radiator valve",
            sku="TRV-15",
            kind="part",
            unit="pcs",
            price="24.50",
            vat_rate="23",
        )
        for n in range(3):  # a few other drafts, so lists have rows to move through
            create_draft(
                None,
                customer_id=customer.id,
                lines=[
                    {
                        "description": f"Call-out {n}",
                        "quantity": "1",
                        "unit_price": "55.00",
                        "vat_rate": "13.5",
                        "kind": "other",
                    }
                ],
            )
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()
        thread.join(5)


@pytest.fixture
def page(server):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1024, "height": 768})
        context.set_default_timeout(10_000)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda msg: errors.append(msg.text) if _is_error(msg) else None)
        tab.base = server  # type: ignore[attr-defined]
        yield tab
        browser.close()
        assert not errors, f"JavaScript or CSP errors in the browser: {errors}"


def _is_error(message) -> bool:  # type: ignore[no-untyped-def]
    # htmx logs a request it cancelled itself (hx-sync replace, or leaving the page) as an
    # error; that is expected. Server errors show up as htmx:responseError and still count.
    benign = ("htmx:sendAbort", "htmx:afterRequest")
    refused_form = "status of 422" in message.text  # a form sent back with its errors
    return message.type == "error" and not message.text.startswith(benign) and not refused_form


def _sign_in(page, email):  # type: ignore[no-untyped-def]
    page.goto(page.base + "/login")
    page.fill("#email", email)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit]")


def _figure(page, name):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-figure="{name}"]').inner_text().strip()


def test_bookkeeper_drafts_posts_collects_and_credits(page):
    from playwright.sync_api import expect

    _sign_in(page, "books@fieldpost.test")
    expect(page.locator("h1")).to_contain_text("Good day")
    page.goto(page.base + "/invoices/new")

    # Customer type-ahead (combobox): type, arrow down, Enter.
    page.fill("#customer_q", "acme")
    expect(page.locator("#customer-options [role=option]").first).to_be_visible()
    page.press("#customer_q", "ArrowDown")
    page.press("#customer_q", "Enter")
    expect(page.locator("#customer-summary")).to_contain_text("Dublin")

    # First line typed by hand; totals refresh live from the server.
    page.fill("#lines-0-description", "Boiler service")
    page.fill("#lines-0-quantity", "2")
    page.fill("#lines-0-unit_price", "80.00")
    page.fill("#lines-0-vat_rate", "13.5")
    expect(page.locator('[data-total="gross"]')).to_have_text("€181.60")  # 160 + 21.60

    # Second line from the catalog quick-add.
    page.fill("#catalog_q", "valve")
    expect(page.locator("#catalog-options [role=option]").first).to_be_visible()
    page.locator("#catalog-options [role=option]").first.click()
    expect(page.locator('[data-total="net"]')).to_have_text("€184.50")
    expect(page.locator('[data-total="gross"]')).to_have_text("€211.74")  # + 24.50 + 5.64

    page.click("button:has-text('Save draft')")
    expect(page.locator("h1")).to_contain_text("Draft invoice")

    # Post: the dialog names the consequence and the number; focus starts on the safe button.
    page.click("text=Post…")
    dialog = page.locator("#post-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("It gets number INV-2026-001")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Keep as draft"
    dialog.locator("button:has-text('Post invoice')").click()
    expect(page.locator(".flash")).to_contain_text("INV-2026-001 posted: €211.74")
    assert _figure(page, "due") == "€211.74"

    # Partial payment: the amount defaults to the balance; the server words what stays open.
    page.click("text=Register payment")
    amount = page.locator("#pay-dialog #amount")
    expect(amount).to_have_value("211.74")
    amount.fill("200.00")
    expect(page.locator("#pay-hint")).to_have_text("€11.74 stays open.")
    page.locator("#pay-dialog button:has-text('Register payment')").click()
    expect(page.locator(".flash")).to_contain_text("€11.74 still due")
    assert _figure(page, "paid") == "€200.00"
    assert _figure(page, "due") == "€11.74"
    expect(page.locator(".doc-head .badge")).to_have_text("Partially paid")

    # Final payment with the default amount.
    page.click("text=Register payment")
    expect(page.locator("#pay-dialog #amount")).to_have_value("11.74")
    page.locator("#pay-dialog button:has-text('Register payment')").click()
    expect(page.locator(".flash")).to_contain_text("The invoice is paid.")
    assert _figure(page, "due") == "€0.00"
    expect(page.locator(".doc-head .badge")).to_have_text("Paid")

    # Partial credit note: one valve, previewed before it is issued.
    page.click("summary:has-text('More')")
    page.click("text=Credit note…")
    page.locator("input[name^='qty-']").nth(1).fill("1")
    page.fill("#reason", "Valve returned unused")
    page.click("button:has-text('Preview credit note')")
    assert _figure(page, "credit-total") == "€30.14"
    expect(page.locator(".consequence")).to_contain_text("becomes customer credit")
    page.click("button:has-text('Issue credit note of €30.14')")
    expect(page.locator(".flash")).to_contain_text(
        "Credit note CN-2026-001 of €30.14 issued against INV-2026-001"
    )
    expect(page.locator(".timeline")).to_contain_text("Credit note CN-2026-001")
    assert Decimal(_figure(page, "gross").strip("€")) == Decimal("211.74")

    page.goto(page.base + "/invoices")
    expect(page.locator("table.data tbody tr")).to_have_count(4)


def test_invoice_list_keyboard_shortcuts_move_tick_and_open(page):
    from playwright.sync_api import expect

    _sign_in(page, "books@fieldpost.test")
    page.goto(page.base + "/invoices")
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("j")  # typed into the search box, not a shortcut
    expect(page.locator("#q")).to_have_value("j")
    page.fill("#q", "no-such-invoice")  # active search: results swap in without a reload
    expect(page.locator("#invoice-results")).to_contain_text("No invoices match")
    page.fill("#q", "")
    expect(page.locator("#invoice-results tbody tr")).to_have_count(3)
    page.locator("#q").blur()
    page.keyboard.press("j")
    page.keyboard.press("j")
    current = page.locator("tr.is-current")
    expect(current).to_have_count(1)
    page.keyboard.press("x")
    expect(page.locator("[data-bulkbar]")).to_be_visible()
    expect(page.locator("[data-bulk-count]")).to_have_text("1 selected")
    target = current.get_attribute("data-href")
    page.keyboard.press("Enter")
    page.wait_for_url(page.base + target)
    expect(page.locator("h1")).to_contain_text("Draft invoice")


def test_admin_settings_page_renders_and_saves(page):
    from playwright.sync_api import expect

    _sign_in(page, "admin@fieldpost.test")
    page.goto(page.base + "/settings/bank")
    page.fill("#iban", "IE00 nonsense")
    page.click("button:has-text('Save bank details')")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    # The summary takes focus from a script run after load; wait for it rather than race it.
    expect(summary).to_be_focused()
    page.fill("#iban", "IE29 AIBK 9311 5212 3456 78")
    page.click("button:has-text('Save bank details')")
    expect(page.locator(".flash")).to_contain_text("Bank details settings saved")
    page.goto(page.base + "/settings")


def test_main_pages_load_without_script_or_csp_errors(page):
    from playwright.sync_api import expect

    _sign_in(page, "books@fieldpost.test")
    for path in (
        "/",
        "/invoices",
        "/invoices/1",
        "/invoices/new",
        "/customers",
        "/catalog",
        "/reports/trial-balance",
        "/reports/aging",
        "/settings/lock-date",
    ):
        page.goto(page.base + path)
        expect(page.locator("h1")).to_be_visible()
    page.click("summary:has-text('Account')")
    page.click("text=Sign out")
    _sign_in(page, "admin@fieldpost.test")
    for path in ("/settings", "/settings/branding", "/settings/numbering", "/admin/users"):
        page.goto(page.base + path)
        expect(page.locator("h1")).to_be_visible()
    # Errors (CSP violations included) are collected by the `page` fixture and fail the test.
