"""factory-boy factories. They flush, never commit: the test's outer transaction owns them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory

from app.accounting.chart import seed_chart
from app.auth.models import User
from app.auth.passwords import hash_password
from app.catalog.models import CatalogItem
from app.company.models import Company
from app.core.numbering import SERIES_CODES, get_series
from app.customers.models import Customer
from app.extensions import db

TEST_PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = hash_password(TEST_PASSWORD)  # argon2 is slow on purpose: hash once


def seed_company() -> Company:
    company = Company(
        name="Test Services Ltd",
        street="1 Test Street",
        city="Dublin",
        postal_code="D01",
        country="IE",
        vat_id="IE6388047V",
        iban="IE29AIBK93115212345678",
        bic="AIBKIE2D",
        currency="EUR",
        locale="en_IE",
        timezone="Europe/Dublin",
        default_vat_rate=Decimal(23),
        default_payment_terms_days=14,
        vat_registered=True,
    )
    db.session.add(company)
    seed_chart()
    for code in SERIES_CODES:
        get_series(code)
    db.session.flush()
    return company


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_persistence = "flush"


def bind(session: Any) -> None:
    for factory_class in (UserFactory, CustomerFactory, CatalogItemFactory):
        factory_class._meta.sqlalchemy_session = session


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@fieldpost.test")
    name = factory.Sequence(lambda n: f"User {n}")
    role = "bookkeeper"
    password_hash = _PASSWORD_HASH
    active = True


class CustomerFactory(_Base):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n} Ltd")
    email = factory.Sequence(lambda n: f"billing{n}@customer.example")
    vat_id = "IE8256796U"
    is_business = True
    street = "5 Main Street"
    city = "Cork"
    postal_code = "T12"
    country = "IE"


class CatalogItemFactory(_Base):
    class Meta:
        model = CatalogItem

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Part {n}")
    kind = "part"
    unit = "pcs"
    price = Decimal("10.00")
    vat_rate = Decimal("23.00")
    currency = "EUR"


def line(
    description: str = "Labour",
    quantity: str = "1",
    unit_price: str = "100.00",
    vat_rate: str = "23",
    kind: str = "labour",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "description": description,
        "quantity": quantity,
        "unit_price": unit_price,
        "vat_rate": vat_rate,
        "kind": kind,
        "unit": "h" if kind == "labour" else "pcs",
        **extra,
    }
