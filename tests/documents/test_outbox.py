"""The outbox dispatcher delivers each queued e-mail at most once, whatever happens."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from app.accounting.sending import send_document
from app.core import clock
from app.core.errors import InvalidTransition
from app.invoicing import mail
from app.invoicing.delivery import OutboxItem
from app.invoicing.outbox import (
    ADVISORY_KEY,
    STALE_AFTER,
    _claim,
    _finish,
    _message_for,
    dispatch_outbox,
    list_delivery_events,
    recover_stale,
    retry_outbox_item,
)


def queued(bookkeeper, make_invoice) -> int:
    return send_document(bookkeeper, make_invoice().id, deliver_now=False).outbox_item_id


def test_dispatch_twice_sends_each_item_once(session, make_invoice, bookkeeper, smtp_server):
    first, second = queued(bookkeeper, make_invoice), queued(bookkeeper, make_invoice)

    one = dispatch_outbox()
    two = dispatch_outbox()

    assert sorted(one.sent) == sorted([first, second])
    assert two.sent == []
    assert len(smtp_server.messages) == 2
    assert session.get(OutboxItem, first).attempts == 1


def test_claim_is_exclusive(session, make_invoice, bookkeeper, smtp_server):
    item_id = queued(bookkeeper, make_invoice)

    assert _claim(item_id) is True
    assert _claim(item_id) is False
    assert dispatch_outbox().sent == []
    assert smtp_server.messages == []


def test_crash_after_smtp_before_marking_never_resends(
    session, make_invoice, bookkeeper, smtp_server
):
    item_id = queued(bookkeeper, make_invoice)
    # A dispatcher claims the row and hands the mail to SMTP, then dies before marking it.
    assert _claim(item_id)
    fields, _, _ = _message_for(item_id)
    mail.deliver(mail.build_message(**fields, attachment=None))

    before = dispatch_outbox()
    clock.advance(STALE_AFTER + timedelta(minutes=1))
    after = dispatch_outbox()

    assert before.sent == []
    assert after.sent == []
    assert after.recovered == [item_id]
    assert len(smtp_server.messages) == 1
    item = session.get(OutboxItem, item_id)
    assert item.state == "failed"
    assert "outcome unknown" in item.last_error
    assert item.message_id in item.last_error


def test_retry_after_unknown_outcome_resends_with_same_message_id(
    session, make_invoice, bookkeeper, smtp_server
):
    item_id = queued(bookkeeper, make_invoice)
    assert _claim(item_id)
    clock.advance(STALE_AFTER + timedelta(minutes=1))
    dispatch_outbox()

    retry_outbox_item(bookkeeper, item_id)
    report = dispatch_outbox()

    assert report.sent == [item_id]
    assert smtp_server.messages[0]["Message-ID"] == session.get(OutboxItem, item_id).message_id
    kinds = [
        e.kind for e in list_delivery_events(invoice_id=session.get(OutboxItem, item_id).invoice_id)
    ]
    assert kinds[:3] == ["sent", "retried", "failed"]


def test_retry_of_sent_item_refused(session, make_invoice, bookkeeper, smtp_server):
    item_id = send_document(bookkeeper, make_invoice().id).outbox_item_id

    with pytest.raises(InvalidTransition):
        retry_outbox_item(bookkeeper, item_id)


@pytest.mark.postgres_only
def test_dispatch_while_another_dispatcher_holds_lock_does_nothing(
    session, make_invoice, bookkeeper, smtp_server, app
):
    item_id = queued(bookkeeper, make_invoice)
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
        report = dispatch_outbox()
        other.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))

    assert report.locked_out
    assert smtp_server.messages == []
    assert dispatch_outbox().sent == [item_id]


def test_late_success_after_unknown_outcome_is_recorded_as_sent(
    session, make_invoice, bookkeeper, smtp_server
):
    item_id = queued(bookkeeper, make_invoice)
    assert _claim(item_id)
    clock.advance(STALE_AFTER + timedelta(minutes=1))
    assert recover_stale() == [item_id]

    _finish(item_id, ok=True, detail="Accepted by 127.0.0.1")  # the slow SMTP call returns

    assert session.get(OutboxItem, item_id).state == "sent"
    assert dispatch_outbox().sent == []
