"""A customer's signature taken without a connection, in Chromium at tablet size: it stays
on the tablet, is sent when the connection is back (or from the next page after a request
that died on the way), is stored once, and is marked outdated if the work changed since."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.extensions import db
from app.service_orders.models import ServiceOrder
from tests.conftest import DEFAULT_NOW
from tests.web_field.browser import Live, sign_on_pad, tablet_page

pytestmark = pytest.mark.browser


def _seed(server: Live) -> dict[str, Any]:
    def build() -> dict[str, Any]:
        from decimal import Decimal

        from app.service_orders import services
        from tests.factories import CatalogItemFactory, CustomerFactory, UserFactory

        dispatcher = UserFactory(role="dispatcher", name="Dana Dispatch")
        tech = UserFactory(role="technician", name="Theo Tech")
        customer = CustomerFactory(name="Acme Facilities")
        valve = CatalogItemFactory(sku="VALVE", name="Radiator valve", price=Decimal("24.90"))
        order = services.create_order(dispatcher, customer_id=customer.id, description="Boiler")
        services.schedule_order(
            dispatcher,
            order.id,
            start=DEFAULT_NOW,
            end=DEFAULT_NOW + timedelta(hours=2),
            technician_ids=[tech.id],
        )
        services.start_order(tech, order.id)
        return {"tech": tech.email, "tech_id": tech.id, "order": order.id, "valve": valve.id}

    return server.seed(build)  # type: ignore[no-any-return]


def _signature(server: Live, order_id: int) -> tuple[Any, Any, Any]:
    with server.app.app_context():
        order = db.session.get(ServiceOrder, order_id)
        return order.signed_by_name, order.signature_client_id, order.signature_outdated


def _kept(page: Any) -> int:
    return int(
        page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('fieldpost.signature.')).length"
        )
    )


def test_signed_offline_it_is_kept_and_sent_when_the_connection_is_back(live, browser):
    data = _seed(live)
    page = tablet_page(browser, live, data["tech"])
    page.goto(f"{live.url}/orders/{data['order']}")
    page.context.set_offline(True)
    page.wait_for_selector("#offline-banner")
    sign_on_pad(page, "Cora Byrne")
    status = page.locator("[data-signature-status]")
    assert "kept on this tablet" in status.inner_text()
    assert _kept(page) == 1
    assert _signature(live, data["order"])[0] is None

    page.context.set_offline(False)
    page.wait_for_selector("text=Signed by Cora Byrne")
    name, client_id, outdated = _signature(live, data["order"])
    assert (name, outdated) == ("Cora Byrne", False)
    assert client_id is not None
    assert _kept(page) == 0
    # Only the browser's own note of a request refused while offline, no script error.
    assert [e for e in page.js_errors if "net::ERR_INTERNET_DISCONNECTED" not in e] == []


def test_work_changed_while_the_signature_waited_marks_it_outdated(live, browser):
    data = _seed(live)
    page = tablet_page(browser, live, data["tech"])
    page.goto(f"{live.url}/orders/{data['order']}")
    page.context.set_offline(True)
    sign_on_pad(page, "Cora Byrne")

    def add_valve() -> None:
        from app.service_orders import parts
        from app.service_orders.models import ServiceOrder as Order

        order = db.session.get(Order, data["order"])
        parts.add_part(order.technicians[0], order.id, catalog_item_id=data["valve"], quantity="1")

    live.seed(add_valve)  # a colleague's tablet adds a part meanwhile
    page.context.set_offline(False)
    page.wait_for_selector("text=Signed by Cora Byrne")
    assert page.locator(".signed.outdated").is_visible()
    assert _signature(live, data["order"])[2] is True


def test_a_signature_whose_request_died_is_sent_from_the_next_page(live, browser):
    data = _seed(live)
    page = tablet_page(browser, live, data["tech"])
    page.goto(f"{live.url}/orders/{data['order']}")
    page.route("**/sign", lambda route: route.abort("internetdisconnected"))
    sign_on_pad(page, "Cora Byrne")
    page.wait_for_timeout(500)
    assert _signature(live, data["order"])[0] is None
    page.unroute("**/sign")
    page.goto(f"{live.url}/")  # the technician's next page sends it
    page.wait_for_selector("text=The signature kept on this tablet for")
    assert _signature(live, data["order"])[0] == "Cora Byrne"
    page.goto(f"{live.url}/orders/{data['order']}")
    assert page.locator("text=Signed by Cora Byrne").is_visible()
    assert _kept(page) == 0
