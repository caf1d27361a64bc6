"""The whole field flow in a real browser at tablet size: a technician times, adds a part,
writes the report, collects a signature and marks done; the dispatcher closes the order and
makes the invoice from the queue; the bookkeeper posts it, takes two payments and credits a
part. With FIELDPOST_SCREENSHOTS=1, screenshots of the main screens go to docs/images/."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.core import clock
from tests.conftest import DEFAULT_NOW
from tests.web_field.browser import Live, sign_on_pad, tablet_page

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def _seed(server: Live) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        from app.customers.sites import add_contact, add_site
        from app.service_orders import services
        from tests.factories import CatalogItemFactory, CustomerFactory, UserFactory

        dispatcher = UserFactory(role="dispatcher", name="Dana Dispatch")
        tech = UserFactory(role="technician", name="Theo Tech")
        bookkeeper = UserFactory(role="bookkeeper", name="Bea Books")
        customer = CustomerFactory(name="Acme Facilities")
        CatalogItemFactory(
            sku="LAB-N",
            name="Labour",
            kind="labour",
            rate_kind="normal",
            unit="h",
            price=Decimal("68.00"),
            vat_rate=Decimal("13.50"),
        )
        CatalogItemFactory(
            sku="VALVE-15",
            name="Radiator valve",
            price=Decimal("24.90"),
            vat_rate=Decimal("23.00"),
        )
        CatalogItemFactory(sku="PIPE-15", name="Copper pipe", unit="m", price=Decimal("8.75"))
        site = add_site(
            dispatcher,
            customer.id,
            name="Head office",
            street="5 Main Street",
            city="Cork",
            postal_code="T12",
            country="IE",
            access_notes="Key at reception. Boiler room code 4711.",
        )
        contact = add_contact(dispatcher, customer.id, name="Cora Byrne", phone="+353 21 555 0101")
        order = services.create_order(
            dispatcher,
            customer_id=customer.id,
            site_id=site.id,
            contact_id=contact.id,
            description="Boiler loses pressure overnight; check the expansion vessel.",
            priority="high",
        )
        services.schedule_order(
            dispatcher,
            order.id,
            start=DEFAULT_NOW + timedelta(hours=1),
            end=DEFAULT_NOW + timedelta(hours=3),
            technician_ids=[tech.id],
        )
        later = services.create_order(
            dispatcher,
            customer_id=customer.id,
            site_id=site.id,
            description="Annual service of the heat pump.",
        )
        services.schedule_order(
            dispatcher,
            later.id,
            start=DEFAULT_NOW + timedelta(hours=4),
            end=DEFAULT_NOW + timedelta(hours=5),
            technician_ids=[tech.id],
        )
        services.create_order(
            dispatcher, customer_id=customer.id, description="Quote a new boiler."
        )
        return {
            "tech": tech.email,
            "dispatcher": dispatcher.email,
            "bookkeeper": bookkeeper.email,
            "order_id": order.id,
            "reference": order.reference,
            "customer_id": customer.id,
        }

    return server.seed(build)


def _shot(page: Any, name: str) -> None:
    """Screenshots for the docs, only when asked (FIELDPOST_SCREENSHOTS=1): a normal test
    run leaves the source tree untouched."""
    if not os.environ.get("FIELDPOST_SCREENSHOTS"):
        return
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(IMAGES / name), full_page=False)


@pytest.mark.browser
def test_technician_to_invoice_flow_in_browser(live, browser):
    data = _seed(live)
    tech = tablet_page(browser, live, data["tech"])
    _shot(tech, "technician-my-day.png")

    # My day: one button starts the timer and opens the job.
    card = tech.locator(".visit-card", has_text="Boiler loses pressure")
    card.get_by_role("button", name="Start").click()
    tech.wait_for_url(f"**/orders/{data['order_id']}#time")
    assert tech.locator(".timer-chip").is_visible()
    tech.reload()
    assert tech.get_by_role("button", name="Stop timer").is_visible()
    assert data["reference"] in tech.locator(".timer-chip").inner_text()
    _shot(tech, "technician-order-timer.png")

    clock.freeze(DEFAULT_NOW + timedelta(minutes=50))
    tech.locator(".action-bar").get_by_role("button", name="Stop timer").click()
    tech.wait_for_selector("text=Timer stopped: 0:50 recorded")
    assert tech.locator(".timer-chip").count() == 0

    # Parts by type-ahead, then one more with the stepper.
    tech.locator("#part-search").fill("valv")
    tech.locator("#part-options [role=option]", has_text="Radiator valve").click()
    tech.wait_for_selector(".part-line:has-text('Radiator valve')")
    line = tech.locator(".part-line", has_text="Radiator valve")
    assert "24.90" not in tech.content()
    line.get_by_role("button", name="One more Radiator valve").click()
    tech.wait_for_selector(".part-line:has-text('Radiator valve') [data-qty]:text-is('2')")

    # Report autosaves.
    tech.locator("#report-text").fill("Replaced the radiator valves; pressure holds at 1.5 bar.")
    tech.wait_for_selector("#report-status:has-text('Saved')")

    tech.reload()
    _shot_job = tech
    _shot_job.evaluate("window.scrollTo(0, 0)")
    _shot(_shot_job, "technician-order.png")

    # The customer sees the summary, signs with the finger (pointer events) and a name.
    summary = tech.locator(".summary-for-customer").inner_text()
    for shown in ("0:50", "2 pcs Radiator valve", "1.5 bar"):
        assert shown in summary
    sign_on_pad(tech, "Cora Byrne")
    tech.wait_for_selector("text=Signed by Cora Byrne")

    tech.locator(".action-bar").get_by_role("button", name="Mark done").click()
    tech.wait_for_selector(f"text={data['reference']} marked done")
    assert tech.js_errors == []

    # The dispatcher reviews, closes and invoices.
    office = tablet_page(browser, live, data["dispatcher"])
    office.goto(live.url + "/orders")
    _shot(office, "dispatcher-board.png")
    office.locator(".review-strip").get_by_role("link", name=data["reference"]).click()
    billable = office.locator("[data-billable=normal]").inner_text()
    assert billable == "1:00"
    _shot(office, "dispatcher-review.png")
    office.get_by_role("button", name="Close order").click()
    office.wait_for_selector("text=in the invoicing queue")
    office.goto(live.url + "/orders/invoicing")
    office.get_by_role("checkbox", name=data["reference"]).check()
    office.get_by_role("button", name="Create invoice").click()
    office.wait_for_url("**/invoices/*/edit")
    page_text = office.content()
    assert f"Labour ({data['reference']})" in page_text
    assert f"Radiator valve ({data['reference']})" in page_text
    assert office.js_errors == []
    invoice_id = office.url.rstrip("/").split("/")[-2]

    # The bookkeeper posts it, takes a partial then the final payment, credits one valve.
    books = tablet_page(browser, live, data["bookkeeper"])
    invoice_url = f"{live.url}/invoices/{invoice_id}"
    books.goto(invoice_url + "/post")
    assert "€138.43" in books.locator(".consequence").inner_text()
    books.get_by_role("button", name="Post invoice").click()
    books.wait_for_url(invoice_url)
    assert _figure(books, "gross") == "€138.43"
    assert _figure(books, "due") == "€138.43"

    _pay(books, invoice_url, "100.00")
    assert _figure(books, "paid") == "€100.00"
    assert _figure(books, "due") == "€38.43"
    _pay(books, invoice_url, None)  # the amount is prefilled with the balance
    assert _figure(books, "paid") == "€138.43"
    assert _figure(books, "due") == "€0.00"

    books.goto(invoice_url + "/credit-note")
    books.get_by_label(f"Credit quantity of Radiator valve ({data['reference']})", exact=True).fill(
        "1"
    )
    books.fill("#reason", "One valve was returned unused.")
    books.get_by_role("button", name="Preview credit note").click()
    assert books.locator("[data-figure=credit-total]").inner_text() == "€30.63"
    books.get_by_role("button", name="Issue credit note of €30.63").click()
    books.wait_for_load_state()
    books.goto(invoice_url)
    # Paid in full already: the credit becomes the customer's credit, listed on the invoice.
    assert _figure(books, "paid") == "€138.43"
    assert _figure(books, "due") == "€0.00"
    assert books.locator(".timeline li", has_text="Credit note").filter(has_text="€30.63").count()
    books.goto(f"{live.url}/customers/{data['customer_id']}/balance")
    assert _figure(books, "credit") == "€30.63"
    assert books.js_errors == []


def _figure(page: Any, name: str) -> str:
    return str(page.locator(f"[data-figure={name}]").inner_text()).strip()


def _pay(page: Any, invoice_url: str, amount: str | None) -> None:
    page.goto(invoice_url + "/payments/new")
    if amount is not None:
        page.fill("#amount", amount)
    page.get_by_role("button", name="Register payment").click()
    page.wait_for_url(invoice_url)
