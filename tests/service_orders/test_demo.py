"""The demo's service work: orders in every state, with time and parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app.accounting.services import post_invoice
from app.catalog.services import create_item
from app.customers.services import create_customer
from app.demo import CATALOG, CUSTOMERS, DEMO_USERS
from app.service_orders.demo import load_service_orders_demo
from app.service_orders.models import PartUsage, ServiceOrder, TimeEntry
from app.service_orders.states import STATES
from tests.factories import UserFactory


def test_demo_creates_orders_in_every_state(app: Flask, session: Any, tmp_path: Path) -> None:
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path)
    try:
        users = [UserFactory(email=email, role=role, name=name) for email, role, name in DEMO_USERS]
        for values in CUSTOMERS:
            create_customer(users[0], **values)
        for values in CATALOG:
            create_item(users[0], **values)
        load_service_orders_demo(users[0], lambda _: None, post_invoice)
    finally:
        app.config["UPLOAD_DIR"] = previous
    states = set(session.scalars(select(ServiceOrder.state)))
    assert states == set(STATES)
    assert session.scalar(select(func.count()).select_from(TimeEntry)) >= 10
    assert session.scalar(select(func.count()).select_from(PartUsage)) >= 6
