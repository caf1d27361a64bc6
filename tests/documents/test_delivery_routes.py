"""The bookkeeper's delivery actions over HTTP: roles, send, PDFs, retry, revoke, bulk."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.accounting.services import register_payment
from app.invoicing.delivery import OutboxItem, PortalLink
from app.invoicing.models import Invoice
from tests.documents.conftest import pdf_pages
from tests.factories import TEST_PASSWORD, UserFactory


def sign_in(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def books(client, bookkeeper):
    sign_in(client, bookkeeper)
    return client


@pytest.mark.parametrize("role", ["technician", "dispatcher"])
def test_delivery_routes_other_roles_refused(session, client, make_invoice, role):
    invoice = make_invoice()
    sign_in(client, UserFactory(role=role))

    assert client.get(f"/invoices/{invoice.id}/pdf").status_code == 403
    assert client.post(f"/invoices/{invoice.id}/send").status_code == 403
    assert (
        client.post("/invoices/bulk/pdfs.zip", data={"invoice_ids": [invoice.id]}).status_code
        == 403
    )
    assert session.query(OutboxItem).count() == 0


def test_delivery_routes_signed_out_go_to_login(session, client, make_invoice):
    invoice = make_invoice()

    response = client.get(f"/invoices/{invoice.id}/pdf")

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_send_route_sends_and_flashes(session, books, make_invoice, smtp_server):
    invoice = make_invoice()

    response = books.post(
        f"/invoices/{invoice.id}/send",
        headers={"Referer": f"http://fieldpost.test/invoices/{invoice.id}"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/invoices/{invoice.id}"
    assert len(smtp_server.messages) == 1
    with books.session_transaction() as flask_session:
        assert "INV-2026-001 sent to accounts@acme.example." in str(flask_session["_flashes"])


def test_send_route_draft_needs_confirm_post(session, books, make_invoice, smtp_server):
    draft = make_invoice(post=False)

    books.post(f"/invoices/{draft.id}/send")
    session.expire_all()
    assert session.get(Invoice, draft.id).state == "draft"

    books.post(f"/invoices/{draft.id}/send", data={"confirm_post": "1"})
    session.expire_all()
    assert session.get(Invoice, draft.id).state == "posted"
    assert len(smtp_server.messages) == 1


def test_send_route_unknown_invoice_is_404(session, books):
    assert books.post("/invoices/999999/send").status_code == 404


def test_pdf_route_draft_preview_and_posted_stored(session, books, make_invoice):
    draft = make_invoice(post=False)
    posted = make_invoice()

    preview = books.get(f"/invoices/{draft.id}/pdf")
    stored = books.get(f"/invoices/{posted.id}/pdf")

    assert preview.mimetype == "application/pdf"
    assert "DRAFT" in pdf_pages(preview.data)[0]
    assert "INV-2026-001" in pdf_pages(stored.data)[0]
    assert stored.headers["ETag"]
    again = books.get(
        f"/invoices/{posted.id}/pdf", headers={"If-None-Match": stored.headers["ETag"]}
    )
    assert again.status_code == 304
    assert books.get("/invoices/999999/pdf").status_code == 404


def test_receipt_pdf_route_cash_only(session, books, make_invoice, bookkeeper):
    cash = register_payment(bookkeeper, make_invoice().id, amount="10.00", method="cash")
    bank = register_payment(bookkeeper, make_invoice().id, amount="10.00")

    assert "RC-2026-001" in pdf_pages(books.get(f"/payments/{cash.id}/receipt.pdf").data)[0]
    assert books.get(f"/payments/{bank.id}/receipt.pdf").status_code == 404


def test_retry_route_requeues_failed_item_and_sends(session, books, make_invoice, smtp_down, app):
    invoice = make_invoice()
    books.post(f"/invoices/{invoice.id}/send")
    item = session.query(OutboxItem).one()
    assert item.state == "failed"

    from aiosmtpd.controller import Controller

    from tests.documents.conftest import Inbox, free_port

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config["SMTP_PORT"] = port
        books.post(f"/outbox/{item.id}/retry")
    finally:
        controller.stop()

    session.expire_all()
    assert session.get(OutboxItem, item.id).state == "sent"
    assert len(inbox.messages) == 1


def test_revoke_link_route(session, books, make_invoice, smtp_server):
    invoice = make_invoice()
    books.post(f"/invoices/{invoice.id}/send")

    books.post(f"/invoices/{invoice.id}/link/revoke")

    assert session.query(PortalLink).filter(PortalLink.revoked_at.is_(None)).count() == 0


def test_bulk_send_sends_each_and_names_refusals(session, books, make_invoice, smtp_server):
    one, two, draft = make_invoice(), make_invoice(), make_invoice(post=False)

    books.post("/invoices/bulk/send", data={"invoice_ids": [one.id, two.id, draft.id]})

    assert len(smtp_server.messages) == 2
    with books.session_transaction() as flask_session:
        flashed = str(flask_session["_flashes"])
    assert "2 sent" in flashed
    assert "1 skipped" in flashed


def test_bulk_zip_contains_one_pdf_per_invoice(session, books, make_invoice):
    invoices = [make_invoice(), make_invoice(), make_invoice(post=False)]

    response = books.post("/invoices/bulk/pdfs.zip", data={"invoice_ids": [i.id for i in invoices]})

    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert names == sorted(
        [
            f"invoice-draft-{invoices[2].id}.pdf",
            "invoice-INV-2026-001.pdf",
            "invoice-INV-2026-002.pdf",
        ]
    )
    for name in names:
        assert archive.read(name).startswith(b"%PDF-")


@pytest.mark.parametrize("bad", ["1; drop", "99999999999999999999", "", "²", "0"])
def test_bulk_bad_ids_refused_with_message(session, books, smtp_server, bad):
    for url in ("/invoices/bulk/pdfs.zip", "/invoices/bulk/send"):
        response = books.post(url, data={"invoice_ids": [bad]})

        assert response.status_code == 302
    assert session.query(OutboxItem).count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("template", "reminder_9"),
        ("to", "not an address"),
        ("to", "someone@example.com\r\nBcc: everyone@example.com"),
    ],
)
def test_send_route_bad_input_flashes_and_writes_nothing(
    session, books, make_invoice, smtp_server, field, value
):
    draft = make_invoice(post=False)

    response = books.post(f"/invoices/{draft.id}/send", data={"confirm_post": "1", field: value})

    assert response.status_code == 302
    assert session.query(OutboxItem).count() == 0
    session.expire_all()
    assert session.get(Invoice, draft.id).state == "draft"
    with books.session_transaction() as flask_session:
        assert flask_session["_flashes"][0][0] == "error"


@pytest.mark.parametrize(
    "url",
    [
        "/invoices/99999999999999999999/pdf",
        "/payments/99999999999999999999/receipt.pdf",
    ],
)
def test_huge_ids_are_404_not_5xx(session, books, url):
    assert books.get(url).status_code == 404
