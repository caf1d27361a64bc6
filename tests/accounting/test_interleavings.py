"""Scripted two-connection interleavings on PostgreSQL, each checked against an expected table.

Connection A runs a use case and pauses inside its transaction (a "posted" listener waits);
connection B then starts and must wait on A's row lock. When A commits, B goes on and ends
the way the table says.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from app.accounting.services import post_invoice, register_payment
from app.accounting.verify import verify_ledger
from app.company.models import Company
from app.company.services import set_lock_date
from app.customers.services import create_customer
from app.extensions import db
from app.invoicing import events
from app.invoicing.models import Invoice
from app.invoicing.services import create_draft
from tests.accounting.helpers import CUSTOMER, THREE_LINES

pytestmark = pytest.mark.postgres_only


class Script:
    """Runs use cases on two connections (threads with their own app context)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.inside = threading.Event()
        self.release = threading.Event()
        self.outcomes: dict[str, Any] = {}
        self.threads: list[threading.Thread] = []

    def pause_in_posting(self, invoice: Any) -> None:
        if threading.current_thread().name == "A":
            self.inside.set()
            assert self.release.wait(30)

    def run(self, name: str, use_case: Callable[[], Any]) -> None:
        def target() -> None:
            with self.app.app_context():
                try:
                    self.outcomes[name] = ("ok", use_case())
                except Exception as error:
                    self.outcomes[name] = (type(error).__name__, str(error))
                finally:
                    db.session.remove()

        thread = threading.Thread(target=target, name=name)
        self.threads.append(thread)
        thread.start()

    def wait_until_blocked(self) -> None:
        """Until some connection waits on a row lock (B queued behind A)."""
        with self.app.app_context():
            for _ in range(300):
                waiting = db.session.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()"
                    )
                )
                db.session.rollback()
                if waiting:
                    db.session.remove()
                    return
                time.sleep(0.02)
        raise AssertionError("connection B never waited for A")

    def finish(self) -> dict[str, Any]:
        self.release.set()
        for thread in self.threads:
            thread.join(30)
        return {name: outcome[0] for name, outcome in self.outcomes.items()}


@pytest.fixture
def script(fresh_database) -> Iterator[Script]:
    _, app = fresh_database
    script = Script(app)
    events.listen("posted", script.pause_in_posting)
    try:
        yield script
    finally:
        script.release.set()
        events.unlisten("posted", script.pause_in_posting)


def make_draft(app: Flask, **header: Any) -> int:
    with app.app_context():
        customer = create_customer(None, **CUSTOMER).id
        draft = create_draft(None, customer_id=customer, lines=THREE_LINES, **header).id
        db.session.remove()
        return draft


def ledger_state(app: Flask, invoice_id: int) -> tuple[Any, ...]:
    with app.app_context():
        invoice = db.session.get(Invoice, invoice_id)
        state = (invoice.state, invoice.number, invoice.payment_state, verify_ledger())
        db.session.remove()
        return state


def test_post_while_other_post_of_same_invoice_waits_then_refused(script):
    invoice_id = make_draft(script.app)
    script.run("A", lambda: post_invoice(None, invoice_id).number)
    assert script.inside.wait(10)
    script.run("B", lambda: post_invoice(None, invoice_id).number)
    script.wait_until_blocked()
    assert script.finish() == {"A": "ok", "B": "InvoiceNotDraft"}
    assert ledger_state(script.app, invoice_id) == ("posted", "INV-2026-001", "unpaid", [])


def test_payment_while_posting_waits_then_recorded(script):
    invoice_id = make_draft(script.app)
    script.run("A", lambda: post_invoice(None, invoice_id).number)
    assert script.inside.wait(10)
    script.run("B", lambda: register_payment(None, invoice_id, amount="10.00").id)
    script.wait_until_blocked()
    assert script.finish() == {"A": "ok", "B": "ok"}
    assert ledger_state(script.app, invoice_id) == ("posted", "INV-2026-001", "partial", [])


def test_payment_on_draft_before_posting_commits_refused(script):
    invoice_id = make_draft(script.app)
    script.run("B", lambda: register_payment(None, invoice_id, amount="10.00").id)
    script.threads[-1].join(10)
    script.run("A", lambda: post_invoice(None, invoice_id).number)
    assert script.finish() == {"B": "InvalidTransition", "A": "ok"}
    assert ledger_state(script.app, invoice_id) == ("posted", "INV-2026-001", "unpaid", [])


def test_lock_date_while_posting_waits_for_the_posting(script):
    invoice_id = make_draft(script.app, invoice_date="2026-05-31")
    script.run("A", lambda: post_invoice(None, invoice_id).number)
    assert script.inside.wait(10)
    script.run("B", lambda: set_lock_date(None, date(2026, 5, 31)).lock_date)
    script.wait_until_blocked()
    assert script.finish() == {"A": "ok", "B": "ok"}
    assert ledger_state(script.app, invoice_id) == ("posted", "INV-2026-001", "unpaid", [])


def test_post_while_lock_date_being_set_sees_the_lock_and_refuses(script):
    invoice_id = make_draft(script.app, invoice_date="2026-05-31")
    with script.app.app_context():
        # Connection B: set the lock date by hand and hold the company row.
        company = db.session.scalar(select(Company).with_for_update())
        company.lock_date = date(2026, 5, 31)
        db.session.flush()
        script.run("A", lambda: post_invoice(None, invoice_id).number)
        script.wait_until_blocked()
        db.session.commit()
        db.session.remove()
    assert script.finish() == {"A": "PeriodLocked"}
    assert ledger_state(script.app, invoice_id) == ("draft", None, "unpaid", [])
