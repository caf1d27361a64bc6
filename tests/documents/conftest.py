"""Shared fixtures for documents out: users, posted documents, a real SMTP server."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader

from app.accounting.services import post_invoice
from app.invoicing.services import create_draft
from tests.factories import CustomerFactory, UserFactory, line


def pdf_pages(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def bookkeeper(session):
    return UserFactory(role="bookkeeper", name="Bea Books")


@pytest.fixture
def customer(session):
    return CustomerFactory(name="Acme Facilities Ltd", email="accounts@acme.example")


@pytest.fixture
def make_invoice(session, bookkeeper, customer):
    def make(lines=None, *, post: bool = True, **header):
        draft = create_draft(
            bookkeeper,
            customer_id=header.pop("customer_id", customer.id),
            lines=lines or [line("Labour", "2", "50.00", "13.5"), line("Valve", "3", "10.00")],
            **header,
        )
        return post_invoice(bookkeeper, draft.id) if post else draft

    return make


class Inbox:
    """Messages the test SMTP server accepted, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.received = threading.Event()

    async def handle_DATA(self, server, smtp_session, envelope):  # aiosmtpd hook name
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.received.set()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(app) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 and a free port; the app is pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "MAIL_FROM")}
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="none", MAIL_FROM="billing@fieldpost.test"
    )
    try:
        yield inbox
    finally:
        controller.stop()
        app.config.update(saved)


@pytest.fixture
def smtp_down(app) -> Iterator[int]:
    """A port where nothing listens: connecting is refused."""
    port = free_port()
    saved = {key: app.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "MAIL_FROM")}
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="none", MAIL_FROM="billing@fieldpost.test"
    )
    try:
        yield port
    finally:
        app.config.update(saved)


class RefusingInbox(Inbox):
    """A server that is up but refuses every recipient (mailbox unavailable)."""

    async def handle_RCPT(self, server, smtp_session, envelope, address, rcpt_options):
        return "550 5.1.1 Mailbox unavailable"


@pytest.fixture
def smtp_refusing(app) -> Iterator[RefusingInbox]:
    inbox = RefusingInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_TLS", "MAIL_FROM")}
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TLS="none", MAIL_FROM="billing@fieldpost.test"
    )
    try:
        yield inbox
    finally:
        controller.stop()
        app.config.update(saved)
