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
from tests.factories import CustomerFactory, UserFactory, bind
from tests.service_orders.conftest import NOW


def _setup(app: Any) -> tuple[int, int]:
    with app.app_context():
        bind(db.session)
        office = UserFactory(role="dispatcher")
        tech = UserFactory(role="technician")
        customer = CustomerFactory()
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
