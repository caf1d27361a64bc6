"""Report, photos (checked by content) and the customer's signature, which outdates."""

from __future__ import annotations

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
