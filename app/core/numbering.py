"""Gapless document numbers: one counter row per (series, fiscal year), drawn at posting.

The counter is taken with a single `UPDATE ... RETURNING` inside the posting transaction, as
late as possible, so a rollback un-draws the number and concurrent posters queue on one row
for microseconds. Never a database SEQUENCE: its values survive a rollback and leave gaps.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, UniqueConstraint, bindparam, select, update
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
    prefix = series.prefix_template.replace("{year}", str(year))
    return f"{prefix}{sequence:0{series.padding}d}"


def _ensure_counter(code: str, year: int, start_number: int) -> None:
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
        _ensure_counter(code, year, get_series(code).start_number)
        row = connection.execute(stmt, params).one()
    sequence, prefix_template, padding = row
    if prefix_template is None:  # the series was never set up: it gets the default format
        series = get_series(code)
        prefix_template, padding = series.prefix_template, series.padding
    prefix = str(prefix_template).replace("{year}", str(year))
    return sequence, f"{prefix}{sequence:0{padding}d}"


def peek_next_number(code: str, year: int) -> str:
    """The number the next posting would get, for confirmations; draws nothing."""
    series = get_series(code)
    last = db.session.scalar(
        select(NumberCounter.last_number).where(
            NumberCounter.series == code, NumberCounter.year == year
        )
    )
    return format_number(series, year, (last if last is not None else series.start_number - 1) + 1)
