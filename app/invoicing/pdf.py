"""Rendering documents to A4 PDF with xhtml2pdf: invoices, credit notes, proformas, receipts.

This module builds each document's HTML from its template and context, in the company's
locale; pdf_pages.py turns the HTML into finished pages. Pure rendering: no database
writes. Storing the PDF of a posted document is documents.py's job.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_currency, parse_pattern
from flask import render_template

from app.company.models import Company
from app.invoicing.models import Invoice
from app.invoicing.pdf_pages import html_to_pdf, link_callback, pdf_safe, prepare_letterhead

DOC_TITLES = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "proforma": "Proforma invoice",
    "receipt": "Cash receipt",
}
_RF_CHARS = re.compile(r"[^0-9A-Z]")


def creditor_reference(number: str) -> str:
    """ISO 11649 RF creditor reference derived from a document number (INV-2026-001 ->
    RF.. INV2026001): banks validate the two check digits, so a typo is caught at payment."""
    body = _RF_CHARS.sub("", number.upper())[:21] or "0"
    digits = "".join(str(int(ch, 36)) for ch in body + "RF00")
    check = 98 - int(digits) % 97
    return f"RF{check:02d}{body}"


def format_rf(reference: str) -> str:
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


@functools.lru_cache(maxsize=8)
def _number_pattern(pattern: str) -> NumberPattern:
    """Parsed once per process: format_decimal(format=...) parses it for every number."""
    return parse_pattern(pattern)


class Formatter:
    """Money, numbers and dates in the company's locale (Babel), safe for the PDF fonts."""

    def __init__(self, locale: str, currency: str) -> None:
        # Parsed once per document: Babel would parse the identifier for every number.
        self.locale, self.currency = Locale.parse(locale), currency

    def money(self, value: Decimal | None, currency: str | None = None) -> str:
        if value is None:
            return ""
        return pdf_safe(format_currency(value, currency or self.currency, locale=self.locale))

    def number(self, value: Decimal | None, places: int = 2) -> str:
        if value is None:
            return ""
        pattern = _number_pattern("#,##0." + "0" * places if places else "#,##0")
        return pdf_safe(pattern.apply(value, self.locale))

    def quantity(self, value: Decimal) -> str:
        return pdf_safe(self.locale.decimal_formats[None].apply(value.normalize(), self.locale))

    def percent(self, value: Decimal) -> str:
        return self.quantity(value) + "%"

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


def _shows_reference(invoice: Invoice) -> bool:
    """The customer's reference, unless it merely repeats the credited invoice's number."""
    credited = invoice.credited_invoice
    return bool(invoice.reference) and not (credited and invoice.reference == credited.number)


def invoice_context(invoice: Invoice, company: Company) -> dict[str, Any]:
    draft = invoice.state != "posted"
    number = invoice.number or ""
    block = _company_block(company)
    return {
        "doc": invoice,
        "kind": invoice.doc_type,
        "title": DOC_TITLES[invoice.doc_type],
        "number": number or "DRAFT",
        "draft": draft,
        "company": block,
        "letterhead": prepare_letterhead(block),
        "customer": _customer_block(invoice),
        "credited": invoice.credited_invoice,
        "payment_reference": (
            format_rf(creditor_reference(number))
            if number and invoice.doc_type != "credit_note"
            else ""
        ),
        "show_reference": _shows_reference(invoice),
        "f": Formatter(company.locale, invoice.currency),
    }


def render_invoice_html(invoice: Invoice, company: Company) -> str:
    return render_template("invoicing/pdf/invoice.html", **invoice_context(invoice, company))


def render_invoice_pdf(invoice: Invoice, company: Company) -> bytes:
    """The document as A4 PDF; a draft carries a DRAFT mark on every page."""
    return html_to_pdf(render_invoice_html(invoice, company))


def render_receipt_html(receipt: ReceiptData, company: Company) -> str:
    block = _company_block(company)
    return render_template(
        "invoicing/pdf/receipt.html",
        receipt=receipt,
        title=DOC_TITLES["receipt"],
        number=receipt.number,
        draft=False,
        company=block,
        letterhead=prepare_letterhead(block),
        f=Formatter(company.locale, receipt.currency),
    )


def render_receipt_pdf(receipt: ReceiptData, company: Company) -> bytes:
    return html_to_pdf(render_receipt_html(receipt, company))


def pdf_filename(title: str, number: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", number or "draft").strip("-")
    return f"{title.lower().replace(' ', '-')}-{slug}.pdf"
