"""Screenshots of each role's main pages for docs/images/, at tablet size (1024x768).

Run against a server with the demo data loaded:
    FLASK_APP=wsgi.py DATABASE_URL=sqlite:////tmp/shots.db flask db upgrade heads
    ... flask demo load && ... flask run -p 5123 &
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:5123
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUT = Path(__file__).resolve().parents[1] / "docs" / "images"
PAGES = {
    "books@fieldpost.test": [
        ("bookkeeper-home", "/", False),
        ("bookkeeper-invoices", "/invoices", False),
        ("bookkeeper-invoice", "/invoices/{partial}", False),
        ("bookkeeper-draft-editor", "/invoices/{draft}/edit", False),
        ("bookkeeper-aging", "/reports/aging", False),
    ],
    "admin@fieldpost.test": [
        ("admin-settings", "/settings", False),
        ("admin-users", "/admin/users", False),
    ],
    "dispatch@fieldpost.test": [
        ("dispatcher-home", "/", False),
        ("dispatcher-schedule", "/orders/schedule", False),
    ],
    "tech@fieldpost.test": [("technician-home", "/", False)],
}


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        ids: dict[str, str] = {}
        for email, pages in PAGES.items():
            context = browser.new_context(viewport={"width": 1024, "height": 768})
            page = context.new_page()
            page.goto(base + "/login")
            page.fill("#email", email)
            page.fill("#password", "fieldpost-demo")
            page.click("button[type=submit]")
            if email.startswith("books") and not ids:
                page.goto(base + "/invoices?status=partially_paid")
                ids["partial"] = (
                    page.locator("tbody tr").first.get_attribute("data-href").rsplit("/", 1)[1]
                )
                page.goto(base + "/invoices?status=draft")
                ids["draft"] = (
                    page.locator("tbody tr").first.get_attribute("data-href").rsplit("/", 1)[1]
                )
            for name, url, full in pages:
                page.goto(base + url.format(**ids))
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5123")
