"""The customer link: posted documents only, Viewed once, every view logged, revocable."""

from __future__ import annotations

from app.invoicing.delivery import DeliveryEvent
from app.invoicing.documents import ensure_document_pdf
from app.invoicing.models import Invoice
from app.invoicing.portal import get_link_url, revoke_link

UA = {"User-Agent": "Mozilla/5.0 (Customer tablet)"}


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:5000")


def test_open_link_shows_document_and_marks_viewed(session, client, make_invoice, bookkeeper):
    invoice = make_invoice()
    url = path_of(get_link_url(bookkeeper, invoice.id))

    response = client.get(url, headers=UA)

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "INV-2026-001" in page
    assert "€150.40" in page
    assert "Download PDF" in page
    assert response.headers["Cache-Control"] == "private, no-store"
    session.expire_all()
    assert session.get(Invoice, invoice.id).viewed_at is not None


def test_open_link_twice_first_view_sets_status_every_view_logged(
    session, client, make_invoice, bookkeeper
):
    invoice = make_invoice()
    url = path_of(get_link_url(bookkeeper, invoice.id))
    client.get(url, headers=UA, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    session.expire_all()
    first_view = session.get(Invoice, invoice.id).viewed_at

    from datetime import timedelta

    from app.core import clock

    clock.advance(timedelta(hours=2))
    client.get(url, headers=UA, environ_base={"REMOTE_ADDR": "203.0.113.9"})

    session.expire_all()
    assert session.get(Invoice, invoice.id).viewed_at == first_view
    views = session.query(DeliveryEvent).filter_by(kind="viewed").order_by(DeliveryEvent.id).all()
    assert [v.ip_address for v in views] == ["198.51.100.7", "203.0.113.9"]
    assert all(v.user_agent == UA["User-Agent"] for v in views)
    assert views[1].created_at > views[0].created_at


def test_download_pdf_from_link_serves_stored_bytes(session, client, make_invoice, bookkeeper):
    invoice = make_invoice()
    stored = ensure_document_pdf(invoice.id)
    url = path_of(get_link_url(bookkeeper, invoice.id))

    response = client.get(url + "/pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == stored.content


def test_open_revoked_link_is_404(session, client, make_invoice, bookkeeper):
    invoice = make_invoice()
    url = path_of(get_link_url(bookkeeper, invoice.id))
    assert revoke_link(bookkeeper, invoice.id) == 1

    assert client.get(url).status_code == 404
    assert client.get(url + "/pdf").status_code == 404
    session.expire_all()
    assert session.get(Invoice, invoice.id).viewed_at is None


def test_new_link_after_revoke_differs_and_works(session, client, make_invoice, bookkeeper):
    invoice = make_invoice()
    old = path_of(get_link_url(bookkeeper, invoice.id))
    revoke_link(bookkeeper, invoice.id)

    new = path_of(get_link_url(bookkeeper, invoice.id))

    assert new != old
    assert client.get(new).status_code == 200
    assert client.get(old).status_code == 404


def test_open_tampered_link_is_404_and_logs_nothing(session, client, make_invoice, bookkeeper):
    invoice = make_invoice()
    url = path_of(get_link_url(bookkeeper, invoice.id))
    token = url.removeprefix("/d/")
    # Change the signature's first character: the last base64 character of a signature may
    # carry unused padding bits, so changing it does not always change the decoded bytes.
    payload, signature = token.rsplit(".", 1)
    flipped = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"

    assert client.get("/d/" + flipped).status_code == 404
    assert client.get("/d/not-a-token").status_code == 404
    assert client.get("/d/" + token.split(".")[0] + ".x").status_code == 404
    assert session.query(DeliveryEvent).filter_by(kind="viewed").count() == 0


def test_link_for_draft_refused(session, make_invoice, bookkeeper):
    import pytest

    from app.core.errors import InvalidTransition

    draft = make_invoice(post=False)

    with pytest.raises(InvalidTransition):
        get_link_url(bookkeeper, draft.id)


def test_head_request_on_link_is_not_a_view(session, client, make_invoice, bookkeeper):
    invoice = make_invoice()
    url = path_of(get_link_url(bookkeeper, invoice.id))

    assert client.head(url).status_code == 200

    assert session.query(DeliveryEvent).filter_by(kind="viewed").count() == 0
    session.expire_all()
    assert session.get(Invoice, invoice.id).viewed_at is None
