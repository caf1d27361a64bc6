"""Rendering documents to A4 PDF with xhtml2pdf: invoices, credit notes, proformas, receipts.

Pure rendering: no database writes. Storing the PDF of a posted document is documents.py's job.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flask import current_app, render_template
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from app.company.models import Company
from app.invoicing.models import Invoice

DOC_TITLES = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "proforma": "Proforma invoice",
    "receipt": "Cash receipt",
}
_RF_CHARS = re.compile(r"[^0-9A-Z]")
# Where "Page N of M" goes: right edge of the footer frame, on its first text line.
PAGE_NUMBER_X = (1.6 + 17.8) * cm
PAGE_NUMBER_Y = (29.7 - 27.6) * cm - 4


class PdfRenderingFailed(RuntimeError):
    """xhtml2pdf reported errors: a template bug, never a user's doing."""


def creditor_reference(number: str) -> str:
    """ISO 11649 RF creditor reference derived from a document number (INV-2026-001 ->
    RF.. INV2026001): banks validate the two check digits, so a typo is caught at payment."""
    body = _RF_CHARS.sub("", number.upper())[:21] or "0"
    digits = "".join(str(int(ch, 36)) for ch in body + "RF00")
    check = 98 - int(digits) % 97
    return f"RF{check:02d}{body}"


def format_rf(reference: str) -> str:
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def pdf_safe(text: str) -> str:
    """The built-in PDF fonts cover Windows-1252 only: map the rest to close equivalents
    (a real minus becomes a hyphen, narrow spaces become no-break spaces, accents are kept
    where the code page has them and stripped where it does not)."""
    text = text.replace("\u2212", "-").replace("\u202f", "\u00a0").replace("\u2009", " ")
    try:
        text.encode("cp1252")
        return text  # the usual case: nothing to map
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("cp1252", "ignore").decode("cp1252")
            out.append(base or "?")
    return "".join(out)


class Formatter:
    """Money, numbers and dates in the company's locale (Babel), safe for the PDF fonts."""

    def __init__(self, locale: str, currency: str) -> None:
        self.locale, self.currency = locale, currency

    def money(self, value: Decimal | None, currency: str | None = None) -> str:
        if value is None:
            return ""
        return pdf_safe(format_currency(value, currency or self.currency, locale=self.locale))

    def number(self, value: Decimal | None, places: int = 2) -> str:
        if value is None:
            return ""
        pattern = "#,##0." + "0" * places if places else "#,##0"
        return pdf_safe(format_decimal(value, format=pattern, locale=self.locale))

    def quantity(self, value: Decimal) -> str:
        return pdf_safe(format_decimal(value.normalize(), locale=self.locale))

    def percent(self, value: Decimal) -> str:
        return pdf_safe(format_decimal(value.normalize(), locale=self.locale)) + "%"

    def day(self, value: date | None) -> str:
        return pdf_safe(format_date(value, format="medium", locale=self.locale)) if value else ""


@dataclass(frozen=True)
class ReceiptData:
    """What a cash receipt prints; accounting fills it from the payment."""

    number: str
    date: date
    amount: Decimal
    currency: str
    method: str
    customer_name: str
    customer_address: list[str]
    customer_vat_id: str
    invoice_number: str
    reference: str


def _asset_dirs() -> list[Path]:
    return [
        Path(current_app.config.get("UPLOAD_DIR", current_app.instance_path)).resolve(),
        Path(current_app.static_folder or "").resolve(),
    ]


def link_callback(uri: str, rel: str | None = None) -> str:
    """Images only from the upload folder or static files; never a network fetch while
    rendering, never a file outside those folders (xhtml2pdf would read any path)."""
    if "://" in uri:
        return ""
    for base in _asset_dirs():
        candidate = (base / uri.lstrip("/")).resolve()
        if candidate.is_relative_to(base) and candidate.is_file():
            return str(candidate)
        if Path(uri).is_absolute():
            absolute = Path(uri).resolve()
            if absolute.is_relative_to(base) and absolute.is_file():
                return str(absolute)
    return ""


def resource_policy() -> ResourceAccessPolicy:
    """Local reads confined to the upload and static folders; no network at all."""
    upload, static = _asset_dirs()
    return ResourceAccessPolicy.server(
        upload, extra_roots=(static,), allow_remote=False, max_render_seconds=120
    )


def stamp_page_numbers(content: bytes) -> bytes:
    """Write "Page N of M" into every page's footer after a single layout pass.

    xhtml2pdf's <pdf:pagecount> lays the whole document out twice (the count is unknown
    while page 1 is drawn), doubling the cost of a long invoice; stamping the finished
    pages costs a few milliseconds instead.
    """
    reader = PdfReader(io.BytesIO(content))
    total = len(reader.pages)
    overlay_buffer = io.BytesIO()
    overlay = canvas.Canvas(overlay_buffer, pagesize=A4, pageCompression=1)
    for number in range(1, total + 1):
        overlay.setFont("Helvetica", 7.5)
        overlay.setFillColorRGB(0x5F / 255, 0x66 / 255, 0x70 / 255)
        overlay.drawRightString(PAGE_NUMBER_X, PAGE_NUMBER_Y, f"Page {number} of {total}")
        overlay.showPage()
    overlay.save()
    stamps = PdfReader(io.BytesIO(overlay_buffer.getvalue())).pages
    writer = PdfWriter(clone_from=reader)
    for page, stamp in zip(writer.pages, stamps, strict=True):
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def html_to_pdf(html: str, *, page_numbers: bool = True) -> bytes:
    out = io.BytesIO()
    status = pisa.CreatePDF(
        pdf_safe(html),
        dest=out,
        link_callback=link_callback,
        encoding="utf-8",
        resource_policy=resource_policy(),
    )
    if status.err:
        raise PdfRenderingFailed(f"PDF rendering failed with {status.err} error(s)")
    return stamp_page_numbers(out.getvalue()) if page_numbers else out.getvalue()


def _company_block(company: Company) -> dict[str, Any]:
    city_line = " ".join(part for part in (company.postal_code, company.city) if part)
    return {
        "name": company.name,
        "lines": [line for line in (company.street, city_line, company.country) if line],
        "vat_id": company.vat_id,
        "registration_number": company.registration_number,
        "email": company.email,
        "phone": company.phone,
        "website": company.website,
        "iban": company.iban,
        "bic": company.bic,
        "bank_name": company.bank_name,
        "logo": link_callback(company.logo_path) if company.logo_path else "",
        "brand": company.brand_color
        if re.fullmatch(r"#[0-9a-fA-F]{6}", company.brand_color)
        else "#1f4e79",
        "terms_url": company.terms_url,
        "footer": company.invoice_footer,
    }


def _customer_block(invoice: Invoice) -> dict[str, Any]:
    if invoice.state == "posted":  # the details frozen at posting
        return {
            "name": invoice.billing_name,
            "lines": [line for line in invoice.billing_address.splitlines() if line],
            "vat_id": invoice.billing_vat_id,
        }
    customer = invoice.customer
    return {"name": customer.name, "lines": customer.address_lines, "vat_id": customer.vat_id}


def invoice_context(invoice: Invoice, company: Company) -> dict[str, Any]:
    draft = invoice.state != "posted"
    number = invoice.number or ""
    return {
        "doc": invoice,
        "kind": invoice.doc_type,
        "title": DOC_TITLES[invoice.doc_type],
        "number": number or "DRAFT",
        "draft": draft,
        "company": _company_block(company),
        "customer": _customer_block(invoice),
        "credited": invoice.credited_invoice,
        "payment_reference": (
            format_rf(creditor_reference(number))
            if number and invoice.doc_type != "credit_note"
            else ""
        ),
        "f": Formatter(company.locale, invoice.currency),
    }


def render_invoice_html(invoice: Invoice, company: Company) -> str:
    return render_template("invoicing/pdf/invoice.html", **invoice_context(invoice, company))


def render_invoice_pdf(invoice: Invoice, company: Company) -> bytes:
    """The document as A4 PDF; a draft carries a DRAFT mark on every page."""
    return html_to_pdf(render_invoice_html(invoice, company))


def render_receipt_html(receipt: ReceiptData, company: Company) -> str:
    return render_template(
        "invoicing/pdf/receipt.html",
        receipt=receipt,
        title=DOC_TITLES["receipt"],
        number=receipt.number,
        draft=False,
        company=_company_block(company),
        f=Formatter(company.locale, receipt.currency),
    )


def render_receipt_pdf(receipt: ReceiptData, company: Company) -> bytes:
    return html_to_pdf(render_receipt_html(receipt, company))


def pdf_filename(title: str, number: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", number or "draft").strip("-")
    return f"{title.lower().replace(' ', '-')}-{slug}.pdf"
