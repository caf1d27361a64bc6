"""Pooled connections: one the database dropped is replaced before anyone uses it."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, select, text

from app.company.services import get_company
from app.extensions import db
from tests.conftest import PG_ADMIN_URL, Database, make_app, migrate_and_seed

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def pooled_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = Database(tmp_path)
    app = make_app(database.url, DB_PING_AFTER_IDLE_SECONDS=0.2)
    migrate_and_seed(app)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        database.drop()


def _backend_pid() -> int:
    pid = db.session.scalar(select(text("pg_backend_pid()")))
    db.session.commit()  # back to the pool
    return int(pid)


def _terminate(pid: int) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _count_pings() -> list[int]:
    pings = [0]
    ping = db.engine.dialect.do_ping

    def counting_ping(dbapi_connection):  # type: ignore[no-untyped-def]
        pings[0] += 1
        return ping(dbapi_connection)

    db.engine.dialect.do_ping = counting_ping  # type: ignore[method-assign]
    return pings


def test_a_connection_dropped_while_idle_is_replaced_unseen(pooled_app):
    with pooled_app.app_context():
        pid = _backend_pid()
        _terminate(pid)
        time.sleep(0.3)  # idle longer than the app's 0.2 s
        assert get_company().name  # no error: the pool pinged, failed and reconnected
        assert _backend_pid() != pid


def test_a_connection_used_moments_ago_is_not_pinged(pooled_app):
    with pooled_app.app_context():
        pings = _count_pings()
        checkouts = [0]
        event.listen(db.engine, "checkout", lambda *_: checkouts.__setitem__(0, checkouts[0] + 1))
        for _ in range(5):
            _backend_pid()
        assert checkouts[0] == 5
        assert pings[0] == 0
        time.sleep(0.3)
        _backend_pid()
        assert pings[0] == 1
