"""Customer links: one unguessable, revocable URL per posted document, and its view log.

The token is an itsdangerous signature over the link row's id and a random nonce: a forged or
altered token fails the signature, a revoked row stops working, and nothing secret is stored.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.core import clock
from app.core.db import use_case
from app.core.errors import InvalidTransition, NotFound
from app.extensions import db
from app.invoicing.delivery import DeliveryEvent, PortalLink
from app.invoicing.models import Invoice
from app.invoicing.operations import load_invoice
from app.invoicing.services import mark_viewed

SALT = "fieldpost.portal-link"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(link: PortalLink) -> str:
    return str(_serializer().dumps([link.id, link.nonce]))


def portal_url(link: PortalLink) -> str:
    base = str(current_app.config.get("PUBLIC_BASE_URL", "")).rstrip("/")
    return f"{base}/d/{link_token(link)}"


def active_link(invoice_id: int) -> PortalLink | None:
    return db.session.scalar(
        select(PortalLink)
        .where(PortalLink.invoice_id == invoice_id, PortalLink.revoked_at.is_(None))
        .order_by(PortalLink.id.desc())
        .limit(1)
    )


def ensure_link(actor: Any, invoice: Invoice) -> PortalLink:
    """Flush-only: the document's live link, or a new one. Posted documents only."""
    if invoice.state != "posted":
        raise InvalidTransition("Customer links are for posted documents only.")
    link = active_link(invoice.id)
    if link is None:
        link = PortalLink(
            invoice_id=invoice.id,
            nonce=secrets.token_hex(16),
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(link)
        db.session.flush()
    return link


@use_case
def get_link_url(actor: Any, invoice_id: int) -> str:
    return portal_url(ensure_link(actor, load_invoice(invoice_id)))


def resolve_token(token: str) -> PortalLink:
    """The live link behind `token`; anything else (tampered, revoked, draft) is NotFound."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise NotFound("No such document.") from None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise NotFound("No such document.")
    link = db.session.get(PortalLink, payload[0])
    if (
        link is None
        or link.revoked_at is not None
        or not hmac.compare_digest(link.nonce, str(payload[1]))
    ):
        raise NotFound("No such document.")
    invoice = db.session.get(Invoice, link.invoice_id)
    if invoice is None or invoice.state != "posted":
        raise NotFound("No such document.")
    return link


def document_for_token(token: str) -> Invoice:
    return load_invoice(resolve_token(token).invoice_id)


@use_case
def record_view(token: str, *, ip_address: str, user_agent: str, kind: str = "viewed") -> int:
    """Log one opening of the link (page or PDF); the first one marks the document Viewed."""
    link = resolve_token(token)
    invoice = mark_viewed(link.invoice_id)
    db.session.add(
        DeliveryEvent(
            kind=kind,
            invoice_id=invoice.id,
            customer_id=invoice.customer_id,
            ip_address=(ip_address or "")[:45],
            user_agent=(user_agent or "")[:300],
            created_at=clock.now_utc(),
        )
    )
    return invoice.id


@use_case
def revoke_link(actor: Any, invoice_id: int) -> int:
    """Stop every live link of the document; the next send makes a new one."""
    invoice = load_invoice(invoice_id)
    links = db.session.scalars(
        select(PortalLink).where(
            PortalLink.invoice_id == invoice.id, PortalLink.revoked_at.is_(None)
        )
    ).all()
    now = clock.now_utc()
    for link in links:
        link.revoked_at, link.revoked_by_id = now, getattr(actor, "id", None)
    if links:
        db.session.add(
            DeliveryEvent(
                kind="link_revoked",
                invoice_id=invoice.id,
                customer_id=invoice.customer_id,
                actor_id=getattr(actor, "id", None),
                created_at=now,
            )
        )
    return len(links)
