"""Posting throughput on PostgreSQL against a raw-SQL floor measured in the same run.

The floor does, per invoice, what posting must do at minimum: insert the entry and its lines,
take the counter row with UPDATE ... RETURNING, mark the invoice posted, commit. Posting goes
through `post_invoice` (validation, totals check, seals, ORM). Both run with 1 and with 8
concurrent processes on fresh databases holding the same three-line drafts; afterwards the
numbers must be exactly 1..N. Results go to docs/benchmarks.md under "## Posting".
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("FIELDPOST_TEST_DB", "postgresql")

import psycopg
from sqlalchemy import event, func, select

from app.accounting.ledger import account_ids_by_role
from app.accounting.services import post_invoice
from app.customers.services import create_customer
from app.extensions import db
from app.invoicing.models import Invoice
from app.invoicing.services import create_draft
from tests.accounting.helpers import CUSTOMER, THREE_LINES, clone_drafts
from tests.conftest import PG_ADMIN_URL, Database, make_app, migrate_and_seed

N = int(os.environ.get("FIELDPOST_BENCH_N", "2000"))
POSTERS = tuple(int(n) for n in os.environ.get("FIELDPOST_BENCH_POSTERS", "1,8").split(","))
ROUNDS = int(os.environ.get("FIELDPOST_BENCH_ROUNDS", "2"))
DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def _prepare(count: int) -> tuple[Database, list[int]]:
    database = Database(Path(tempfile.gettempdir()))
    app = make_app(database.url)
    migrate_and_seed(app)
    with app.app_context():
        customer = create_customer(None, **CUSTOMER).id
        template = create_draft(None, customer_id=customer, lines=THREE_LINES).id
        ids = [template, *clone_drafts(template, count - 1)]
        db.session.remove()
        db.engine.dispose()
    return database, ids


TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process on this machine (its /proc stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _post_worker(url: str, ids: list[int], barrier: Any, out: Any) -> None:
    app = make_app(url)
    with app.app_context():
        statements = [0]

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_: Any) -> None:
            statements[0] += 1

        # Connect before the clock starts; one pooled connection serves every posting.
        backend = db.session.scalar(select(func.pg_backend_pid()))
        db.session.rollback()
        barrier.wait()
        start, cpu, backend_cpu = time.time(), time.process_time(), _process_cpu(backend)
        for invoice_id in ids:
            post_invoice(None, invoice_id)
        end, cpu, backend_cpu = (
            time.time(),
            time.process_time() - cpu,
            _process_cpu(backend) - backend_cpu,
        )
        db.session.remove()
        db.engine.dispose()
    out.put((start, end, statements[0], cpu, backend_cpu))


def _floor_worker(url: str, ids: list[int], barrier: Any, out: Any) -> None:
    """The same rows through raw SQL: entry, 6 lines, counter, invoice update, commit."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        roles = dict(conn.execute("SELECT role, id FROM accounts WHERE role IS NOT NULL"))
        backend = conn.info.backend_pid
        lines = [
            ("receivable", 44340, 0),
            ("revenue_labour", 0, 13000),
            ("revenue_parts", 0, 24000),
            ("revenue_other", 0, 4500),
            ("vat_output", 0, 1755),
            ("vat_output", 0, 6555),
        ]
        conn.commit()
        barrier.wait()
        start, cpu, backend_cpu = time.time(), time.process_time(), _process_cpu(backend)
        for invoice_id in ids:
            with conn.cursor() as cur:
                entry_id = cur.execute(
                    "INSERT INTO journal_entries (journal, date, description, invoice_id, "
                    "created_at, seal) VALUES ('sales', %s, 'Invoice', %s, now(), %s) "
                    "RETURNING id",
                    (date(2026, 6, 14), invoice_id, "0" * 64),
                ).fetchone()[0]
                cur.executemany(
                    "INSERT INTO journal_lines (entry_id, account_id, date, debit, credit, "
                    "label, customer_id, invoice_id) VALUES (%s, %s, %s, %s, %s, '', NULL, %s)",
                    [
                        (entry_id, roles[role], date(2026, 6, 14), debit, credit, invoice_id)
                        for role, debit, credit in lines
                    ],
                )
                sequence = cur.execute(
                    "UPDATE number_counters SET last_number = last_number + 1 "
                    "WHERE series = 'invoice' AND year = 2026 RETURNING last_number"
                ).fetchone()[0]
                cur.execute(
                    "UPDATE invoices SET series = 'invoice', fiscal_year = 2026, sequence = %s, "
                    "number = %s, state = 'posted', journal_entry_id = %s, posted_at = now(), "
                    "seal = %s WHERE id = %s",
                    (sequence, f"INV-2026-{sequence:03d}", entry_id, "0" * 64, invoice_id),
                )
            conn.commit()
        end, cpu, backend_cpu = (
            time.time(),
            time.process_time() - cpu,
            _process_cpu(backend) - backend_cpu,
        )
    out.put((start, end, 0, cpu, backend_cpu))


def _run(target: Any, posters: int, floor: bool) -> dict[str, float]:
    database, ids = _prepare(N)
    try:
        if floor:
            with psycopg.connect(
                database.url.replace("postgresql+psycopg://", "postgresql://")
            ) as conn:
                conn.execute(
                    "INSERT INTO number_counters (series, year, last_number) "
                    "VALUES ('invoice', 2026, 0)"
                )
        context = multiprocessing.get_context("spawn")
        barrier, out = context.Barrier(posters), context.Queue()
        processes = [
            context.Process(target=target, args=(database.url, ids[p::posters], barrier, out))
            for p in range(posters)
        ]
        for process in processes:
            process.start()
        results = [out.get(timeout=1800) for _ in processes]
        for process in processes:
            process.join()
        elapsed = max(r[1] for r in results) - min(r[0] for r in results)
        statements = sum(r[2] for r in results) / N
        python_ms = sum(r[3] for r in results) / N * 1000
        database_ms = sum(r[4] for r in results) / N * 1000
        app = make_app(database.url)
        with app.app_context():
            numbers = sorted(
                db.session.scalars(select(Invoice.sequence).where(Invoice.state == "posted"))
            )
            assert numbers == list(range(1, N + 1)), "numbers are not exactly 1..N"
            assert db.session.scalar(select(func.count()).select_from(Invoice)) == N
            account_ids_by_role({"receivable"})
            db.session.remove()
            db.engine.dispose()
        return {
            "rate": N / elapsed,
            "seconds": elapsed,
            "statements": statements,
            "python_ms": python_ms,
            "database_ms": database_ms,
        }
    finally:
        database.drop()


def _machine() -> str:
    with psycopg.connect(PG_ADMIN_URL) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    cpu = "unknown CPU"
    try:
        text = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", text).group(1).strip()  # type: ignore[union-attr]
    except (OSError, AttributeError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores ({cpu}), PostgreSQL {version}, Python "
        f"{platform.python_version()}, load average {load:.1f} at the start"
    )


def _write(section: str) -> None:
    text = DOCS.read_text() if DOCS.exists() else "# Fieldpost benchmarks\n"
    pattern = re.compile(r"## Posting\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(text):
        text = pattern.sub(section.rstrip("\n"), text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text.rstrip("\n") + "\n")


def main() -> int:
    machine = _machine()
    rows = []
    for posters in POSTERS:
        # Floor and posting alternate, and each keeps its best round: on a shared machine a
        # burst of other work then costs a round, not the comparison.
        floors, postings = [], []
        for round_ in range(1, ROUNDS + 1):
            print(f"{posters} poster(s), round {round_} of {ROUNDS} ...", flush=True)
            floors.append(_run(_floor_worker, posters, floor=True))
            postings.append(_run(_post_worker, posters, floor=False))
            print(
                f"  floor {floors[-1]['rate']:.0f}/s, post_invoice {postings[-1]['rate']:.0f}/s",
                flush=True,
            )
        floor = max(floors, key=lambda r: r["rate"])
        posting = max(postings, key=lambda r: r["rate"])
        rows.append((posters, posting, floor))
        print(
            f"{posters} poster(s): post_invoice {posting['rate']:.0f}/s, "
            f"floor {floor['rate']:.0f}/s, ratio {posting['rate'] / floor['rate']:.0%}, "
            f"{posting['statements']:.1f} statements per posting; CPU ms per posting: "
            f"Python {posting['python_ms']:.2f} (floor {floor['python_ms']:.2f}), "
            f"PostgreSQL {posting['database_ms']:.2f} (floor {floor['database_ms']:.2f})",
            flush=True,
        )
    lines = [
        "## Posting",
        "",
        f"`python -m benchmarks.posting` on {time.strftime('%Y-%m-%d')}: {machine}.",
        f"N = {N} three-line invoices (two VAT rates, three revenue kinds: 6 journal lines",
        "each) per run, one fresh database per run. *Floor* = raw SQL doing the same writes",
        "(entry, 6 lines, counter `UPDATE ... RETURNING`, invoice update, commit). Floor and",
        f"posting alternate for {ROUNDS} rounds; each keeps its best. Numbers were exactly",
        "1..N after every run. CPU per posting: the posting processes' own CPU time and that",
        "of their PostgreSQL backends, over the timed part.",
        "",
        "| posters | post_invoice (inv/s) | floor (inv/s) | ratio | statements per posting "
        "| Python CPU ms (floor) | PostgreSQL CPU ms (floor) |",
        "|---|---|---|---|---|---|---|",
    ]
    for posters, posting, floor in rows:
        lines.append(
            f"| {posters} | {posting['rate']:.0f} | {floor['rate']:.0f} | "
            f"{posting['rate'] / floor['rate']:.0%} | {posting['statements']:.1f} | "
            f"{posting['python_ms']:.2f} ({floor['python_ms']:.2f}) | "
            f"{posting['database_ms']:.2f} ({floor['database_ms']:.2f}) |"
        )
    ratio = rows[-1][1]["rate"] / rows[-1][2]["rate"]
    verdict = "met" if ratio >= 0.5 else "NOT met"
    lines += [
        "",
        f"Target: >= 50% of the floor at 8 posters: {verdict} ({ratio:.0%}).",
        "",
        "With 8 posters both sides queue on the series' counter row, held from the counter",
        "update until the commit has reached the disk, so throughput is set by how long the",
        "row is held. On 2 cores shared by 8 posters and their backends, anything the holder",
        "still has to compute waits for a CPU while every other poster waits for the row.",
        "Posting therefore prepares everything before the counter (the entry, the frozen",
        "values, the document's seal serialised with the number left open) and then, on",
        "PostgreSQL, draws the number, formats it, hashes the seal and freezes the document",
        "in one statement (`app.core.numbering.draw_and_write`): the row is held for that",
        "statement and the commit, one statement less than the floor. Before this, the draw",
        "and the freeze were two statements with the seal hashed in Python between them, and",
        "8 posters reached 41-48% of the floor.",
        "",
        "The statements per posting: the draft with its customer and lines (its row locked),",
        "the company's VAT registration and lock date (FOR SHARE) with the accounts by role,",
        "the entry `INSERT ... RETURNING id`, its lines in one executemany, the service-order",
        "listener asking whether any order is billed by the document, and the draw-and-freeze;",
        "then the commit. Pooled connections are not pinged while in steady use (only after a",
        "second idle), so no round trip is spent before the first statement.",
        "",
        "One poster shows what posting costs per invoice over raw SQL: the checks, the totals",
        "recomputed, the seals, and SQLAlchemy's work per statement (the Python CPU column);",
        "there the counter row is never waited for, so the ratio is set by that CPU.",
        "",
    ]
    _write("\n".join(lines))
    print(f"written to {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
