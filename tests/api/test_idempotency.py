"""Idempotency-Key (RELIABILITY.md): one effect per key, the same reply, no 5xx under races."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.accounting.models import JournalEntry, Payment
from app.accounting.services import post_invoice
from app.accounting.verify import verify_ledger
from app.api.idempotency import purge_expired_keys
from app.api.models import IdempotencyKey
from app.auth.tokens import issue_token
from app.core import clock
from app.customers.models import Customer
from app.extensions import db
from app.invoicing.services import create_draft
from app.jobs.scheduler import purge_idempotency_keys_job
from tests.api.conftest import count
from tests.factories import CustomerFactory, UserFactory, bind, line

PAYMENT = {"amount": "50.00", "date": "2026-06-14", "method": "bank_transfer", "reference": "T1"}


def pay(books, invoice_id, key, body=PAYMENT):
    return books.post(
        f"/api/v1/invoices/{invoice_id}/payments", body, headers={"Idempotency-Key": key}
    )


def test_same_key_100_times_records_one_payment_with_the_same_reply(books, posted_invoice):
    replies = [pay(books, posted_invoice["id"], "pay-once") for _ in range(100)]
    assert {r.status_code for r in replies} == {201}
    assert len({r.get_data() for r in replies}) == 1
    assert replies[1].headers["Idempotent-Replayed"] == "true"
    assert count(Payment) == 1
    invoice = books.get(f"/api/v1/invoices/{posted_invoice['id']}").json
    assert invoice["residual"] == "85.30"
    assert verify_ledger() == []


def test_same_key_with_a_different_body_is_422_and_writes_nothing(books, posted_invoice):
    first = pay(books, posted_invoice["id"], "pay-k")
    before = (count(Payment), count(JournalEntry), count(IdempotencyKey))
    second = pay(books, posted_invoice["id"], "pay-k", {**PAYMENT, "amount": "60.00"})
    assert first.status_code == 201
    assert second.status_code == 422
    assert second.json["error"]["code"] == "idempotency_key_reused"
    assert (count(Payment), count(JournalEntry), count(IdempotencyKey)) == before


def test_same_key_on_another_path_is_422(books, posted_invoice, customer):
    pay(books, posted_invoice["id"], "shared-key")
    response = books.post(
        "/api/v1/customers", {"name": "Other Ltd"}, headers={"Idempotency-Key": "shared-key"}
    )
    assert response.status_code == 422


def test_refused_request_stores_no_key_and_can_be_retried(books, posted_invoice):
    refused = pay(books, posted_invoice["id"], "retry-me", {**PAYMENT, "date": "2027-01-01"})
    assert refused.status_code == 422
    assert count(IdempotencyKey) == 0
    accepted = pay(books, posted_invoice["id"], "retry-me", {**PAYMENT, "date": "2026-06-13"})
    assert accepted.status_code == 201


def test_keys_are_per_user(make_api, posted_invoice):
    first, second = make_api("bookkeeper"), make_api("bookkeeper")
    assert pay(first, posted_invoice["id"], "k1").status_code == 201
    assert pay(second, posted_invoice["id"], "k1").status_code == 201
    assert count(Payment) == 2


def test_customer_post_with_key_creates_one_customer(dispatcher):
    before = count(Customer)
    replies = [
        dispatcher.post("/api/v1/customers", {"name": "Once Ltd"}, headers={"Idempotency-Key": "c"})
        for _ in range(3)
    ]
    assert {r.status_code for r in replies} == {201}
    assert len({r.json["id"] for r in replies}) == 1
    assert count(Customer) == before + 1


def test_keys_past_their_retention_are_purged_and_recent_ones_kept(dispatcher, app):
    body = {"name": "Kept Ltd"}
    dispatcher.post("/api/v1/customers", body, headers={"Idempotency-Key": "old"})
    clock.freeze(clock.now_utc() + timedelta(days=6))
    dispatcher.post("/api/v1/customers", {"name": "Newer Ltd"}, headers={"Idempotency-Key": "new"})
    clock.freeze(clock.now_utc() + timedelta(days=1, seconds=1))

    with app.app_context():
        assert purge_idempotency_keys_job() == 1
    assert set(db.session.scalars(select(IdempotencyKey.key))) == {"new"}
    # The forgotten key runs as a new request: a second customer.
    again = dispatcher.post("/api/v1/customers", body, headers={"Idempotency-Key": "old"})
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    kept = select(func.count()).select_from(Customer).where(Customer.name == "Kept Ltd")
    assert db.session.scalar(kept) == 2


def test_purge_refuses_a_retention_under_one_day(app):
    with app.app_context(), pytest.raises(ValueError, match="at least one day"):
        purge_expired_keys(0)


def test_overlong_key_is_422(books, posted_invoice):
    response = pay(books, posted_invoice["id"], "k" * 256)
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["error"]["fields"]
    assert count(Payment) == 0


def test_posting_with_key_twice_replays_the_posted_invoice(books, customer):
    draft = books.post(
        "/api/v1/invoices",
        {"customer_id": customer.id, "lines": [line()]},
    ).json
    url = f"/api/v1/invoices/{draft['id']}/post"
    first = books.post(url, headers={"Idempotency-Key": "post-1"})
    second = books.post(url, headers={"Idempotency-Key": "post-1"})
    assert first.status_code == second.status_code == 200
    assert first.json == second.json


def _setup_posted_invoice(app, post=True):
    with app.app_context():
        bind(db.session)
        user = UserFactory(role="bookkeeper")
        customer = CustomerFactory()
        db.session.commit()
        _, raw = issue_token(None, user.email)
        draft = create_draft(user, customer_id=customer.id, lines=[line("Work", "1", "100.00")])
        if post:
            post_invoice(user, draft.id)
        return raw, draft.id


def _race(app, count, path, token, body=None):
    barrier = threading.Barrier(count)
    replies: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def worker() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            path,
            json=body if body is not None else {},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "race"},
        )
        with lock:
            replies.append((response.status_code, response.get_data()))

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return replies


def test_20_concurrent_duplicates_record_one_payment_without_5xx(fresh_database):
    _, app = fresh_database
    token, invoice_id = _setup_posted_invoice(app)
    replies = _race(app, 20, f"/api/v1/invoices/{invoice_id}/payments", token, PAYMENT)
    assert [status for status, _ in replies] == [201] * 20
    assert len({body for _, body in replies}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Payment)) == 1
        total = db.session.scalar(select(func.sum(Payment.amount)))
        assert Decimal(total) == Decimal("50.00")
        assert verify_ledger() == []


def test_concurrent_duplicate_posts_get_the_same_reply_and_one_number(fresh_database):
    _, app = fresh_database
    token, invoice_id = _setup_posted_invoice(app, post=False)
    replies = _race(app, 8, f"/api/v1/invoices/{invoice_id}/post", token)
    assert [status for status, _ in replies] == [200] * 8
    assert len({body for _, body in replies}) == 1
    with app.app_context():
        assert verify_ledger() == []
