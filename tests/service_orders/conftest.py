"""Fixtures for service orders: the office, two technicians, a customer with a site, and a
catalog with labour at every rate kind, a call-out fee and parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.company.services import get_company
from app.core import clock
from app.service_orders import services
from tests.factories import CatalogItemFactory, CustomerFactory, UserFactory

NOW = datetime(2026, 6, 14, 10, 0, tzinfo=UTC)


class World:
    def __init__(self) -> None:
        self.dispatcher = UserFactory(role="dispatcher", name="Dana Dispatch")
        self.admin = UserFactory(role="admin", name="Ada Admin")
        self.bookkeeper = UserFactory(role="bookkeeper", name="Bea Books")
        self.tech = UserFactory(role="technician", name="Theo Tech")
        self.tech2 = UserFactory(role="technician", name="Tara Tech")
        self.customer = CustomerFactory(name="Acme Facilities")
        self.other_customer = CustomerFactory(name="Brightside Hotels")
        self.normal = CatalogItemFactory(
            sku="LAB-N",
            name="Labour",
            kind="labour",
            rate_kind="normal",
            unit="h",
            price=Decimal("68.00"),
            vat_rate=Decimal("13.50"),
        )
        self.overtime = CatalogItemFactory(
            sku="LAB-O",
            name="Labour, overtime",
            kind="labour",
            rate_kind="overtime",
            unit="h",
            price=Decimal("95.00"),
            vat_rate=Decimal("13.50"),
        )
        self.travel = CatalogItemFactory(
            sku="LAB-T",
            name="Travel",
            kind="labour",
            rate_kind="travel",
            unit="h",
            price=Decimal("45.00"),
            vat_rate=Decimal("13.50"),
        )
        self.fee = CatalogItemFactory(
            sku="FEE",
            name="Call-out fee",
            kind="fee",
            price=Decimal("55.00"),
            vat_rate=Decimal("13.50"),
        )
        self.valve = CatalogItemFactory(
            sku="VALVE", name="Radiator valve", price=Decimal("24.90"), vat_rate=Decimal("23.00")
        )
        self.pipe = CatalogItemFactory(
            sku="PIPE",
            name="Copper pipe",
            unit="m",
            price=Decimal("8.75"),
            vat_rate=Decimal("23.00"),
        )

    def order(self, *, customer: Any = None, fee: bool = False, **values: Any) -> Any:
        values.setdefault("description", "Boiler pressure drops overnight")
        return services.create_order(
            self.dispatcher,
            customer_id=(customer or self.customer).id,
            call_out_item_id=self.fee.id if fee else None,
            **values,
        )

    def scheduled(self, *techs: Any, **values: Any) -> Any:
        order = self.order(**values)
        return services.schedule_order(
            self.dispatcher,
            order.id,
            start=NOW + timedelta(hours=1),
            end=NOW + timedelta(hours=3),
            technician_ids=[t.id for t in (techs or (self.tech,))],
        )

    def in_progress(self, *techs: Any, **values: Any) -> Any:
        order = self.scheduled(*techs, **values)
        return services.start_order(self.dispatcher, order.id)

    def done(
        self,
        minutes: int = 60,
        *,
        parts: tuple[tuple[Any, str], ...] = (),
        tech: Any = None,
        **values: Any,
    ) -> Any:
        from app.service_orders import parts as parts_services
        from app.service_orders import timesheets

        tech = tech or self.tech
        order = self.in_progress(tech, **values)
        if minutes:
            timesheets.log_time(tech, order.id, minutes=minutes)
        for item, quantity in parts:
            parts_services.add_part(tech, order.id, catalog_item_id=item.id, quantity=quantity)
        return services.complete_order(self.dispatcher, order.id)


@pytest.fixture
def world(session: Any) -> World:
    return World()


@pytest.fixture
def policy(session: Any) -> Any:
    """Set the company's billable-time policy for one test (rolled back afterwards)."""

    def set_policy(minutes: int = 15, scope: str = "order", minimum: int = 0) -> None:
        company = get_company()
        company.time_rounding_minutes = minutes
        company.time_rounding_scope = scope
        company.minimum_billable_minutes = minimum
        session.commit()  # survives use cases that roll back

    return set_policy


@pytest.fixture
def at() -> Any:
    """Move the frozen clock: at(hours=2) is two hours after the default test instant."""

    def move(**delta: Any) -> datetime:
        instant = NOW + timedelta(**delta)
        clock.freeze(instant)
        return instant

    return move
