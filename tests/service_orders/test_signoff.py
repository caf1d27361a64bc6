"""Report, photos (checked by content) and the customer's signature, which outdates."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.core.errors import NotFound, ValidationFailed
from app.service_orders import parts, signoff, timesheets
from app.service_orders.models import OrderPhoto
from tests.service_orders.conftest import NOW

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


@pytest.fixture
def uploads(app: Flask, tmp_path: Path) -> Any:
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["UPLOAD_DIR"] = previous


def _photos(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(OrderPhoto))


@pytest.mark.parametrize(
    ("data", "content_type"), [(JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")]
)
def test_add_photo_stores_file_typed_by_content(
    world: Any, uploads: Path, data: bytes, content_type: str
) -> None:
    order = world.in_progress()
    photo = signoff.add_photo(world.tech, order.id, data, filename="IMG_1.bin")
    assert (photo.content_type, photo.size) == (content_type, len(data))
    assert (uploads / photo.path).read_bytes() == data


def test_add_photo_with_image_name_but_other_content_refused(
    world: Any, session: Any, uploads: Path
) -> None:
    order = world.in_progress()
    before = _photos(session)
    with pytest.raises(ValidationFailed, match="JPEG, PNG or WebP"):
        signoff.add_photo(world.tech, order.id, b"%PDF-1.7 not a photo", filename="boiler.jpg")
    assert _photos(session) == before
    assert list(uploads.rglob("*.*")) == []


def test_add_oversize_photo_refused(world: Any, app: Flask, session: Any, uploads: Path) -> None:
    app.config["MAX_PHOTO_BYTES"] = 1024
    try:
        order = world.in_progress()
        with pytest.raises(ValidationFailed, match="the limit is"):
            signoff.add_photo(world.tech, order.id, JPEG + b"\x00" * 2048)
    finally:
        del app.config["MAX_PHOTO_BYTES"]
    assert _photos(session) == 0


def test_update_report_saves_text(world: Any) -> None:
    order = world.in_progress()
    signoff.update_report(world.tech, order.id, "  Replaced the pump; pressure holds at 1.5 bar. ")
    assert order.report == "Replaced the pump; pressure holds at 1.5 bar."


def test_sign_order_records_name_and_time(world: Any, uploads: Path) -> None:
    order = world.in_progress()
    signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary Byrne")
    assert (order.signed_by_name, order.signed_at, order.signature_outdated) == (
        "Mary Byrne",
        NOW,
        False,
    )
    assert (uploads / order.signature_path).read_bytes() == PNG


def test_sign_order_with_non_png_refused(world: Any, uploads: Path) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as error:
        signoff.sign_order(world.tech, order.id, JPEG, signer_name="Mary Byrne")
    assert "signature" in error.value.fields
    assert order.signed_at is None


def test_sign_order_without_name_refused(world: Any, uploads: Path) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as error:
        signoff.sign_order(world.tech, order.id, PNG, signer_name=" ")
    assert "signer_name" in error.value.fields


def test_time_logged_after_signing_outdates_signature(world: Any, uploads: Path) -> None:
    order = world.in_progress()
    signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary Byrne")
    timesheets.log_time(world.tech, order.id, minutes=15)
    assert order.signature_outdated is True


def test_part_added_after_signing_outdates_signature(world: Any, uploads: Path) -> None:
    order = world.in_progress()
    signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary Byrne")
    parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="1")
    assert order.signature_outdated is True


def test_signing_again_clears_outdated_mark(world: Any, uploads: Path) -> None:
    order = world.in_progress()
    signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary Byrne")
    timesheets.log_time(world.tech, order.id, minutes=15)
    signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary Byrne")
    assert order.signature_outdated is False
    assert len(list(uploads.rglob("*.png"))) == 1


def test_photo_of_other_technicians_order_not_found(world: Any, uploads: Path) -> None:
    order = world.in_progress(world.tech)
    photo = signoff.add_photo(world.tech, order.id, PNG)
    with pytest.raises(NotFound):
        signoff.get_photo(world.tech2, photo.id)


def test_stored_file_outside_upload_dir_refused(app: Flask, uploads: Path) -> None:
    with app.app_context(), pytest.raises(NotFound):
        signoff.stored_file("../../etc/passwd")


def test_replayed_time_entry_leaves_a_later_signature_current(world: Any, uploads: Path) -> None:
    order = world.in_progress()
    client_id = "5f0c9a43-52a5-4f4a-9d5c-0f7f2b1f6f10"
    timesheets.log_time(world.tech, order.id, minutes=15, client_id=client_id)
    signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary Byrne")
    timesheets.log_time(world.tech, order.id, minutes=15, client_id=client_id)
    assert order.signature_outdated is False


# A signature kept on the tablet while offline and sent later


SIGNED_OFFLINE = "0b7d5c1e-7a51-4b7c-9a55-3c1f1f7d2a01"


def test_a_signature_sent_again_with_its_client_id_changes_nothing(
    world: Any, uploads: Path, at: Any
) -> None:
    order = world.in_progress()
    first = signoff.sign_order(
        world.tech, order.id, PNG, signer_name="Mary Byrne", client_id=SIGNED_OFFLINE
    )
    path, when = first.signature_path, first.signed_at
    at(minutes=20)
    again = signoff.sign_order(
        world.tech, order.id, PNG, signer_name="Someone else", client_id=SIGNED_OFFLINE
    )
    assert (again.signature_path, again.signed_at, again.signed_by_name) == (
        path,
        when,
        "Mary Byrne",
    )
    assert len(list(uploads.rglob("*.png"))) == 1


def test_the_moment_the_tablet_gives_is_the_signing_time_but_never_later_than_now(
    world: Any, uploads: Path, at: Any
) -> None:
    order = world.in_progress()
    at(hours=2)
    given = NOW + timedelta(minutes=30)
    signed = signoff.sign_order(
        world.tech, order.id, PNG, signer_name="Mary Byrne", signed_at=given.isoformat()
    )
    assert signed.signed_at == given
    ahead = NOW + timedelta(days=1)  # a tablet clock running a day ahead
    signed = signoff.sign_order(
        world.tech, order.id, PNG, signer_name="Mary Byrne", signed_at=ahead.isoformat()
    )
    assert signed.signed_at == NOW + timedelta(hours=2)


def test_work_changed_since_the_customer_signed_marks_the_late_signature_outdated(
    world: Any, uploads: Path
) -> None:
    order = world.in_progress()
    seen = signoff.work_fingerprint(order)
    parts.add_part(world.tech, order.id, catalog_item_id=world.valve.id, quantity="1")
    signed = signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary", work_seen=seen)
    assert signed.signature_outdated is True
    unchanged = signoff.work_fingerprint(signed)
    signed = signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary", work_seen=unchanged)
    assert signed.signature_outdated is False


def test_an_older_signature_arriving_late_leaves_the_newer_one(
    world: Any, uploads: Path, at: Any
) -> None:
    order = world.in_progress()
    at(hours=1)
    signoff.sign_order(world.tech, order.id, PNG, signer_name="Newer Signer")
    with pytest.raises(signoff.SignatureRefused, match="the newer one stays"):
        signoff.sign_order(
            world.tech,
            order.id,
            PNG,
            signer_name="Older Signer",
            signed_at=(NOW + timedelta(minutes=10)).isoformat(),
            client_id=SIGNED_OFFLINE,
        )
    assert order.signed_by_name == "Newer Signer"
    assert order.signature_client_id is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"client_id": "not-a-uuid"}, "client_id"),
        ({"signed_at": "yesterday"}, "signed_at"),
        ({"signed_at": "2026-06-14T10:00:00"}, "signed_at"),  # no offset: whose clock?
    ],
)
def test_a_bad_client_id_or_signing_time_is_refused_by_field(
    world: Any, uploads: Path, values: dict[str, str], field: str
) -> None:
    order = world.in_progress()
    with pytest.raises(ValidationFailed) as refused:
        signoff.sign_order(world.tech, order.id, PNG, signer_name="Mary", **values)
    assert field in refused.value.fields
    assert order.signed_at is None
    assert list(uploads.rglob("*.png")) == []
