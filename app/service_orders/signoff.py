"""The intervention report, photos and the customer's signature on an order.

Uploads are checked by their first bytes (JPEG, PNG, WebP), never by name or declared type,
and stored under app.config["UPLOAD_DIR"]/orders/<order id>/ with a random name.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app

from app.core import clock
from app.core.db import use_case
from app.core.errors import DomainError, Errors, NotFound, ValidationFailed
from app.extensions import db
from app.service_orders.models import OrderPhoto, ServiceOrder
from app.service_orders.operations import ensure_work_open, load_order
from app.service_orders.time_rules import clean_client_id

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_SIGNATURE_BYTES = 512 * 1024
MAX_PHOTOS_PER_ORDER = 50
MAX_REPORT = 20_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class UploadRefused(ValidationFailed):
    code = "upload_refused"


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's own bytes, or None if not an image we take."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(PNG_MAGIC):
        return "image/png", "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _store(order: ServiceOrder, data: bytes, extension: str) -> str:
    relative = Path("orders") / str(order.id) / f"{uuid.uuid4().hex}.{extension}"
    target = upload_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return relative.as_posix()


def stored_file(relative: str) -> Path:
    """The absolute path of a stored upload, refusing anything outside UPLOAD_DIR."""
    root = upload_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise NotFound("No such file.")
    return path


@use_case
def update_report(actor: Any, order_id: int, text: str) -> ServiceOrder:
    """The technician's account of the work done."""
    order = load_order(actor, order_id, for_update=True)
    if not isinstance(text, str) or len(text) > MAX_REPORT:
        raise ValidationFailed(
            {"report": [f"Write the report as text, at most {MAX_REPORT} characters."]}
        )
    ensure_work_open(actor, order)
    order.report = text.strip()
    return order


def _max_photo_bytes() -> int:
    return int(current_app.config.get("MAX_PHOTO_BYTES", MAX_PHOTO_BYTES))


@use_case
def add_photo(
    actor: Any, order_id: int, data: bytes, *, filename: str = "", caption: str = ""
) -> OrderPhoto:
    order = load_order(actor, order_id, for_update=True)
    limit = _max_photo_bytes()
    if not isinstance(data, bytes) or not data:
        raise UploadRefused({"photo": ["Choose a photo to upload."]})
    if len(data) > limit:
        raise UploadRefused(
            {
                "photo": [
                    f"The photo is {len(data) / 1048576:.1f} MB; the limit is "
                    f"{limit / 1048576:.0f} MB."
                ]
            }
        )
    kind = sniff_image(data)
    if kind is None:
        raise UploadRefused({"photo": ["Upload a JPEG, PNG or WebP image."]})
    ensure_work_open(actor, order)
    if len(order.photos) >= MAX_PHOTOS_PER_ORDER:
        raise UploadRefused({"photo": [f"At most {MAX_PHOTOS_PER_ORDER} photos per order."]})
    path = _store(order, data, kind[1])
    photo = OrderPhoto(
        order_id=order.id,
        path=path,
        content_type=kind[0],
        size=len(data),
        original_name=Path(str(filename or "")).name[:200],
        caption=str(caption or "").strip()[:300],
        uploaded_by_id=actor.id,
    )
    db.session.add(photo)
    try:
        db.session.flush()
    except Exception:
        stored_file(path).unlink(missing_ok=True)
        raise
    return photo


def get_photo(actor: Any, photo_id: Any) -> OrderPhoto:
    key = photo_id if isinstance(photo_id, int) and not isinstance(photo_id, bool) else None
    photo = db.session.get(OrderPhoto, key) if key else None
    if photo is None:
        raise NotFound("No such photo.", field="photo_id")
    load_order(actor, photo.order_id)
    return photo


@use_case
def remove_photo(actor: Any, photo_id: int) -> None:
    photo = get_photo(actor, photo_id)
    order = load_order(actor, photo.order_id, for_update=True)
    ensure_work_open(actor, order)
    path = stored_file(photo.path)
    db.session.delete(photo)
    db.session.flush()
    path.unlink(missing_ok=True)


class SignatureRefused(DomainError):
    code = "signature_refused"
    status = 409


@use_case
def sign_order(
    actor: Any,
    order_id: int,
    png: bytes,
    *,
    signer_name: str,
    client_id: Any = None,
    signed_at: Any = None,
    work_seen: str | None = None,
) -> ServiceOrder:
    """The customer signs on the tablet: a PNG from the signature pad, with their name.

    A tablet that kept the signature while offline sends it later with its client id, the
    moment it was given (`signed_at`) and the fingerprint of the time and parts the customer
    saw (`work_seen`, from `work_fingerprint`). The same client id again changes nothing; a
    signature older than the one stored is refused; work changed since it was given marks it
    outdated at once. Signing again replaces the signature.
    """
    order = load_order(actor, order_id, for_update=True)
    errors = Errors()
    client = clean_client_id(client_id, errors)
    if client is not None and order.signature_client_id == client:
        return order  # sent again after a lost reply: already stored
    name = str(signer_name or "").strip()
    if not name or len(name) > 200:
        errors.add("signer_name", "Enter the name of the person signing.")
    if not isinstance(png, bytes) or not png.startswith(PNG_MAGIC):
        errors.add("signature", "The signature must be a PNG image from the signature pad.")
    elif len(png) > MAX_SIGNATURE_BYTES:
        errors.add("signature", "The signature image is too large (at most 512 KB).")
    given = _signing_time(signed_at, errors)
    errors.raise_if_any()
    if order.state not in ("in_progress", "done") or order.invoice_id is not None:
        raise SignatureRefused(
            f"{order.reference} is {order.state.replace('_', ' ')}; the customer signs while "
            "the work is in progress or done, before invoicing."
        )
    if order.signed_at is not None and given < order.signed_at:
        raise SignatureRefused(
            f"{order.reference} already has a signature given after this one "
            f"(by {order.signed_by_name}); the newer one stays."
        )
    old = order.signature_path
    order.signature_path = _store(order, png, "png")
    order.signed_by_name = name
    order.signed_at = given
    order.signature_client_id = client
    order.signature_outdated = work_seen is not None and work_seen != work_fingerprint(order)
    db.session.flush()
    if old:
        stored_file(old).unlink(missing_ok=True)
    return order


def _signing_time(value: Any, errors: Errors) -> datetime:
    """When the customer signed: the tablet's moment if it sent one, never later than now
    (a tablet clock running ahead), else now."""
    now = clock.now_utc()
    if value in (None, ""):
        return now
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        errors.add("signed_at", "Send the signing time as an ISO 8601 instant with its offset.")
        return now
    return min(moment.astimezone(UTC), now)


def work_fingerprint(order: ServiceOrder) -> str:
    """A short digest of the order's time and parts as they stand: the page the customer
    signs on carries it, so a signature sent later knows whether the work changed since."""
    time = sorted(
        (e.id, e.technician_id, e.rate_kind, e.minutes, e.running, str(e.work_date))
        for e in order.time_entries
    )
    parts = sorted(
        (p.id, p.catalog_item_id or 0, p.description, str(p.quantity.normalize()))
        for p in order.parts
    )
    text = repr((time, parts)).encode()
    return hashlib.sha256(text).hexdigest()[:32]
