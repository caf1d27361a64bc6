"""From a document's HTML to finished A4 pages: xhtml2pdf lays out the body, then the
company's letterhead (rendered once per settings and logo, and kept) is laid under every
page, and the running head, "Page N of M" and any DRAFT mark are stamped on.

Pure rendering: no database access. The document templates and their contexts are in pdf.py.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any, cast

from flask import current_app, render_template
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

# Stamped on every page (finish_pages) into slots the letterhead leaves free: the title,
# number and "Page N of M" right of the footer, the DRAFT mark at the top centre.
RIGHT_EDGE = (1.6 + 17.8) * cm
FOOTER_Y = A4[1] - 27.6 * cm - 7
DRAFT_MARK_Y = A4[1] - 1.5 * cm
DRAFT_MARK = "DRAFT - not valid for payment"
TEXT_RGB, MUTED_RGB, DRAFT_RGB = "0.133 0.133 0.133", "0.373 0.4 0.439", "0.69 0 0.125"
_FONTS = {"FpH": "Helvetica", "FpHB": "Helvetica-Bold"}


# The user-agent stylesheet for our documents, in place of xhtml2pdf's default one: that
# one has some fifty rules (headings, lists, forms, tables of contents) which xhtml2pdf
# parses again for every document and matches against every element. Our templates use
# a handful of tags, so this keeps only what they rely on; their own <style> does the rest.
DOCUMENT_BASE_CSS = """
html { font-family: Helvetica; font-size: 10px; font-weight: normal; color: #000000;
       margin: 0; padding: 0; line-height: 150%; border: 1px none; display: inline;
       width: auto; height: auto; white-space: normal; }
b { font-weight: bold; }
p { margin: 1em 0; }
body, div, p, table, tr, th, td { display: block; }
tr, th, td { vertical-align: middle; width: auto; }
th { font-weight: bold; }
"""


class PdfRenderingFailed(RuntimeError):
    """xhtml2pdf reported errors: a template bug, never a user's doing."""


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


class _BoundedCache:
    """A few entries, least recently used out first, safe across threads: one company's
    letterhead is what it holds in practice, plus the previous one for a while after a
    settings change."""

    def __init__(self, size: int) -> None:
        self._entries: OrderedDict[str, Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)  # recently used: the last to go
            return self._entries[key]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


_LETTERHEAD_SOURCES = _BoundedCache(8)  # key -> letterhead HTML
_LETTERHEADS = _BoundedCache(8)  # key -> the Letterhead rendered from it


def _file_version(path: str) -> str:
    """What tells a replaced logo from the old one at the same path."""
    if not path:
        return ""
    try:
        stat = Path(path).stat()
    except OSError:  # removed since link_callback found it: xhtml2pdf will leave it out
        return f"{path}:missing"
    return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"


def prepare_letterhead(company: dict[str, Any]) -> str:
    """The key of this company's letterhead, its HTML registered for rendering.

    The key hashes the letterhead's HTML and the logo file's version, so any settings
    change (name, address, brand colour, footer...) or a new logo gives a new key and a
    fresh render: a stale letterhead cannot be served.
    """
    html = render_template("invoicing/pdf/letterhead.html", company=company)
    version = _file_version(company["logo"])
    key = hashlib.sha256(f"{version}\n{html}".encode()).hexdigest()[:32]
    if _LETTERHEAD_SOURCES.get(key) is None:
        _LETTERHEAD_SOURCES.put(key, html)
    return key


@dataclass
class Letterhead:
    """A rendered letterhead, kept parsed: its page content decoded once, its resources
    (fonts, the logo image) copied from the same reader into each document."""

    content: bytes
    reader: PdfReader
    lock: threading.Lock
    # Web links on the letterhead (the terms link): where on the page, and the address.
    # A form draws no annotations, so each page gets its own copy of these.
    links: tuple[tuple[tuple[float, float, float, float], str], ...] = ()

    @classmethod
    def from_pdf(cls, pdf: bytes) -> Letterhead:
        reader = PdfReader(io.BytesIO(pdf))
        page = reader.pages[0]
        contents = page.get_contents()
        content = contents.get_data() if contents is not None else b""
        return cls(content, reader, threading.Lock(), _web_links(page))

    def as_form(self, writer: PdfWriter) -> IndirectObject:
        """The letterhead page as a form XObject in `writer`, for each page to draw first."""
        page = self.reader.pages[0]
        with self.lock:  # one reader, read from one position at a time
            resources = page["/Resources"].clone(writer)
        form = DecodedStreamObject()
        form.set_data(self.content)
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(v) for v in page.mediabox),
                NameObject("/Resources"): resources,
            }
        )
        return writer._add_object(form)


def _web_links(page: PageObject) -> tuple[tuple[tuple[float, float, float, float], str], ...]:
    links = []
    for ref in page.get("/Annots", ()):
        annotation = ref.get_object()
        action = annotation.get("/A")
        if annotation.get("/Subtype") == "/Link" and action and action.get("/URI"):
            x1, y1, x2, y2 = (float(v) for v in annotation["/Rect"])
            links.append(((x1, y1, x2, y2), str(action["/URI"])))
    return tuple(links)


def letterhead(key: str) -> Letterhead:
    """The letterhead rendered by xhtml2pdf on first use per key, then kept.

    Logo decoding, the header and footer frames and the company's lines cost more than
    a short invoice's own content; rendered once, every document only lays the page under
    its own.
    """
    cached = _LETTERHEADS.get(key)
    if cached is not None:
        return cast(Letterhead, cached)
    html = _LETTERHEAD_SOURCES.get(key)
    if html is None:
        raise PdfRenderingFailed(f"Letterhead {key} was not prepared for this process")
    rendered = Letterhead.from_pdf(_xhtml2pdf(html))
    _LETTERHEADS.put(key, rendered)
    return rendered


def _meta(html: str, name: str) -> str:
    match = re.search(rf'<meta name="{name}" content="([^"]*)">', html)
    return unescape(match.group(1)) if match else ""


def _pdf_text(text: str) -> bytes:
    """A PDF string literal in WinAnsiEncoding (what the standard 14 fonts use here)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + pdf_safe(escaped).encode("cp1252", "replace") + b")"


def _text(font: str, size: float, rgb: str, x: float, y: float, text: str, *, align: str) -> bytes:
    """One line of text, its right edge (align="right") or its centre (align="centre") at x."""
    width = stringWidth(pdf_safe(text), _FONTS[font], size)
    left = x - width if align == "right" else x - width / 2
    return (
        f"BT /{font} {size} Tf {rgb} rg {left:.2f} {y:.2f} Td ".encode()
        + _pdf_text(text)
        + b" Tj ET\n"
    )


def _page_stamp(running_head: str, draft: bool, number: int, total: int) -> bytes:
    """What one page gets over its content: the document's title and number and "Page N of
    M" at the bottom right beside the company footer, and on a draft a DRAFT mark at the
    top centre. Starts by closing the q that wraps the page's own content."""
    parts = [
        b"Q q\n",
        _text("FpHB", 8, TEXT_RGB, RIGHT_EDGE, FOOTER_Y, running_head, align="right"),
        _text(
            "FpH",
            7.5,
            MUTED_RGB,
            RIGHT_EDGE,
            FOOTER_Y - 10,
            f"Page {number} of {total}",
            align="right",
        ),
    ]
    if draft:
        parts.append(
            _text("FpHB", 11, DRAFT_RGB, A4[0] / 2, DRAFT_MARK_Y, DRAFT_MARK, align="centre")
        )
    parts.append(b"Q\n")
    return b"".join(parts)


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _font(writer: PdfWriter, base: str) -> IndirectObject:
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject(f"/{base}"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    return writer._add_object(font)


def _content_streams(page: DictionaryObject) -> list[Any]:
    """The page's content streams as references, whether /Contents holds one or an array."""
    contents = page.get("/Contents")
    if contents is None:
        return []
    if isinstance(contents.get_object(), ArrayObject):
        return list(contents.get_object())
    return [contents]


def _sub_dict(parent: DictionaryObject, name: str) -> DictionaryObject:
    if name not in parent:
        parent[NameObject(name)] = DictionaryObject()
    return cast(DictionaryObject, parent[name].get_object())


def finish_pages(
    content: bytes, under: Letterhead | None, running_head: str, *, draft: bool
) -> bytes:
    """Lay the letterhead under every page and stamp the running head and "Page N of M".

    xhtml2pdf's <pdf:pagecount> lays the whole document out twice (the count is unknown
    while page 1 is drawn), and its static header and footer frames are copied and laid
    out again on every page. Here each page gets three small content streams and shares
    one letterhead form: no content stream is parsed, the document is written once.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    total = len(writer.pages)
    form = under.as_form(writer) if under is not None else None
    fonts = {"/FpH": _font(writer, "Helvetica"), "/FpHB": _font(writer, "Helvetica-Bold")}
    opening = _stream(writer, b"q /FpLetterhead Do Q q\n" if form else b"q\n")
    for number, page in enumerate(writer.pages, start=1):
        resources = _sub_dict(page, "/Resources")
        page_fonts = _sub_dict(resources, "/Font")
        for name, ref in fonts.items():
            page_fonts[NameObject(name)] = ref
        if form is not None:
            _sub_dict(resources, "/XObject")[NameObject("/FpLetterhead")] = form
        stamp = _stream(writer, _page_stamp(running_head, draft, number, total))
        page[NameObject("/Contents")] = ArrayObject([opening, *_content_streams(page), stamp])
        for rect, url in under.links if under is not None else ():
            writer.add_annotation(number - 1, Link(rect=rect, url=url))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _xhtml2pdf(html: str) -> bytes:
    out = io.BytesIO()
    status = pisa.CreatePDF(
        pdf_safe(html),
        dest=out,
        default_css=DOCUMENT_BASE_CSS,
        link_callback=link_callback,
        encoding="utf-8",
        resource_policy=resource_policy(),
    )
    if status.err:
        raise PdfRenderingFailed(f"PDF rendering failed with {status.err} error(s)")
    return out.getvalue()


def html_to_pdf(html: str) -> bytes:
    """A document rendered by render_*_html to PDF: xhtml2pdf lays out the body in one
    pass, then the company's letterhead, running head and page numbers go on every page."""
    key = _meta(html, "fieldpost-letterhead")
    draft = _meta(html, "fieldpost-draft") == "yes"
    return finish_pages(
        _xhtml2pdf(html),
        letterhead(key) if key else None,
        _meta(html, "fieldpost-running-head"),
        draft=draft,
    )
