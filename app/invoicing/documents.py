"""Document PDFs: rendered once after posting and stored with their hash; drafts on the fly.

Rendering takes up to a second for a long invoice, so it never runs inside the posting
transaction (which holds the numbering counter row): callers run `ensure_document_pdf` right
after posting commits, and downloads run it lazily for documents posted without it.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.company.services import get_company
from app.core.db import use_case
from app.core.errors import NotFound
from app.extensions import db
from app.invoicing.delivery import DocumentFile
from app.invoicing.operations import load_invoice
from app.invoicing.pdf import DOC_TITLES, pdf_filename, render_invoice_html
from app.invoicing.pdf_pages import html_to_pdf


@dataclass(frozen=True)
class PdfFile:
    filename: str
    content: bytes
    sha256: str
    stored: bool  # False for a draft preview


def _stored(invoice_id: int | None = None, payment_id: int | None = None) -> DocumentFile | None:
    column = DocumentFile.invoice_id if invoice_id is not None else DocumentFile.payment_id
    key = invoice_id if invoice_id is not None else payment_id
    return db.session.scalar(select(DocumentFile).where(column == key))


def _as_file(row: DocumentFile) -> PdfFile:
    return PdfFile(row.filename, row.content, row.sha256, stored=True)


@use_case
def stored_file(invoice_id: int | None = None, payment_id: int | None = None) -> PdfFile | None:
    """The stored PDF, read in a transaction of its own that ends at once: callers go on
    to slow work (rendering, SMTP) and must not hold SQLite's write lock meanwhile."""
    row = _stored(invoice_id, payment_id)
    return _as_file(row) if row is not None else None


@use_case
def _store(
    invoice_id: int | None, filename: str, content: bytes, payment_id: int | None = None
) -> PdfFile:
    row = DocumentFile(
        invoice_id=invoice_id,
        payment_id=payment_id,
        filename=filename,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    db.session.add(row)
    db.session.flush()
    return _as_file(row)  # plain values: reading the row after commit would reopen a transaction


@use_case
def _document_html(invoice_id: int, *, posted_only: bool) -> tuple[str, str, bool]:
    """Read and lay out the document in one short transaction; the slow PDF conversion
    then runs with no transaction open (on SQLite an open one holds the write lock)."""
    invoice = load_invoice(invoice_id)
    posted = invoice.state == "posted"
    if posted_only and not posted:
        raise NotFound("Only posted documents have a stored PDF.")
    number = invoice.number if posted else f"draft-{invoice.id}"
    filename = pdf_filename(DOC_TITLES[invoice.doc_type], number or "")
    return render_invoice_html(invoice, get_company()), filename, posted


def ensure_document_pdf(invoice_id: int) -> PdfFile:
    """The stored PDF of a posted document, rendering and storing it first if missing.

    When two callers race, the unique invoice_id keeps the first; the second reads it back.
    """
    existing = stored_file(invoice_id)
    if existing is not None:
        return existing
    html, filename, _ = _document_html(invoice_id, posted_only=True)
    content = html_to_pdf(html)
    try:
        return _store(invoice_id, filename, content)
    except IntegrityError:
        row = stored_file(invoice_id)
        if row is None:
            raise
        return row


def document_pdf(invoice_id: int) -> PdfFile:
    """For downloads: the stored PDF of a posted document, or a DRAFT preview of a draft."""
    existing = stored_file(invoice_id) if isinstance(invoice_id, int) else None
    if existing is not None:
        return existing
    html, filename, posted = _document_html(invoice_id, posted_only=False)
    if posted:
        return ensure_document_pdf(invoice_id)
    content = html_to_pdf(html)
    return PdfFile(filename, content, hashlib.sha256(content).hexdigest(), stored=False)


def ensure_stored_pdf(payment_id: int, render: Callable[[], tuple[str, bytes]]) -> PdfFile:
    """The stored PDF of a numbered receipt; `render` (filename, bytes) runs only if missing.
    Accounting owns payments, so it supplies the rendering."""
    existing = stored_file(payment_id=payment_id)
    if existing is not None:
        return existing
    filename, content = render()
    try:
        return _store(None, filename, content, payment_id=payment_id)
    except IntegrityError:
        row = stored_file(payment_id=payment_id)
        if row is None:
            raise
        return row


def zip_documents(invoice_ids: list[int]) -> bytes:
    """One PDF per selected document in a zip (stored PDFs; drafts as DRAFT previews)."""
    buffer = io.BytesIO()
    names: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for invoice_id in dict.fromkeys(invoice_ids):
            pdf = document_pdf(invoice_id)
            name = pdf.filename
            if name in names:
                name = f"{invoice_id}-{name}"
            names.add(name)
            archive.writestr(name, pdf.content)
    return buffer.getvalue()
