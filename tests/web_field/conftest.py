"""Field pages' test world: office and two technicians, a customer with a site and contact,
labour and parts in the catalog, and orders in each state of the work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from app.customers.sites import add_contact, add_site
from app.service_orders import services, timesheets
from tests.factories import CatalogItemFactory, CustomerFactory, UserFactory
from tests.web.conftest import csrf_app, sign_in, web_client
from tests.web_field.browser import browser, live

NOW = datetime(2026, 6, 14, 10, 0, tzinfo=UTC)
__all__ = ["browser", "csrf_app", "live"]  # fixtures shared with other test packages


class FieldWorld:
    def __init__(self) -> None:
        self.dispatcher = UserFactory(role="dispatcher", name="Dana Dispatch")
        self.admin = UserFactory(role="admin", name="Ada Admin")
        self.bookkeeper = UserFactory(role="bookkeeper", name="Bea Books")
        self.tech = UserFactory(role="technician", name="Theo Tech")
        self.tech2 = UserFactory(role="technician", name="Tara Tech")
        self.users = {
            "admin": self.admin,
            "bookkeeper": self.bookkeeper,
            "dispatcher": self.dispatcher,
            "technician": self.tech,
        }
        self.customer = CustomerFactory(name="Acme Facilities")
        self.other_customer = CustomerFactory(name="Brightside Hotels")
        self.site = add_site(
            self.dispatcher,
            self.customer.id,
            name="Head office",
            street="5 Main Street",
            city="Cork",
            country="IE",
            access_notes="Key at reception; boiler room code 4711.",
        )
        self.contact = add_contact(
            self.dispatcher, self.customer.id, name="Cora Contact", phone="+353 21 555 0101"
        )
        self.labour = CatalogItemFactory(
            sku="LAB-N",
            name="Labour",
            kind="labour",
            rate_kind="normal",
            unit="h",
            price=Decimal("68.00"),
            vat_rate=Decimal("13.50"),
        )
        self.valve = CatalogItemFactory(
            sku="VALVE", name="Radiator valve", price=Decimal("24.90"), vat_rate=Decimal("23.00")
        )
        self.pipe = CatalogItemFactory(
            sku="PIPE", name="Copper pipe", unit="m", price=Decimal("8.75")
        )

    def order(self, customer: Any = None, **values: Any) -> Any:
        customer = customer or self.customer
        values.setdefault("description", "Boiler pressure drops overnight")
        if customer is self.customer:
            values.setdefault("site_id", self.site.id)
            values.setdefault("contact_id", self.contact.id)
        return services.create_order(self.dispatcher, customer_id=customer.id, **values)

    def scheduled(self, tech: Any = None, customer: Any = None, **values: Any) -> Any:
        order = self.order(customer, **values)
        return services.schedule_order(
            self.dispatcher,
            order.id,
            start=NOW + timedelta(hours=1),
            end=NOW + timedelta(hours=3),
            technician_ids=[(tech or self.tech).id],
        )

    def worked(self, tech: Any = None, minutes: int = 50, **values: Any) -> Any:
        tech = tech or self.tech
        order = self.scheduled(tech, **values)
        timesheets.log_time(tech, order.id, minutes=minutes)
        return order

    def done(self, customer: Any = None, minutes: int = 50) -> Any:
        order = self.scheduled(self.tech, customer)
        timesheets.log_time(self.tech, order.id, minutes=minutes)
        return services.complete_order(self.dispatcher, order.id)


@pytest.fixture
def fw(session: Any) -> FieldWorld:
    return FieldWorld()


@pytest.fixture
def login(app: Flask, session: Any, fw: FieldWorld):  # type: ignore[no-untyped-def]
    """`login("technician")` (or a user) gives a signed-in test client."""

    def make(who: Any) -> Any:
        user = fw.users[who] if isinstance(who, str) else who
        return sign_in(web_client(app), user)

    return make


@pytest.fixture
def uploads(app: Flask, tmp_path: Any):  # type: ignore[no-untyped-def]
    """Photos and signatures go to a temporary folder for the test."""
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["UPLOAD_DIR"] = previous


def count(session: Any, model: Any) -> int:
    from sqlalchemy import func, select

    return int(session.scalar(select(func.count()).select_from(model)))
