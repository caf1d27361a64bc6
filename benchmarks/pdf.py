"""PDF rendering benchmark: Fieldpost's invoice layout against a bare xhtml2pdf table.

Renders a 10-line and a 200-line invoice (median wall time, peak traced memory) and, in the
same run, xhtml2pdf rendering a bare HTML table of the same lines: the floor no layout can
beat. The company letterhead is rendered during the warm-up and cached, as in production
(once per company and process). Target: within 1.5x the floor. Writes the "## PDF" section
of docs/benchmarks.md and a PNG of page 1 of a demo invoice to docs/images/invoice-pdf.png.

Run: .venv/bin/python -m benchmarks.pdf
"""

from __future__ import annotations

import html
import io
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path

from flask_migrate import upgrade
from PIL import Image, ImageDraw
from pypdf import PdfReader
from xhtml2pdf import pisa

from app import create_app
from app.accounting.chart import seed_chart
from app.accounting.services import post_invoice
from app.auth.models import User
from app.company.models import Company
from app.core.numbering import SERIES_CODES, get_series
from app.customers.models import Customer
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.pdf import render_invoice_pdf
from app.invoicing.services import create_draft

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "docs" / "benchmarks.md"
IMAGE = ROOT / "docs" / "images" / "invoice-pdf.png"
TARGET = 1.5
RUNS = {10: 21, 200: 7}
ITEMS = [
    ("Labour, service technician", "h", "65.00", "13.5", "labour"),
    ("Circulation pump A2 (Grundfos UPS 25-60)", "pcs", "189.00", "23", "parts"),
    ("Thermostatic radiator valve 15 mm", "pcs", "18.40", "23", "parts"),
    ("Copper pipe 15 mm", "m", "7.95", "23", "parts"),
    ("Call-out fee, Dublin area", "pcs", "45.00", "13.5", "other"),
    ("Magnetic system filter G4", "pcs", "96.50", "23", "parts"),
    ("Annual boiler service", "pcs", "149.00", "13.5", "other"),
    ("Pressure relief valve 3 bar", "pcs", "24.90", "23", "parts"),
]


def make_logo(folder: Path) -> str:
    """A simple brand mark generated here, so no binary asset lives in the repository."""
    image = Image.new("RGBA", (560, 140), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 10, 120, 130), radius=24, fill=(31, 78, 121, 255))
    draw.polygon([(30, 95), (60, 35), (90, 95)], fill=(255, 255, 255, 255))
    draw.text((140, 30), "Fieldpost", fill=(31, 78, 121, 255), font_size=64)
    draw.text((142, 100), "DEMO SERVICES", fill=(95, 102, 112, 255), font_size=26)
    image.save(folder / "logo.png")
    return "logo.png"


def lines(count: int) -> list[dict[str, object]]:
    out = []
    for i in range(count):
        description, unit, price, vat, kind = ITEMS[i % len(ITEMS)]
        quantity = "2.5" if kind == "labour" else str(1 + i % 4)
        out.append(
            dict(
                description=description,
                quantity=quantity,
                unit=unit,
                unit_price=price,
                vat_rate=vat,
                kind=kind,
                discount_percent="10" if i % 5 == 3 else "0",
            )
        )
    return out


def setup(folder: Path):  # type: ignore[no-untyped-def]
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}",
            "UPLOAD_DIR": str(folder),
            "SECRET_KEY": "benchmark",
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        db.session.add(
            Company(
                name="Fieldpost Demo Services Ltd",
                street="4 Grand Canal Quay",
                city="Dublin",
                postal_code="D02 FX65",
                country="IE",
                email="billing@fieldpost.test",
                phone="+353 1 555 0100",
                vat_id="IE6388047V",
                registration_number="IE 654321",
                iban="IE29AIBK93115212345678",
                bic="AIBKIE2D",
                bank_name="AIB",
                terms_url="https://fieldpost.test/terms",
                invoice_footer="Registered in Ireland. Directors: A. Admin, B. Books.",
                logo_path=make_logo(folder),
                default_vat_rate=Decimal("23.00"),
            )
        )
        seed_chart()
        for code in SERIES_CODES:
            get_series(code)
        # Nobody signs in as the benchmark user: "!" is no valid argon2 hash.
        user = User(email="bench@fieldpost.test", role="bookkeeper", password_hash="!")  # noqa: S106
        customer = Customer(
            name="Brightside Hotels GmbH",
            email="ap@brightside.example",
            vat_id="DE136695976",
            street="Bahnhofstraße 4",
            city="Köln",
            postal_code="50667",
            country="DE",
            payment_terms_days=30,
        )
        db.session.add_all([user, customer])
        db.session.commit()
        ids = {}
        for count in (*RUNS, 8):
            draft = create_draft(
                user,
                customer_id=customer.id,
                lines=lines(count),
                reference=f"PO-{4400 + count}",
                notes="Work carried out at the Köln site on 10 and 11 June. Thank you!",
            )
            ids[count] = post_invoice(user, draft.id).id
    return app, ids


def bare_table(invoice: Invoice) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(line.description)}</td><td>{line.quantity}</td>"
        f"<td>{line.unit}</td><td>{line.unit_price}</td><td>{line.discount_percent}</td>"
        f"<td>{line.vat_rate}</td><td>{line.net}</td></tr>"
        for line in invoice.lines
    )
    widths = "".join(f'<col style="width: {w}cm">' for w in (7.4, 1.6, 1.2, 2.2, 1.3, 1.4, 2.7))
    return f"<html><body><table>{widths}{rows}</table></body></html>"


def bare_pdf(source: str) -> bytes:
    out = io.BytesIO()
    pisa.CreatePDF(source, dest=out)
    return out.getvalue()


def peak_mib(fn: Callable[[], bytes]) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def measure_pair(
    ours: Callable[[], bytes], floor: Callable[[], bytes], runs: int
) -> tuple[float, float]:
    """Median times, the two renders alternating so both see the same machine load."""
    ours(), floor()  # warm-up: imports, font metrics, template compilation
    ours_times, floor_times = [], []
    for _ in range(runs):
        for fn, times in ((ours, ours_times), (floor, floor_times)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(ours_times), statistics.median(floor_times)


def write_png(app, invoice_id: int, folder: Path) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        invoice = db.session.get(Invoice, invoice_id)
        company = db.session.query(Company).one()
        pdf = folder / "demo.pdf"
        pdf.write_bytes(render_invoice_pdf(invoice, company))
    if shutil.which("pdftoppm") is None:
        print("pdftoppm (poppler-utils) not found: the PNG of page 1 is left as it was")
        return
    IMAGE.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(IMAGE.with_suffix("")),
        ],
        check=True,
    )


def report(results: list[tuple[int, float, float, int, float, float]]) -> str:
    reached = all(ours / floor <= TARGET for _, ours, floor, *_ in results)
    rows = [
        "## PDF",
        "",
        "Rendering a posted invoice to A4 PDF (`app.invoicing.pdf.render_invoice_pdf`: template,",
        "body laid out by xhtml2pdf, the cached company letterhead laid under every page, running",
        'head and "Page N of M" stamped, VAT breakdown, payment block) against the floor:',
        "xhtml2pdf rendering a bare HTML table of the same lines, with the same column widths,",
        "in the same run. Median wall time, the two renders alternating; peak memory traced by",
        "`tracemalloc` for one render. Target: within 1.5x the floor. Posted PDFs are rendered",
        "once and stored, so this cost is paid once per document, never per download.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end of the run (other work shares the machine, so the",
        "ratio is the number to read, not the milliseconds), Python "
        f"{platform.python_version()}. Run: `.venv/bin/python -m benchmarks.pdf`.",
        "",
        "| lines | Fieldpost median | floor median | ratio | Fieldpost peak MiB | floor peak MiB "
        "| pages |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for count, ours, floor, pages, ours_mem, floor_mem in results:
        verdict = "" if ours / floor <= TARGET else " (over target)"
        rows.append(
            f"| {count} | {ours * 1000:.0f} ms | {floor * 1000:.0f} ms | "
            f"{ours / floor:.2f}x{verdict} | {ours_mem:.1f} | {floor_mem:.1f} | {pages} |"
        )
    rows += [
        "",
        f"Target {'reached' if reached else 'not reached'} in this run. Before this layout the",
        "10-line invoice measured 2.9x to 3.0x and the 200-line one 1.3x (header and footer as",
        "xhtml2pdf static frames, nested tables, xhtml2pdf's default stylesheet).",
        "",
        "Where the time went and what was done, each step measured with cProfile over the",
        "10-line render:",
        "",
        "- The company's logo, details and footer are the same on every page of every document:",
        "  `letterhead.html` is rendered by xhtml2pdf once per company and laid under each page",
        "  as a form XObject (no logo decoding, no static frames copied per page). Its key hashes",
        "  the rendered letterhead and the logo file's version, so a settings change or a new",
        "  logo renders a new one.",
        '- The running head and "Page N of M" are stamped after one layout pass as small',
        "  content streams (pypdf, no content stream parsed); `<pdf:pagecount>` lays the whole",
        "  document out twice.",
        "- xhtml2pdf parses its default stylesheet (some fifty rules) for every document and",
        "  matches every element against it: the documents pass a base stylesheet of six rules.",
        "- The body is flat (no nested tables, quantity and unit in one cell, label and value",
        "  cells broken with `white-space: pre-line` instead of `<br>` elements) and line cells",
        "  carry no per-cell attribute but the description's: html5lib and xhtml2pdf both pay",
        "  per element and per attribute.",
        "- Babel: the locale is parsed once per document, number patterns once per process.",
        "",
        "What remains of a short invoice above the floor is content the floor does not draw:",
        "the header row of the lines table, the title and dates, the customer block, the totals",
        "and the payment block (each a few milliseconds in xhtml2pdf), plus about 1.5 ms for",
        "the letterhead and stamps and 1 ms for the template. Five runs in a row when this",
        "layout was committed (2 shared cores, load average 3.6 to 8) gave 1.44x to 1.48x for",
        "10 lines and 0.90x to 1.21x for 200 lines; with the terms link added to the letterhead,",
        "four runs on a quiet machine gave 1.48x to 1.52x for 10 lines. The short invoice sits",
        "at the target, not below it with room to spare: about 94% of its time is xhtml2pdf's",
        "own layout, and a single run can land either side of 1.5x.",
        "",
        "Page 1 of the demo invoice: `docs/images/invoice-pdf.png`.",
        "",
    ]
    return "\n".join(rows)


def save_section(section: str) -> None:
    text = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n\n"
    start = text.find("## PDF")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + ("\n" + text[end + 1 :] if end != -1 else "")
    REPORT.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        app, ids = setup(folder)
        results = []
        with app.app_context():
            company = db.session.query(Company).one()
            for count, runs in RUNS.items():
                invoice = db.session.get(Invoice, ids[count])
                source = bare_table(invoice)
                render = partial(render_invoice_pdf, invoice, company)
                bare = partial(bare_pdf, source)
                ours, floor = measure_pair(render, bare, runs)
                ours_mem, floor_mem = peak_mib(render), peak_mib(bare)
                pages = len(PdfReader(io.BytesIO(render())).pages)
                results.append((count, ours, floor, pages, ours_mem, floor_mem))
                print(
                    f"{count:>4} lines: {ours * 1000:.0f} ms vs floor {floor * 1000:.0f} ms "
                    f"= {ours / floor:.2f}x; {pages} page(s); peak {ours_mem:.1f} MiB "
                    f"vs {floor_mem:.1f} MiB"
                )
        write_png(app, ids[8], folder)
        with app.app_context():
            db.engine.dispose()
    save_section(report(results))
    print(f"Wrote {REPORT.relative_to(ROOT)} and {IMAGE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
