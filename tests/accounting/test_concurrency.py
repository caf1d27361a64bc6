"""Concurrent posting in worker processes: numbers exactly 1..N, invariants hold, no error escapes.

Each worker builds its own app on the shared database, creates its drafts, waits for the
others at a barrier, then posts as fast as it can. A failure in any worker fails the test.
"""

from __future__ import annotations

import multiprocessing
import traceback
from typing import Any

import pytest
from sqlalchemy import func, select

from app.accounting.models import JournalEntry, JournalLine
from app.accounting.services import post_invoice
from app.accounting.verify import verify_ledger
from app.customers.services import create_customer
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.services import create_draft
from tests.accounting.helpers import CUSTOMER, THREE_LINES, clone_drafts
from tests.conftest import BACKEND, make_app

POSTS_PER_WORKER = 250


def _poster(url: str, ids: list[int], barrier: Any, results: Any) -> None:
    try:
        app = make_app(url)
        with app.app_context():
            barrier.wait(timeout=120)
            numbers = []
            for invoice_id in ids:
                numbers.append(post_invoice(None, invoice_id).sequence)
                db.session.rollback()  # reading after commit began a transaction: end it
            db.session.remove()
            db.engine.dispose()
        results.put(("ok", numbers))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def run_posters(url: str, workers: int, per_worker: int) -> list[int]:
    """Post workers x per_worker drafts concurrently; return every sequence drawn."""
    app = make_app(url)
    with app.app_context():
        customer_id = create_customer(None, **CUSTOMER).id
        template = create_draft(None, customer_id=customer_id, lines=THREE_LINES).id
        ids = [template, *clone_drafts(template, workers * per_worker - 1)]
        db.session.remove()
        db.engine.dispose()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=_poster, args=(url, ids[w::workers], barrier, results))
        for w in range(workers)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    errors = [detail for status, detail in outcomes if status == "error"]
    assert errors == []
    return sorted(n for _, numbers in outcomes for n in numbers)


def _check_database(app: Any, expected: int) -> None:
    with app.app_context():
        try:
            _check_rows(expected)
        finally:
            db.session.remove()


def _check_rows(expected: int) -> None:
    sequences = sorted(
        db.session.scalars(select(Invoice.sequence).where(Invoice.state == "posted"))
    )
    assert sequences == list(range(1, expected + 1))
    assert db.session.scalar(select(func.count()).select_from(JournalEntry)) == expected
    # receivable, three revenue kinds and two VAT rates per invoice
    assert db.session.scalar(select(func.count()).select_from(JournalLine)) == expected * 6
    assert verify_ledger() == []


@pytest.mark.postgres_only
def test_post_concurrently_eight_processes_numbers_exactly_one_to_n(fresh_database):
    database, app = fresh_database
    drawn = run_posters(database.url, workers=8, per_worker=POSTS_PER_WORKER)
    assert drawn == list(range(1, 8 * POSTS_PER_WORKER + 1))
    _check_database(app, 8 * POSTS_PER_WORKER)


@pytest.mark.skipif(BACKEND != "sqlite", reason="the SQLite variant of the concurrency test")
def test_post_concurrently_four_processes_on_sqlite_no_lock_error(fresh_database):
    database, app = fresh_database
    drawn = run_posters(database.url, workers=4, per_worker=POSTS_PER_WORKER)
    assert drawn == list(range(1, 4 * POSTS_PER_WORKER + 1))
    _check_database(app, 4 * POSTS_PER_WORKER)
