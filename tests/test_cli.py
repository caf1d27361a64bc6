"""The command line: demo data in every status, ledger verification, creating users."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text

from app.accounting.models import JournalLine
from app.auth.models import User
from app.core import clock
from app.extensions import db
from app.invoicing.models import Invoice
from tests.conftest import BACKEND, DEFAULT_NOW, Database, make_app


def _empty_app(directory: Path) -> Iterator[Flask]:
    database = Database(directory)
    app = make_app(database.url)
    with app.app_context():
        upgrade(directory=str(Path(app.root_path).parent / "migrations"), revision="heads")
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        database.drop()


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """A migrated database with nothing in it, as after `flask db upgrade`."""
    yield from _empty_app(tmp_path)


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, object]]:
    """A database after one `flask demo load`, shared by tests that only read it."""
    for app in _empty_app(tmp_path_factory.mktemp("demo")):
        clock.freeze(DEFAULT_NOW)
        loaded = run(app, "demo", "load")
        clock.freeze(None)
        yield app, loaded


def run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def test_demo_load_then_verify_passes(demo_app):
    app, loaded = demo_app
    assert loaded.exit_code == 0, loaded.output
    assert "admin" in loaded.output
    verified = run(app, "ledger", "verify")
    assert verified.exit_code == 0, verified.stderr
    assert verified.stdout.startswith("ledger OK:")
    assert len(verified.stdout.strip().splitlines()) == 1


def test_demo_load_covers_every_status(demo_app):
    app, _ = demo_app
    with app.app_context():
        today = clock.now_utc().date()
        statuses = {
            invoice.status(today)
            for invoice in db.session.scalars(select(Invoice).where(Invoice.doc_type == "invoice"))
        }
        db.session.remove()
    assert statuses >= {
        "draft",
        "posted",
        "sent",
        "viewed",
        "partially_paid",
        "paid",
        "overdue",
        "cancelled",
    }


def test_demo_load_twice_loads_once(demo_app):
    app, _ = demo_app
    again = run(app, "demo", "load")
    assert again.exit_code == 0
    assert "already loaded" in again.output


def drop_line_trigger(connection) -> None:
    if BACKEND == "postgresql":
        connection.execute(text("DROP TRIGGER journal_lines_insert_only ON journal_lines"))
    else:
        connection.execute(text("DROP TRIGGER journal_lines_no_update"))


def test_ledger_verify_tampered_line_exits_1_naming_it(empty_app):
    run(empty_app, "demo", "load")
    with empty_app.app_context():
        line = db.session.scalars(
            select(JournalLine).where(JournalLine.debit > 0).order_by(JournalLine.id)
        ).first()
        entry_id = line.entry_id
        drop_line_trigger(db.session.connection())
        db.session.execute(
            text("UPDATE journal_lines SET debit = debit + 100 WHERE id = :id"), {"id": line.id}
        )
        db.session.commit()
        db.session.remove()
    verified = run(empty_app, "ledger", "verify")
    assert verified.exit_code == 1
    assert f"I1 entry {entry_id} is unbalanced" in verified.stderr
    assert "I2 total debits" in verified.stderr
    assert f"I6 journal entry {entry_id} was altered" in verified.stderr


def test_ledger_verify_altered_residual_exits_1_naming_invoice(empty_app):
    run(empty_app, "demo", "load")
    with empty_app.app_context():
        number = db.session.scalar(
            select(Invoice.number).where(
                Invoice.payment_state == "unpaid", Invoice.number.like("INV%")
            )
        )
        db.session.execute(
            text("UPDATE invoices SET residual = residual - 1 WHERE number = :n"), {"n": number}
        )
        db.session.commit()
        db.session.remove()
    verified = run(empty_app, "ledger", "verify")
    assert verified.exit_code == 1
    assert f"I4 {number}: residual" in verified.stderr


def test_users_create_hashes_password(empty_app):
    result = run(
        empty_app,
        "users",
        "create",
        "Ops@Example.com",
        "--role",
        "bookkeeper",
        "--password",
        "long-enough-password",
    )
    assert result.exit_code == 0, result.stderr
    with empty_app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.role == "bookkeeper"
        assert user.password_hash.startswith("$argon2id$")
        assert "long-enough-password" not in user.password_hash
        db.session.remove()


def test_users_create_bad_role_refused(empty_app):
    result = run(
        empty_app,
        "users",
        "create",
        "a@example.com",
        "--role",
        "owner",
        "--password",
        "long-enough-password",
    )
    assert result.exit_code == 2
    assert "role" in result.stderr
    with empty_app.app_context():
        assert db.session.scalars(select(User)).all() == []
        db.session.remove()


def test_users_create_short_password_refused(empty_app):
    result = run(
        empty_app, "users", "create", "a@example.com", "--role", "admin", "--password", "short"
    )
    assert result.exit_code == 1
    assert "password" in result.stderr
    with empty_app.app_context():
        assert db.session.scalars(select(User)).all() == []
        db.session.remove()


def test_catalog_commands_before_the_company_is_set_up_say_so_without_a_traceback(
    empty_app, tmp_path
):
    units = run(empty_app, "catalog", "units")
    assert units.exit_code == 0, units.output
    assert "Currency: not set yet" in units.output
    assert "Traceback" not in units.output
    csv_file = tmp_path / "items.csv"
    csv_file.write_text("name,type,unit,group,VAT rate,price\nRope,product,pcs,,23,3\n")
    preview = run(empty_app, "catalog", "import", "--preview", str(csv_file))
    assert preview.exit_code == 1
    assert (
        preview.output
        == "error: Set up the company first (flask demo load or the settings page).\n"
    )
