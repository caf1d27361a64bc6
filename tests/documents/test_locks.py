"""Sending never holds SQLite's write lock while it talks to the SMTP server."""

from __future__ import annotations

import sqlite3

import pytest
from aiosmtpd.controller import Controller

from app.accounting.sending import send_document
from app.accounting.services import post_invoice
from app.extensions import db
from app.invoicing.outbox import dispatch_item
from app.invoicing.services import create_draft
from tests import factories
from tests.conftest import BACKEND
from tests.documents.conftest import Inbox, free_port
from tests.factories import CustomerFactory, UserFactory, line


class WritingInbox(Inbox):
    """While a message is being delivered, another writer tries the database."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.write_ok: list[bool] = []

    async def handle_DATA(self, server, smtp_session, envelope):
        connection = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
            self.write_ok.append(True)
        except sqlite3.OperationalError:
            self.write_ok.append(False)
        finally:
            connection.close()
        return await super().handle_DATA(server, smtp_session, envelope)


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's single write lock")
def test_dispatch_holds_no_write_lock_during_smtp(fresh_database):
    database, app = fresh_database
    inbox = WritingInbox(database.url.removeprefix("sqlite:///"))
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="billing@fieldpost.test")
    try:
        with app.app_context():
            factories.bind(db.session)
            user, customer = UserFactory(), CustomerFactory()
            db.session.commit()
            draft = create_draft(user, customer_id=customer.id, lines=[line()])
            post_invoice(user, draft.id)
            item_id = send_document(user, draft.id, deliver_now=False).outbox_item_id

            assert dispatch_item(item_id) == "sent"
            db.session.remove()
    finally:
        controller.stop()

    assert inbox.write_ok == [True]
