"""The letterhead under every page: rendered once per company, never stale after a change."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from pypdf import PdfReader

from app.accounting.sending import receipt_pdf
from app.accounting.services import register_payment
from app.company.services import get_company, update_settings
from app.invoicing import pdf
from app.invoicing.documents import document_pdf, ensure_document_pdf
from app.invoicing.pdf_pages import PdfRenderingFailed, html_to_pdf, letterhead, prepare_letterhead
from tests.documents.conftest import pdf_pages
from tests.factories import line


def many_lines(count: int) -> list[dict]:
    return [line(f"Copper fitting type {i}", "2", "4.50", "23", "parts") for i in range(count)]


@pytest.fixture
def upload_dir(app, tmp_path):
    previous = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path)
    yield tmp_path
    app.config["UPLOAD_DIR"] = previous


def write_logo(folder, size: tuple[int, int]) -> None:
    Image.new("RGB", size, (31, 78, 121)).save(folder / "logo.png")


def image_sizes(content: bytes) -> list[tuple[int, int]]:
    """Width and height of every image the first page draws, the letterhead's included."""
    return [image.image.size for image in PdfReader(io.BytesIO(content)).pages[0].images]


def test_every_page_of_a_long_draft_has_letterhead_running_head_page_numbers_and_draft_mark(
    session, make_invoice
):
    draft = make_invoice(many_lines(120), post=False)

    pages = pdf_pages(document_pdf(draft.id).content)

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Invoice DRAFT" in text  # the running head: no number before posting
        assert "DRAFT - not valid for payment" in text
        assert "Test Services Ltd" in text  # the letterhead's header and footer
        assert "VAT IE6388047V" in text  # the letterhead's footer


def web_links(page) -> list[str]:
    return [
        str(ref.get_object()["/A"]["/URI"])
        for ref in page.get("/Annots", ())
        if ref.get_object().get("/Subtype") == "/Link"
    ]


def test_terms_link_is_a_working_link_on_every_page(session, make_invoice):
    update_settings(None, terms_url="https://fieldpost.test/terms")
    draft = make_invoice(many_lines(120), post=False)

    reader = PdfReader(io.BytesIO(document_pdf(draft.id).content))

    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert web_links(page) == ["https://fieldpost.test/terms"]
        assert "https://fieldpost.test/terms" in page.extract_text()


def test_no_terms_link_no_annotation(session, make_invoice):
    update_settings(None, terms_url="")
    draft = make_invoice(post=False)

    reader = PdfReader(io.BytesIO(document_pdf(draft.id).content))

    assert web_links(reader.pages[0]) == []


def test_posted_invoice_lines_and_totals_on_their_pages(session, make_invoice):
    invoice = make_invoice(many_lines(120))

    pages = pdf_pages(ensure_document_pdf(invoice.id).content)

    text = "\n".join(pages)
    assert "Copper fitting type 0" in pages[0]
    assert "Copper fitting type 119" in text
    assert "Total due" in pages[-1]
    assert "VAT 23% of 1,080.00" in pages[-1]  # 120 x 2 x 4.50
    assert "€1,328.40" in pages[-1]  # plus 248.40 VAT
    assert "DRAFT" not in text


def test_company_rename_shows_on_the_next_pdf(session, make_invoice):
    draft = make_invoice(post=False)
    before = "\n".join(pdf_pages(document_pdf(draft.id).content))

    update_settings(None, name="Renamed Field Services Ltd", invoice_footer="New footer line")
    after = "\n".join(pdf_pages(document_pdf(draft.id).content))

    assert "Test Services Ltd" in before
    assert "Renamed Field Services Ltd" not in before
    assert "Renamed Field Services Ltd" in after
    assert "New footer line" in after
    assert "Test Services Ltd" not in after


def test_brand_colour_change_renders_a_new_letterhead(session):
    company = get_company()
    before = prepare_letterhead(pdf._company_block(company))

    update_settings(None, brand_color="#0b6e4f")

    after = prepare_letterhead(pdf._company_block(get_company()))
    assert after != before
    assert letterhead(after) is not letterhead(before)


def test_letterhead_rendered_once_and_reused(session):
    block = pdf._company_block(get_company())
    key = prepare_letterhead(block)

    first = letterhead(key)

    assert prepare_letterhead(block) == key
    assert letterhead(key) is first


def test_logo_replaced_at_the_same_path_shows_on_the_next_pdf(session, make_invoice, upload_dir):
    write_logo(upload_dir, (120, 40))
    update_settings(None, logo_path="logo.png")
    draft = make_invoice(post=False)
    before = image_sizes(document_pdf(draft.id).content)

    write_logo(upload_dir, (300, 60))
    stat = (upload_dir / "logo.png").stat()
    os.utime(upload_dir / "logo.png", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = image_sizes(document_pdf(draft.id).content)

    assert before == [(120, 40)]
    assert after == [(300, 60)]


def test_logo_removed_falls_back_to_the_company_name(session, make_invoice, upload_dir):
    write_logo(upload_dir, (120, 40))
    update_settings(None, logo_path="logo.png")
    draft = make_invoice(post=False)
    assert image_sizes(document_pdf(draft.id).content) == [(120, 40)]

    update_settings(None, logo_path="")

    content = document_pdf(draft.id).content
    assert image_sizes(content) == []
    assert "Test Services Ltd" in pdf_pages(content)[0]


def test_cash_receipt_has_letterhead_and_page_number(session, make_invoice, bookkeeper):
    payment = register_payment(bookkeeper, make_invoice().id, amount="150.40", method="cash")

    text = pdf_pages(receipt_pdf(payment.id).content)[0]

    assert "Cash receipt RC-2026-001" in text
    assert "Page 1 of 1" in text
    assert "VAT IE6388047V" in text


def test_html_naming_an_unknown_letterhead_is_refused(app):
    html = (
        '<html><head><meta name="fieldpost-letterhead" content="unknown"></head>'
        "<body>x</body></html>"
    )

    with app.app_context(), pytest.raises(PdfRenderingFailed, match="not prepared"):
        html_to_pdf(html)
