"""Database helpers: exact decimal storage, SQLite locking set-up, and the use-case transaction."""

from __future__ import annotations

import contextvars
import functools
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import BigInteger, DateTime, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as an integer count of 10^-scale units (cents for scale 2).

    SQLite has no decimal type and SQLAlchemy's Numeric goes through float there; integers
    are exact on both databases and sum exactly in SQL. A value that does not fit the scale
    is refused rather than rounded: rounding is a business decision made before storage.
    """

    impl = BigInteger
    cache_ok = True

    class Comparator(TypeDecorator.Comparator):  # type: ignore[type-arg]
        """Sums and differences of scaled columns stay scaled (cents minus cents is cents)."""

        def _adapt_expression(self, op: Any, other_comparator: Any) -> Any:
            if op in (operators.add, operators.sub):
                return op, self.type
            return super()._adapt_expression(op, other_comparator)

    comparator_factory = Comparator

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money and quantities are Decimal, never float")
        scaled = Decimal(value).scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimals")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.scale).quantize(Decimal(1).scaleb(-self.scale))


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always read back as aware datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC timestamp")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


Money = ScaledDecimal(2)
Quantity = ScaledDecimal(3)
Percent = ScaledDecimal(2)


def configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, enforced foreign keys and BEGIN IMMEDIATE for every transaction.

    pysqlite's own transaction handling starts transactions late and deferred; a deferred
    transaction that later writes fails with "database is locked" instead of waiting. Taking
    the write lock up front makes writers queue on the busy timeout instead.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use when it sat idle longer than `idle_seconds`.

    A connection the database dropped (a restart, an idle timeout) would otherwise fail the
    first request that gets it. A failed ping makes the pool replace the connection before
    the caller sees it. A connection returned moments ago is not pinged: under load every
    transaction would pay a round trip to learn what its predecessor just proved.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_seconds:
            return  # fresh from connect, or in use moments ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the pooled connection was closed by the database") from error


# Outermost use case in this context commits; nested ones join its transaction.
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("use_case_depth", default=0)
MAX_ATTEMPTS = 5


def is_retryable(error: BaseException) -> bool:
    """Serialization failures, deadlocks and SQLite busy errors are safe to retry whole."""
    if isinstance(error, DBAPIError):
        code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
        if code in {"40001", "40P01", "55P03"}:
            return True
        if isinstance(error, OperationalError) and "database is locked" in str(error.orig):
            return True
    return False


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    """One business operation = one transaction: commit once on success, roll back on error.

    Retryable database conflicts re-run the whole function a bounded number of times, so a
    use case must read what it needs inside itself (pass ids, not loaded objects, where the
    state may change between attempts).
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _depth.get() > 0:
            return fn(*args, **kwargs)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            token = _depth.set(1)
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            except Exception as error:
                db.session.rollback()
                if attempt < MAX_ATTEMPTS and is_retryable(error):
                    time.sleep(random.uniform(0.005, 0.05) * attempt)  # noqa: S311 - jitter only
                    continue
                raise
            finally:
                _depth.reset(token)
        raise AssertionError("unreachable")

    return wrapper


M = TypeVar("M")


def reloadable(model: type[M], primary_key: int) -> M:
    """The session's instance of a row a use case just wrote with Core statements.

    Its attributes are expired, so the first read loads the row as written: a copy the
    session already held is expired rather than left stale, and when it held none, no
    SELECT is spent on a caller that may never look.
    """
    instance = db.session.identity_map.get(identity_key(model, primary_key))
    if instance is not None:
        db.session.expire(instance)
        return instance  # type: ignore[no-any-return]
    reference = model(id=primary_key)
    make_transient_to_detached(reference)  # persistent-to-be, every other attribute expired
    db.session.add(reference)
    return reference


def insert_or_skip(table: Table, conflict: tuple[str, ...], returning: tuple[Any, ...]) -> Any:
    """INSERT ... ON CONFLICT (`conflict`) DO NOTHING RETURNING `returning`, for the
    session's database; the values come as parameters of each execution.

    A row comes back only when this insert happened. A concurrent insert of the same key
    makes it wait on the unique index until that one commits, then skip: the way to claim a
    key once without a savepoint. Built once per table and database.
    """
    return _insert_or_skip(db.session.get_bind().dialect.name, table, conflict, returning)


@functools.cache
def _insert_or_skip(
    dialect: str, table: Table, conflict: tuple[str, ...], returning: tuple[Any, ...]
) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=list(conflict)).returning(*returning)


def utcnow() -> datetime:
    from app.core.clock import now_utc

    return now_utc()
