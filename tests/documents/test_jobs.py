"""Two `flask jobs run` processes against one database: every queued e-mail arrives once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from app.accounting.sending import send_document
from app.accounting.services import post_invoice
from app.extensions import db
from app.invoicing.services import create_draft
from tests import factories
from tests.factories import CustomerFactory, UserFactory, line

ROOT = Path(__file__).resolve().parents[2]
COUNT = 6


def queue_invoices(app) -> None:
    with app.app_context():
        factories.bind(db.session)
        user = UserFactory(role="bookkeeper")
        customer = CustomerFactory()
        db.session.commit()
        for _ in range(COUNT):
            draft = create_draft(user, customer_id=customer.id, lines=[line()])
            post_invoice(user, draft.id)
            send_document(user, draft.id, deliver_now=False)
        db.session.remove()
        db.engine.dispose()


def start_jobs(database_url: str, smtp_port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        FLASK_APP="wsgi.py",
        DATABASE_URL=database_url,
        SECRET_KEY="test-secret-key-not-for-production",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        MAIL_FROM="billing@fieldpost.test",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "jobs", "run", "--outbox-seconds", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_two_jobs_processes_send_each_outbox_item_once(fresh_database, smtp_server, app):
    database, fresh_app = fresh_database
    fresh_app.config.update(MAIL_FROM="billing@fieldpost.test")
    queue_invoices(fresh_app)
    port = app.config["SMTP_PORT"]

    processes = [start_jobs(database.url, port) for _ in range(2)]
    try:
        deadline = time.monotonic() + 120  # generous: CI machines are shared and slow
        while len(smtp_server.messages) < COUNT and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2.5)  # both processes get further runs: nothing may arrive twice
    finally:
        for process in processes:
            process.terminate()
        errors = [process.communicate(timeout=20)[1] for process in processes]

    message_ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(message_ids) == COUNT, (len(message_ids), errors)
    assert len(set(message_ids)) == COUNT
