"""Document PDFs: real bytes whose text says what the customer must read."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from stdnum import iso11649

from app.accounting.credit_notes import issue_credit_note
from app.accounting.sending import receipt_pdf
from app.accounting.services import register_payment
from app.company.services import get_company
from app.invoicing import documents
from app.invoicing.delivery import DocumentFile
from app.invoicing.documents import document_pdf, ensure_document_pdf
from app.invoicing.pdf import creditor_reference
from tests.documents.conftest import pdf_pages
from tests.factories import line


def many_lines(count: int) -> list[dict]:
    return [line(f"Copper fitting type {i}", "2", "4.50", "23", "parts") for i in range(count)]


def test_render_posted_invoice_text_holds_number_totals_and_vat_lines(session, make_invoice):
    invoice = make_invoice()

    text = "\n".join(pdf_pages(ensure_document_pdf(invoice.id).content))

    assert "INV-2026-001" in text
    assert "€150.40" in text  # 100 + 13.50 + 30 + 6.90
    assert "VAT 13.5% of 100.00" in text
    assert "VAT 23% of 30.00" in text
    assert "IE6388047V" in text  # the company's VAT id
    assert "IE8256796U" in text  # the customer's
    assert "IE29AIBK93115212345678" in text
    assert "14 Jun 2026" in text  # invoice date, company locale
    assert "28 Jun 2026" in text  # due date
    assert "DRAFT" not in text


def test_render_invoice_payment_reference_is_valid_iso11649(session, make_invoice):
    invoice = make_invoice()
    reference = creditor_reference(invoice.number)

    text = pdf_pages(ensure_document_pdf(invoice.id).content)[0]

    assert iso11649.is_valid(reference)
    assert reference.endswith("INV2026001")
    assert iso11649.format(reference) in text


def test_render_long_invoice_page_count_grows_with_lines(session, make_invoice):
    short = pdf_pages(ensure_document_pdf(make_invoice(many_lines(5)).id).content)
    long = pdf_pages(ensure_document_pdf(make_invoice(many_lines(120)).id).content)

    assert len(short) == 1
    assert len(long) >= 3
    assert len(long) <= 6  # explicit column widths keep rows on one line


def test_render_long_invoice_header_and_footer_on_every_page(session, make_invoice):
    invoice = make_invoice(many_lines(120))

    pages = pdf_pages(ensure_document_pdf(invoice.id).content)

    for number, page_text in enumerate(pages, start=1):
        assert f"Invoice {invoice.number}" in page_text  # header
        assert f"Page {number} of {len(pages)}" in page_text  # footer
        assert "Test Services Ltd" in page_text


def test_render_credit_note_names_its_invoice(session, make_invoice, bookkeeper):
    invoice = make_invoice()
    note = issue_credit_note(bookkeeper, invoice.id, reason="Valve returned")

    text = "\n".join(pdf_pages(ensure_document_pdf(note.id).content))

    assert "Credit note CN-2026-001" in text
    assert f"refers to invoice {invoice.number}" in text
    assert "Valve returned" in text


def test_render_draft_carries_draft_mark_and_stores_nothing(session, make_invoice):
    draft = make_invoice(post=False)

    pdf = document_pdf(draft.id)

    text = "\n".join(pdf_pages(pdf.content))
    assert "DRAFT" in text
    assert "not valid for payment" in text
    assert not pdf.stored
    assert session.query(DocumentFile).count() == 0


def test_render_proforma_titled_and_not_a_tax_invoice(session, make_invoice):
    proforma = make_invoice(doc_type="proforma")

    text = pdf_pages(ensure_document_pdf(proforma.id).content)[0]

    assert f"Proforma invoice {proforma.number}" in text
    assert "not a tax invoice" in text


def test_ensure_document_pdf_stores_once_with_its_hash(session, make_invoice):
    invoice = make_invoice()

    first = ensure_document_pdf(invoice.id)
    second = ensure_document_pdf(invoice.id)

    assert first.content == second.content
    assert first.sha256 == hashlib.sha256(first.content).hexdigest()
    rows = session.query(DocumentFile).filter_by(invoice_id=invoice.id).all()
    assert len(rows) == 1
    assert rows[0].sha256 == first.sha256


def test_render_cash_receipt_for_payment_with_receipt_number(session, make_invoice, bookkeeper):
    invoice = make_invoice()
    payment = register_payment(bookkeeper, invoice.id, amount="150.40", method="cash")

    text = pdf_pages(receipt_pdf(payment.id).content)[0]

    assert "Cash receipt RC-2026-001" in text
    assert "€150.40" in text
    assert invoice.number in text
    assert payment.amount == Decimal("150.40")


def test_stored_pdf_cannot_be_changed_in_the_database(session, make_invoice):
    invoice = make_invoice()
    ensure_document_pdf(invoice.id)

    with pytest.raises(DBAPIError, match="insert-only"), session.begin_nested():
        session.execute(text("UPDATE document_files SET content = :c"), {"c": b"%PDF-forged"})
    with pytest.raises(DBAPIError, match="insert-only"), session.begin_nested():
        session.execute(text("DELETE FROM document_files"))


def test_render_uses_company_locale_for_money_and_dates(session, make_invoice):
    company = get_company()
    company.locale = "de_DE"
    session.flush()
    invoice = make_invoice()

    text = pdf_pages(ensure_document_pdf(invoice.id).content)[0]

    assert "150,40" in text
    assert "14.06.2026" in text


def test_ensure_stored_pdf_race_keeps_the_first_copy(
    session, make_invoice, bookkeeper, monkeypatch
):
    payment = register_payment(bookkeeper, make_invoice().id, amount="10.00", method="cash")
    first = receipt_pdf(payment.id)  # the copy another caller stored while we rendered
    # Our caller looked before that copy existed, so it renders and tries to store its own.
    looked_early = iter([None])
    real_lookup = documents.stored_file
    monkeypatch.setattr(
        documents, "stored_file", lambda **key: next(looked_early, None) or real_lookup(**key)
    )

    again = documents.ensure_stored_pdf(payment.id, lambda: ("late.pdf", b"%PDF-1.4 late"))

    assert again.sha256 == first.sha256
    assert session.query(DocumentFile).filter_by(payment_id=payment.id).count() == 1
