"""`flask outbox`: list, retry and send from the command line."""

from __future__ import annotations

from app.accounting.sending import send_document
from app.invoicing.delivery import OutboxItem


def test_outbox_retry_all_failed_then_send_delivers(
    session, app, make_invoice, bookkeeper, smtp_down, smtp_server
):
    # smtp_server is started last, so the app points at it; break the port for the first try.
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = smtp_down
    item_id = send_document(bookkeeper, make_invoice().id).outbox_item_id
    app.config["SMTP_PORT"] = port
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["outbox", "list", "--state", "failed"])
    retried = runner.invoke(args=["outbox", "retry", "--all-failed"])
    sent = runner.invoke(args=["outbox", "send"])

    assert str(item_id) in listed.output
    assert "1 queued again" in retried.output
    assert sent.exit_code == 0
    assert "1 sent" in sent.output
    assert session.get(OutboxItem, item_id).state == "sent"
    assert len(smtp_server.messages) == 1


def test_outbox_retry_unknown_id_fails_naming_it(session, app):
    result = app.test_cli_runner().invoke(args=["outbox", "retry", "424242"])

    assert result.exit_code == 1
    assert "424242: No such e-mail." in result.output
