"""The e-mail outbox: queue in the send transaction, deliver by a dispatcher, log every outcome.

Delivery is AT MOST ONCE automatically: a row is claimed (pending -> sending) in its own
committed transaction before SMTP is spoken, so no second dispatcher or later run can send it
again. A crash between the SMTP hand-over and marking the row leaves it in `sending`; after
STALE_AFTER it is marked failed ("outcome unknown", naming its Message-ID) and a person
decides whether to retry, which re-sends with the same Message-ID so a duplicate is
recognisable. We prefer asking a person to silently sending an invoice twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, text, update

from app.company.services import get_company
from app.core import clock
from app.core.db import use_case
from app.core.errors import InvalidTransition, NotFound, ValidationFailed
from app.extensions import db
from app.invoicing import mail
from app.invoicing.delivery import DeliveryEvent, OutboxItem
from app.invoicing.documents import ensure_document_pdf
from app.invoicing.email_templates import custom_wording
from app.invoicing.models import Invoice, InvoiceLine
from app.invoicing.operations import load_invoice
from app.invoicing.portal import ensure_link, portal_url
from app.invoicing.services import mark_sent

STALE_AFTER = timedelta(minutes=10)
BATCH = 50
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"fieldpost.outbox").digest()[:8], "big") >> 1


@dataclass
class DispatchReport:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    locked_out: bool = False  # another dispatcher holds the lock


def recipient_for(invoice: Invoice, to: str | None) -> str:
    address = (to or invoice.billing_email or invoice.customer.email or "").strip()
    if not address:
        raise ValidationFailed(
            {"to": [f"{invoice.customer.name} has no e-mail address; add one or enter it here."]}
        )
    if not mail.valid_address(address):
        raise ValidationFailed({"to": [f"{address!r} is not an e-mail address."]})
    return address


def check_template(template: str | None, invoice: Invoice) -> str:
    name = template or mail.default_template(invoice)
    if name not in mail.TEMPLATES:
        raise ValidationFailed({"template": [f"Choose one of: {', '.join(mail.TEMPLATES)}."]})
    if name.startswith("reminder") and invoice.doc_type != "invoice":
        raise ValidationFailed({"template": ["Reminders are sent for invoices only."]})
    return name


def _event(kind: str, item: OutboxItem, **values: Any) -> None:
    db.session.add(
        DeliveryEvent(
            kind=kind,
            invoice_id=item.invoice_id,
            customer_id=item.customer_id,
            outbox_item_id=item.id,
            recipient=item.to_address,
            template=item.template,
            message_id=item.message_id,
            **values,
        )
    )


def build_outbox_item(
    actor: Any, invoice: Invoice, *, template: str | None = None, to: str | None = None
) -> OutboxItem:
    """Flush-only: render the e-mail for a posted document and queue it."""
    if invoice.state != "posted":
        raise InvalidTransition("Post the document before sending it.")
    name = check_template(template, invoice)
    address = recipient_for(invoice, to)
    company = get_company()
    link = portal_url(ensure_link(actor, invoice))
    variables = mail.email_variables(invoice, company, link)
    rendered = mail.render_email(name, variables, custom_wording(name))
    item = OutboxItem(
        invoice_id=invoice.id,
        customer_id=invoice.customer_id,
        template=name,
        to_address=address,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        attach_pdf=True,
        message_id=mail.new_message_id(mail.sender_address(company)),
        state="pending",
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(item)
    db.session.flush()
    _event("queued", item, actor_id=getattr(actor, "id", None))
    return item


@use_case
def queue_email(
    actor: Any, invoice_id: int, *, template: str | None = None, to: str | None = None
) -> OutboxItem:
    return build_outbox_item(actor, load_invoice(invoice_id), template=template, to=to)


def get_outbox_item(item_id: Any) -> OutboxItem:
    item = db.session.get(OutboxItem, item_id) if isinstance(item_id, int) else None
    if item is None:
        raise NotFound("No such e-mail.")
    return item


@use_case
def _claim(item_id: int) -> bool:
    """pending -> sending, atomically: only one dispatcher can win a row."""
    result = db.session.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, OutboxItem.state == "pending")
        .values(state="sending", claimed_at=clock.now_utc(), attempts=OutboxItem.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


@use_case
def _message_for(item_id: int) -> tuple[Any, int | None, bool]:
    item = get_outbox_item(item_id)
    sender = mail.sender_address(get_company())
    return (
        dict(
            sender=sender,
            to=item.to_address,
            subject=item.subject,
            text=item.body_text,
            html=item.body_html,
            message_id=item.message_id,
        ),
        item.invoice_id,
        item.attach_pdf,
    )


@use_case
def _finish(item_id: int, *, ok: bool, detail: str) -> None:
    item = db.session.get(OutboxItem, item_id, with_for_update=True)
    assert item is not None
    # A stale recovery may have given up on this row meanwhile (or a retry re-queued it):
    # a late success is still the truth and cancels the retry; a late failure changes nothing.
    if item.state == "sent" or (not ok and item.state != "sending"):
        return
    now = clock.now_utc()
    item.state = "sent" if ok else "failed"
    item.last_error = "" if ok else detail[:2000]
    if ok:
        item.sent_at = now
        if item.invoice_id is not None:
            mark_sent(None, item.invoice_id)
    _event("sent" if ok else "failed", item, actor_id=item.created_by_id, detail=detail[:2000])


def dispatch_item(item_id: int) -> str:
    """Deliver one queued e-mail: 'sent', 'failed', or 'skipped' when not pending."""
    if not _claim(item_id):
        return "skipped"
    try:
        fields, invoice_id, attach = _message_for(item_id)
        attachment = None
        if attach and invoice_id is not None:
            pdf = ensure_document_pdf(invoice_id)
            attachment = (pdf.filename, pdf.content)
        message = mail.build_message(**fields, attachment=attachment)
        detail = mail.deliver(message)
    except (smtplib.SMTPException, OSError, mail.MailNotConfigured) as error:
        _finish(item_id, ok=False, detail=_describe(error))
        return "failed"
    except Exception as error:  # a rendering bug must not strand the row in `sending`
        current_app.logger.exception("Outbox item %s failed", item_id)
        _finish(item_id, ok=False, detail=_describe(error))
        return "failed"
    _finish(item_id, ok=True, detail=detail)
    return "sent"


def _describe(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "The mail server refused the connection (is it running? check SMTP_HOST/PORT)."
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return f"The mail server refused the recipient: {error.recipients}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server answered {error.smtp_code}: {error.smtp_error!r}"
    return f"{type(error).__name__}: {error}"


@use_case
def recover_stale() -> list[int]:
    """Rows left in `sending` by a crashed dispatcher: outcome unknown, never re-sent blindly."""
    cutoff = clock.now_utc() - STALE_AFTER
    items = db.session.scalars(
        select(OutboxItem)
        .where(OutboxItem.state == "sending", OutboxItem.claimed_at < cutoff)
        .with_for_update()
    ).all()
    for item in items:
        item.state = "failed"
        item.last_error = (
            "Delivery outcome unknown: the sender stopped after taking this message. "
            f"Check the mailbox for Message-ID {item.message_id} before retrying."
        )
        _event("failed", item, detail=item.last_error)
    return [item.id for item in items]


@use_case
def pending_ids(limit: int = BATCH) -> list[int]:
    # A use case so the read ends at once: on SQLite an open transaction holds the write lock.
    return list(
        db.session.scalars(
            select(OutboxItem.id)
            .where(OutboxItem.state == "pending")
            .order_by(OutboxItem.created_at, OutboxItem.id)
            .limit(limit)
        )
    )


@contextlib.contextmanager
def exclusive_dispatch() -> Iterator[bool]:
    """A PostgreSQL session advisory lock so two dispatchers never work side by side.
    (The per-row claim alone already prevents a double send; the lock avoids contention.)
    SQLite has a single writer anyway: always granted."""
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    with db.engine.connect() as connection:
        granted = bool(
            connection.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}
            ).scalar()
        )
        try:
            yield granted
        finally:
            if granted:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            connection.commit()


def dispatch_outbox(limit: int = BATCH) -> DispatchReport:
    """One dispatcher run: recover stale claims, then deliver pending e-mails in order."""
    report = DispatchReport()
    with exclusive_dispatch() as granted:
        if not granted:
            report.locked_out = True
            return report
        report.recovered = recover_stale()
        for item_id in pending_ids(limit):
            outcome = dispatch_item(item_id)
            getattr(report, outcome).append(item_id)
    return report


@use_case
def retry_outbox_item(actor: Any, item_id: int) -> OutboxItem:
    """failed -> pending: queue the same e-mail (same Message-ID) again."""
    item = get_outbox_item(item_id)
    if item.state != "failed":
        raise InvalidTransition("Only a failed e-mail can be retried.")
    item.state = "pending"
    _event("retried", item, actor_id=getattr(actor, "id", None))
    return item


def list_outbox(*, invoice_id: int | None = None, state: str | None = None) -> list[OutboxItem]:
    stmt = select(OutboxItem).order_by(OutboxItem.created_at.desc(), OutboxItem.id.desc())
    if invoice_id is not None:
        stmt = stmt.where(OutboxItem.invoice_id == invoice_id)
    if state is not None:
        stmt = stmt.where(OutboxItem.state == state)
    return list(db.session.scalars(stmt))


def list_delivery_events(
    invoice_id: int | None = None, customer_id: int | None = None, order_id: int | None = None
) -> list[DeliveryEvent]:
    """Sends, failures, retries, views and revocations, newest first, for timelines.
    `order_id` gives a service order's timeline: events of invoices with its lines."""
    stmt = select(DeliveryEvent).order_by(DeliveryEvent.created_at.desc(), DeliveryEvent.id.desc())
    conditions = []
    if invoice_id is not None:
        conditions.append(DeliveryEvent.invoice_id == invoice_id)
    if customer_id is not None:
        conditions.append(DeliveryEvent.customer_id == customer_id)
    if order_id is not None:
        invoices = select(InvoiceLine.invoice_id).where(InvoiceLine.source_order_id == order_id)
        conditions.append(DeliveryEvent.invoice_id.in_(invoices))
    return list(db.session.scalars(stmt.where(*conditions)))
