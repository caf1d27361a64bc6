"""Gapless document numbers: one counter row per (series, fiscal year), drawn at posting.

The counter is taken with a single `UPDATE ... RETURNING` inside the posting transaction, as
late as possible, so a rollback un-draws the number and concurrent posters queue on one row
for microseconds. Never a database SEQUENCE: its values survive a rollback and leave gaps.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    Table,
    TextClause,
    UniqueConstraint,
    bindparam,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

SERIES_CODES = ("invoice", "credit_note", "proforma", "receipt")
DEFAULT_PREFIXES = {
    "invoice": "INV-{year}-",
    "credit_note": "CN-{year}-",
    "proforma": "PF-{year}-",
    "receipt": "RC-{year}-",
}


class NumberSeries(db.Model):
    """How a series' numbers look: prefix template (with {year}), start number, padding."""

    __tablename__ = "number_series"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    prefix_template: Mapped[str] = mapped_column(String(40))
    start_number: Mapped[int] = mapped_column(Integer, default=1)
    padding: Mapped[int] = mapped_column(Integer, default=3)


class NumberCounter(db.Model):
    """The last number drawn in a (series, fiscal year); the only serialized row in posting."""

    __tablename__ = "number_counters"
    __table_args__ = (UniqueConstraint("series", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer)


_counters, _formats = NumberCounter.__table__, NumberSeries.__table__
# Built once: the counter UPDATE with the series' format in its RETURNING.
_DRAW = (
    update(_counters)
    .where(_counters.c.series == bindparam("draw_code"), _counters.c.year == bindparam("draw_year"))
    .values(last_number=_counters.c.last_number + 1)
    .returning(
        _counters.c.last_number,
        select(_formats.c.prefix_template)
        .where(_formats.c.code == bindparam("draw_code"))
        .scalar_subquery(),
        select(_formats.c.padding)
        .where(_formats.c.code == bindparam("draw_code"))
        .scalar_subquery(),
    )
)


def get_series(code: str) -> NumberSeries:
    series = db.session.get(NumberSeries, code)
    if series is None:
        series = NumberSeries(
            code=code, prefix_template=DEFAULT_PREFIXES[code], start_number=1, padding=3
        )
        db.session.add(series)
        db.session.flush()
    return series


def format_number(series: NumberSeries, year: int, sequence: int) -> str:
    return _formatted(series.prefix_template, series.padding, year, sequence)


def _formatted(prefix_template: str, padding: int, year: int, sequence: int) -> str:
    """The prefix with {year} filled in, then the sequence zero-padded to `padding` digits
    (never cut). `_draw_and_write_statement` does the same in SQL."""
    prefix = prefix_template.replace("{year}", str(year))
    return f"{prefix}{sequence:0{padding}d}"


def _ensure_counter(code: str, year: int) -> None:
    start_number = get_series(code).start_number
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = (
        module.insert(NumberCounter)
        .values(series=code, year=year, last_number=start_number - 1)
        .on_conflict_do_nothing(index_elements=["series", "year"])
    )
    db.session.execute(stmt)


def draw_number(code: str, year: int) -> tuple[int, str]:
    """Take the next number of (series, year). Call last in the transaction, then commit.

    One statement: the counter `UPDATE ... RETURNING` also returns the series' format, read
    while the counter row is held, so no cached format can go stale.
    """
    stmt, params = _DRAW, {"draw_code": code, "draw_year": year}
    connection = db.session.connection()
    row = connection.execute(stmt, params).first()
    if row is None:  # first number of this (series, year)
        _ensure_counter(code, year)
        row = connection.execute(stmt, params).one()
    sequence, prefix_template, padding = row
    if prefix_template is None:  # the series was never set up: it gets the default format
        return sequence, format_number(get_series(code), year, sequence)
    return sequence, _formatted(str(prefix_template), int(padding), year, sequence)


def peek_next_number(code: str, year: int) -> str:
    """The number the next posting would get, for confirmations; draws nothing."""
    series = get_series(code)
    last = db.session.scalar(
        select(NumberCounter.last_number).where(
            NumberCounter.series == code, NumberCounter.year == year
        )
    )
    return format_number(series, year, (last if last is not None else series.start_number - 1) + 1)


@dataclass(frozen=True)
class NumberedSeal:
    """A document's seal with its number still open: sha256 (hex) of `before`, the number
    as a JSON string, then `after`. The document is serialised before the number is drawn,
    so only the number is left to add while the counter row is held."""

    before: str
    after: str

    def of(self, number: str) -> str:
        return hashlib.sha256((self.before + json.dumps(number) + self.after).encode()).hexdigest()


def draw_and_write(
    code: str,
    year: int,
    table: Table,
    row_id: int,
    values: Mapping[str, Any],
    seal: NumberedSeal,
) -> tuple[int, str]:
    """Draw the next number of (code, year) and write it, its seal and `values` into row
    `row_id` of `table` (a numbered, sealed document: `sequence`, `number`, `seal`).

    The counter row is held from the draw until the commit, and every poster of the series
    queues on it. On PostgreSQL the draw, the number's format, the seal and the write are one
    statement, so nothing runs in Python while the row is held. Elsewhere (and for a series
    whose prefix JSON would escape, or one never set up) the number is drawn, then written.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        sequence, number = draw_number(code, year)
    else:
        params = {
            **values,
            "draw_code": code,
            "draw_year": year,
            "draw_year_text": str(year),
            "plain": _PLAIN_PREFIX,
            "seal_before": seal.before,
            "seal_after": seal.after,
            "row_id": row_id,
        }
        statement = _draw_and_write_statement(table, tuple(values))
        row = connection.execute(statement, params).first()
        if row is None:  # first number of this (series, year): nothing was drawn
            _ensure_counter(code, year)
            row = connection.execute(statement, params).one()
        sequence, written = row
        if written is not None:
            return sequence, written
        number = format_number(get_series(code), year, sequence)
    connection.execute(
        _write_statement(table),
        {
            **values,
            "sequence": sequence,
            "number": number,
            "seal": seal.of(number),
            "row_id": row_id,
        },
    )
    return sequence, number


# A prefix whose characters JSON writes as they are (printable ASCII but the quote and the
# backslash): for it, '"' || number || '"' in SQL is exactly Python's json.dumps(number).
_PLAIN_PREFIX = r"^[\x20\x21\x23-\x5b\x5d-\x7e]*$"


@functools.cache
def _draw_and_write_statement(table: Table, columns: tuple[str, ...]) -> TextClause:
    """PostgreSQL: draw, format, seal and write in one statement (built once per table and
    column set). It returns the drawn sequence, and the number when it wrote the row."""
    assignments = ", ".join(f"{column} = :{column}" for column in columns)
    sql = f"""
        WITH drawn AS (
            UPDATE number_counters SET last_number = last_number + 1
            WHERE series = :draw_code AND year = :draw_year
            RETURNING last_number
        ), numbered AS (
            SELECT drawn.last_number AS sequence,
                   replace(format.prefix_template, '{{year}}', :draw_year_text)
                   || lpad(drawn.last_number::text,
                           greatest(format.padding, length(drawn.last_number::text)), '0')
                   AS number
            FROM drawn JOIN number_series AS format ON format.code = :draw_code
            WHERE format.prefix_template ~ :plain
        ), written AS (
            UPDATE {table.name} SET
                sequence = numbered.sequence,
                number = numbered.number,
                seal = encode(sha256(convert_to(
                    :seal_before || '"' || numbered.number || '"' || :seal_after, 'UTF8'
                )), 'hex'),
                {assignments}
            FROM numbered WHERE {table.name}.id = :row_id
            RETURNING {table.name}.number
        )
        SELECT drawn.last_number, written.number FROM drawn LEFT JOIN written ON true
    """
    return text(sql).bindparams(*(bindparam(c, type_=table.c[c].type) for c in columns))


@functools.cache
def _write_statement(table: Table) -> Any:
    """UPDATE `table` ... WHERE id = :row_id; the SET clause comes from the parameters."""
    return update(table).where(table.c.id == bindparam("row_id"))
