"""Sending documents by e-mail through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest

from app.accounting.sending import ConfirmationNeeded, send_document
from app.core.errors import ValidationFailed
from app.invoicing.delivery import DeliveryEvent, OutboxItem
from app.invoicing.mail import MailNotConfigured
from app.invoicing.models import Invoice
from app.invoicing.outbox import dispatch_outbox, list_delivery_events, retry_outbox_item
from tests.documents.conftest import pdf_pages
from tests.factories import CustomerFactory


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    attachments = list(message.iter_attachments())
    return text, html, attachments


def test_send_posted_invoice_delivers_pdf_and_variables_in_both_parts(
    session, make_invoice, bookkeeper, smtp_server
):
    invoice = make_invoice()

    outcome = send_document(bookkeeper, invoice.id)

    assert outcome.state == "sent"
    [message] = smtp_server.messages
    text, html, [attachment] = parts(message)
    assert message["To"] == "accounts@acme.example"
    assert message["Subject"] == "Invoice INV-2026-001 from Test Services Ltd"
    for body in (text, html):
        assert "Acme Facilities Ltd" in body  # customer name
        assert "INV-2026-001" in body
        assert "€150.40" in body  # amount due
        assert "28 Jun 2026" in body  # due date
        assert "http://127.0.0.1:5000/d/" in body  # customer link
        assert "Test Services Ltd" in body  # company
    assert attachment.get_filename() == "invoice-INV-2026-001.pdf"
    assert "INV-2026-001" in pdf_pages(attachment.get_content())[0]


def test_send_marks_sent_and_logs_who_to_when_template_message_id(
    session, make_invoice, bookkeeper, smtp_server
):
    invoice = make_invoice()

    send_document(bookkeeper, invoice.id)

    session.expire_all()
    assert session.get(Invoice, invoice.id).sent_at is not None
    sent = [e for e in list_delivery_events(invoice_id=invoice.id) if e.kind == "sent"]
    assert len(sent) == 1
    assert sent[0].actor_id == bookkeeper.id
    assert sent[0].recipient == "accounts@acme.example"
    assert sent[0].template == "invoice"
    assert sent[0].message_id == smtp_server.messages[0]["Message-ID"]
    assert sent[0].created_at is not None
    assert [e.kind for e in list_delivery_events(customer_id=invoice.customer_id)] == [
        "sent",
        "queued",
    ]


def test_send_draft_without_confirmation_refused_nothing_posted(
    session, make_invoice, bookkeeper, smtp_server
):
    draft = make_invoice(post=False)

    with pytest.raises(ConfirmationNeeded):
        send_document(bookkeeper, draft.id)

    assert session.get(Invoice, draft.id).state == "draft"
    assert session.query(OutboxItem).count() == 0
    assert smtp_server.messages == []


def test_send_draft_confirmed_posts_then_sends(session, make_invoice, bookkeeper, smtp_server):
    draft = make_invoice(post=False)

    outcome = send_document(bookkeeper, draft.id, confirm_post=True)

    assert outcome.posted_now
    assert outcome.number == "INV-2026-001"
    assert smtp_server.messages[0]["Subject"].startswith("Invoice INV-2026-001")


def test_send_draft_without_email_address_refused_and_stays_draft(
    session, make_invoice, bookkeeper, smtp_server
):
    nobody = CustomerFactory(email="")
    draft = make_invoice(post=False, customer_id=nobody.id)

    with pytest.raises(ValidationFailed) as refused:
        send_document(bookkeeper, draft.id, confirm_post=True)

    assert "to" in refused.value.fields
    assert session.get(Invoice, draft.id).state == "draft"
    assert session.query(OutboxItem).count() == 0


def test_send_reminder_template_uses_reminder_wording(
    session, make_invoice, bookkeeper, smtp_server
):
    invoice = make_invoice()

    send_document(bookkeeper, invoice.id, template="reminder_2")

    text, html, _ = parts(smtp_server.messages[0])
    assert smtp_server.messages[0]["Subject"] == "Second reminder: invoice INV-2026-001 is overdue"
    assert "remains unpaid" in text
    assert "remains unpaid" in html


def test_send_with_smtp_down_logs_failure_and_keeps_retriable_item(
    session, make_invoice, bookkeeper, smtp_down
):
    invoice = make_invoice()

    outcome = send_document(bookkeeper, invoice.id)

    assert outcome.state == "failed"
    assert "refused the connection" in outcome.error
    item = session.get(OutboxItem, outcome.outbox_item_id)
    assert item.state == "failed"
    failed = session.query(DeliveryEvent).filter_by(kind="failed").one()
    assert failed.outbox_item_id == item.id
    assert "refused" in failed.detail
    assert session.get(Invoice, invoice.id).sent_at is None


def test_retry_after_failure_then_succeeds(session, make_invoice, bookkeeper, smtp_down, app):
    invoice = make_invoice()
    outcome = send_document(bookkeeper, invoice.id)
    assert outcome.state == "failed"
    failed_message_id = session.get(OutboxItem, outcome.outbox_item_id).message_id

    from aiosmtpd.controller import Controller

    from tests.documents.conftest import Inbox, free_port  # the server comes back up

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["SMTP_PORT"] = port
        retry_outbox_item(bookkeeper, outcome.outbox_item_id)
        report = dispatch_outbox()
    finally:
        controller.stop()

    assert report.sent == [outcome.outbox_item_id]
    assert [m["Message-ID"] for m in inbox.messages] == [failed_message_id]
    assert session.get(OutboxItem, outcome.outbox_item_id).state == "sent"
    kinds = [e.kind for e in list_delivery_events(invoice_id=invoice.id)]
    assert kinds == ["sent", "retried", "failed", "queued"]


def test_send_without_sender_address_refused_before_posting(
    session, make_invoice, bookkeeper, smtp_server, app
):
    draft = make_invoice(post=False)
    app.config["MAIL_FROM"] = ""

    with pytest.raises(MailNotConfigured):
        send_document(bookkeeper, draft.id, confirm_post=True)

    assert session.get(Invoice, draft.id).state == "draft"


def test_list_delivery_events_for_service_order_follows_invoice_lines(
    session, make_invoice, bookkeeper, smtp_server
):
    draft = make_invoice(post=False)
    draft.lines[0].source_order_id = 4242  # billed from service order 4242
    session.flush()
    send_document(bookkeeper, draft.id, confirm_post=True)
    send_document(bookkeeper, make_invoice().id)  # another invoice, not from the order

    events = list_delivery_events(order_id=4242)

    assert [e.kind for e in events] == ["sent", "queued"]
    assert {e.invoice_id for e in events} == {draft.id}


def test_send_to_refusing_server_logs_its_answer_and_stays_retriable(
    session, make_invoice, bookkeeper, smtp_refusing
):
    invoice = make_invoice()

    outcome = send_document(bookkeeper, invoice.id)

    assert outcome.state == "failed"
    assert "Mailbox unavailable" in outcome.error
    assert smtp_refusing.messages == []
    assert session.get(OutboxItem, outcome.outbox_item_id).state == "failed"
    retry_outbox_item(bookkeeper, outcome.outbox_item_id)
    assert session.get(OutboxItem, outcome.outbox_item_id).state == "pending"
