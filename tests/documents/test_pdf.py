"""Document PDFs: real bytes whose text says what the customer must read."""

from __future__ import annotations

from stdnum import iso11649

from app.accounting.services import issue_credit_note
from app.company.services import get_company
from app.invoicing.documents import document_pdf, ensure_document_pdf
from app.invoicing.pdf import creditor_reference
from tests.documents.conftest import pdf_pages
from tests.factories import line


def test_render_posted_invoice_text_holds_number_totals_and_vat_lines(session, make_invoice):
    invoice = make_invoice()

    text = "\n".join(pdf_pages(ensure_document_pdf(invoice.id).content))

    assert "INV-2026-001" in text
    assert "150.40" in text  # 100 + 13.50 + 30 + 6.90
    assert "VAT 13.5% of 100.00" in text
    assert "VAT 23% of 30.00" in text
    assert "IE6388047V" in text and "IE8256796U" in text  # both VAT ids
    assert "IE29AIBK93115212345678" in text
    assert "DRAFT" not in text
