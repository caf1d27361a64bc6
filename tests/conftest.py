"""Test harness: a fresh database per run (SQLite or PostgreSQL), migrated with Alembic.

Every test runs inside an outer transaction with savepoints, so the services' commits roll
back at the end (SQLAlchemy's "joining a Session into an external transaction" recipe).
Tests that need real commits across processes use `fresh_database` instead.

Choose the database with FIELDPOST_TEST_DB=sqlite (default) or postgresql.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from flask import Flask
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import Session

from app import create_app
from app.core import clock
from app.extensions import db
from tests import factories

PG_ADMIN_URL = os.environ.get("FIELDPOST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKEND = os.environ.get("FIELDPOST_TEST_DB", "sqlite")
# A fixed "now" for every test unless it says otherwise: 14 Jun 2026, 10:00 UTC.
DEFAULT_NOW = datetime(2026, 6, 14, 10, 0, tzinfo=UTC)


def pytest_report_header() -> str:
    return f"fieldpost test database: {BACKEND}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; runs in the PostgreSQL pass of make test")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks engines by bind key; tests pin it to one connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):  # type: ignore[no-untyped-def]
        return bind or self.bind or super().get_bind(mapper, clause, **kwargs)


class Database:
    """One throw-away database: created on demand, dropped at the end."""

    def __init__(self, tmp_dir: Path) -> None:
        self.name = f"fieldpost_test_{uuid.uuid4().hex[:10]}"
        if BACKEND == "postgresql":
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"')
            base = PG_ADMIN_URL.rsplit("/", 1)[0]
            self.url = f"{base}/{self.name}".replace("postgresql://", "postgresql+psycopg://")
        else:
            self.url = f"sqlite:///{tmp_dir / (self.name + '.db')}"

    def drop(self) -> None:
        if BACKEND == "postgresql":
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def make_app(database_url: str, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SERVER_NAME": "fieldpost.test",
    }
    config.update(overrides)
    return create_app(config)


def migrate_and_seed(app: Flask) -> None:
    with app.app_context():
        upgrade(directory=str(Path(app.root_path).parent / "migrations"), revision="heads")
        factories.seed_company()
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = Database(tmp_path_factory.mktemp("db"))
    yield database
    database.drop()


@pytest.fixture(scope="session")
def app(database: Database) -> Iterator[Flask]:
    app = make_app(database.url)
    migrate_and_seed(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    clock.freeze(DEFAULT_NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The test's database session, rolled back at the end whatever the services committed."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": ConnectionBoundSession,
            }
        )
        factories.bind(db.session)
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask, session: Session):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[Database, Flask]]:
    """A database of its own with real commits, for concurrency and multi-process tests."""
    database = Database(tmp_path)
    app = make_app(database.url)
    migrate_and_seed(app)
    try:
        yield database, app
    finally:
        with app.app_context():
            db.engine.dispose()
        database.drop()
