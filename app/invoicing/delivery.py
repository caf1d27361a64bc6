"""What leaves Fieldpost: stored PDFs, the e-mail outbox, customer links and the delivery log.

A posted document's PDF is stored once with its sha256 so the customer's copy never changes.
The outbox row is written in the send transaction; a dispatcher delivers it (see outbox.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, utcnow
from app.extensions import db

OUTBOX_STATES = ("pending", "sending", "sent", "failed")
EVENT_KINDS = ("queued", "sent", "failed", "retried", "viewed", "downloaded", "link_revoked")


class DocumentFile(db.Model):
    """The PDF a customer received, rendered once after posting; never updated."""

    __tablename__ = "document_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Exactly one of the two: an invoice-table document or a numbered cash receipt.
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), nullable=True, unique=True
    )
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("payments.id"), nullable=True, unique=True
    )
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(60), default="application/pdf")
    size: Mapped[int] = mapped_column(Integer)  # bytes
    sha256: Mapped[str] = mapped_column(String(64))  # hex digest of `content`
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalLink(db.Model):
    """A customer link to one posted document. The URL token is signed (itsdangerous) over
    the row id and a random nonce, so a forged or altered token fails and a revoked row
    (revoked_at set) stops working; a new link gets a new row and nonce."""

    __tablename__ = "portal_links"
    __table_args__ = (Index("ix_portal_links_invoice", "invoice_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    nonce: Mapped[str] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class OutboxItem(db.Model):
    """One e-mail to deliver: pending -> sending -> sent | failed (failed -> pending on retry).

    Subject and bodies are rendered when queued, so what is sent is what was approved.
    `message_id` is fixed at queueing: a resend after a crash carries the same Message-ID.
    """

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_state", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), nullable=True, index=True
    )
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id"), nullable=True, index=True
    )
    template: Mapped[str] = mapped_column(String(40))  # invoice, credit_note, reminder_1...
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    attach_pdf: Mapped[bool] = mapped_column(default=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class EmailTemplate(db.Model):
    """The company's own wording for one e-mail (invoice, reminder_1...). Without a row the
    built-in template files are used. Jinja syntax, rendered in a sandbox."""

    __tablename__ = "email_templates"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")  # empty: made from the text part
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DeliveryEvent(db.Model):
    """The delivery log shown on invoice, customer and service-order timelines. Insert-only."""

    __tablename__ = "delivery_events"
    __table_args__ = (
        Index("ix_delivery_events_invoice", "invoice_id", "created_at"),
        Index("ix_delivery_events_customer", "customer_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # one of EVENT_KINDS
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), nullable=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), nullable=True)
    outbox_item_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbox.id"), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    recipient: Mapped[str] = mapped_column(String(254), default="")
    template: Mapped[str] = mapped_column(String(40), default="")
    message_id: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")  # SMTP reply or error text
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def summary(self) -> str:
        """One line for a timeline."""
        template = self.template.replace("_", " ")
        return {
            "queued": f"E-mail ({template}) queued to {self.recipient}",
            "sent": f"E-mail ({template}) sent to {self.recipient}",
            "failed": f"E-mail ({template}) to {self.recipient} failed: {self.detail}",
            "retried": f"E-mail ({template}) to {self.recipient} queued again",
            "viewed": f"Viewed online ({self.ip_address or 'unknown address'})",
            "downloaded": f"PDF downloaded online ({self.ip_address or 'unknown address'})",
            "link_revoked": "Customer link revoked",
        }.get(self.kind, self.kind)
