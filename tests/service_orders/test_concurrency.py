"""Tablets retrying at once: concurrent submissions with one client id store one entry."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.service_orders import services, timesheets
from app.service_orders.models import TimeEntry
from tests.factories import CatalogItemFactory, CustomerFactory, UserFactory, bind
from tests.service_orders.conftest import NOW


def _setup(app: Any) -> tuple[int, int]:
    with app.app_context():
        bind(db.session)
        office = UserFactory(role="dispatcher")
        tech = UserFactory(role="technician")
        customer = CustomerFactory()
        CatalogItemFactory(kind="labour", rate_kind="normal", unit="h")
        db.session.commit()
        order = services.create_order(office, customer_id=customer.id, description="Leak")
        services.schedule_order(
            office, order.id, start=NOW, end=NOW + timedelta(hours=2), technician_ids=[tech.id]
        )
        services.start_order(office, order.id)
        return tech.id, order.id


@pytest.mark.postgres_only
def test_concurrent_replays_store_one_time_entry(fresh_database: Any) -> None:
    _, app = fresh_database
    tech_id, order_id = _setup(app)
    client_id = str(uuid.uuid4())
    results: list[Any] = []
    barrier = threading.Barrier(8)

    def submit() -> None:
        with app.app_context():
            try:
                tech = db.session.get(UserFactory._meta.model, tech_id)
                barrier.wait()
                entry = timesheets.log_time(tech, order_id, minutes=30, client_id=client_id)
                results.append(entry.id)
            except Exception as error:  # reported below: any error fails the test
                results.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1, results
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TimeEntry)) == 1


def _done_order(app: Any) -> tuple[int, int]:
    tech_id, order_id = _setup(app)
    with app.app_context():
        office = db.session.scalar(
            select(UserFactory._meta.model).where(UserFactory._meta.model.role == "dispatcher")
        )
        tech = db.session.get(UserFactory._meta.model, tech_id)
        timesheets.log_time(tech, order_id, minutes=45)
        services.complete_order(office, order_id)
        return office.id, order_id


@pytest.mark.postgres_only
def test_concurrent_invoicing_of_one_order_makes_one_draft(fresh_database: Any) -> None:
    from app.invoicing.models import Invoice
    from app.service_orders.invoicing import AlreadyInvoiced, invoice_order

    _, app = fresh_database
    office_id, order_id = _done_order(app)
    outcomes: list[Any] = []
    barrier = threading.Barrier(4)

    def attempt() -> None:
        with app.app_context():
            try:
                office = db.session.get(UserFactory._meta.model, office_id)
                barrier.wait()
                outcomes.append(invoice_order(office, order_id).id)
            except AlreadyInvoiced:
                outcomes.append("refused")
            except Exception as error:  # anything else fails the test below
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("refused") == 3, outcomes
    assert all(isinstance(o, int) for o in outcomes if o != "refused"), outcomes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invoice)) == 1


@pytest.mark.postgres_only
def test_concurrent_timer_starts_leave_one_running(fresh_database: Any) -> None:
    _, app = fresh_database
    tech_id, first_order = _setup(app)
    with app.app_context():
        office = db.session.scalar(
            select(UserFactory._meta.model).where(UserFactory._meta.model.role == "dispatcher")
        )
        order_ids = [first_order]
        for _ in range(3):
            order = services.create_order(office, customer_id=1, description="Another job")
            services.schedule_order(
                office, order.id, start=NOW, end=NOW + timedelta(hours=2), technician_ids=[tech_id]
            )
            order_ids.append(order.id)
    outcomes: list[Any] = []
    barrier = threading.Barrier(len(order_ids))

    def start(order_id: int) -> None:
        with app.app_context():
            try:
                tech = db.session.get(UserFactory._meta.model, tech_id)
                barrier.wait()
                outcomes.append(timesheets.start_timer(tech, order_id).id)
            except Exception as error:  # any error fails the test below
                outcomes.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=start, args=(i,)) for i in order_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(o, int) for o in outcomes), outcomes
    with app.app_context():
        running = db.session.scalar(
            select(func.count()).where(TimeEntry.technician_id == tech_id, TimeEntry.running)
        )
        assert running == 1
