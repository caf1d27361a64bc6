"""Flush-only helpers shared by the service-order use cases: loading with object-level
access checks, role checks, state transitions and input parsing."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, exists, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import lazyload, make_transient_to_detached

from app.auth.models import User
from app.company.services import company_timezone, timezone_column
from app.core import clock
from app.core.db import insert_or_skip
from app.core.errors import Errors, Forbidden, InvalidTransition, NotFound
from app.extensions import db
from app.service_orders.models import ServiceOrder, order_technicians
from app.service_orders.states import (
    OFFICE_EDIT_STATES,
    STATE_LABELS,
    WORK_STATES,
    next_state,
    refusal,
)

OFFICE_ROLES = ("admin", "dispatcher")
READ_ROLES = ("admin", "dispatcher", "bookkeeper", "technician")
# Who records work: bookkeepers read orders and invoice them but do not change the work.
WORK_ROLES = ("admin", "dispatcher", "technician")


class OrderLocked(InvalidTransition):
    """Time, parts or sign-off on an order that can no longer change (invoiced, cancelled)."""

    code = "order_locked"


def is_technician(actor: Any) -> bool:
    return getattr(actor, "role", None) == "technician"


def require_role(actor: Any, *roles: str) -> None:
    if getattr(actor, "role", None) not in roles:
        raise Forbidden("Your role does not allow this.")


def _int_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def load_order(actor: Any, order_id: Any, *, for_update: bool = False) -> ServiceOrder:
    """The order if `actor` may see it. Another technician's order does not exist for them
    (NotFound, not Forbidden): ids of other people's work are not confirmed."""
    require_role(actor, *READ_ROLES)
    key = _int_id(order_id)
    if not key:
        order = None
    elif for_update:
        order = db.session.scalars(_LOCK_ORDER, {"order_id": key}).first()
    else:
        order = db.session.get(ServiceOrder, key)
    if order is None or (is_technician(actor) and not is_assigned(order, actor.id)):
        raise NotFound("No such service order.", field="order_id")
    return order


# Built once. A locked read refreshes what this session already holds (populate_existing):
# another transaction may have changed the order since it was first loaded. Only the order
# row is locked, FOR NO KEY UPDATE, so rows referencing it can still be inserted; the
# customer is loaded when asked for, not joined: recording work rarely needs it.
_LOCK_ORDER = (
    select(ServiceOrder)
    .where(ServiceOrder.id == bindparam("order_id"))
    .options(lazyload(ServiceOrder.customer))
    .with_for_update(of=ServiceOrder.__table__, key_share=True)
    .execution_options(populate_existing=True)
)
_IS_ASSIGNED = select(order_technicians.c.user_id).where(
    order_technicians.c.order_id == bindparam("order_id"),
    order_technicians.c.user_id == bindparam("user_id"),
)


_LOCK_ORDER_FOR_WORK = _LOCK_ORDER.add_columns(
    exists()
    .where(
        order_technicians.c.order_id == ServiceOrder.id,
        order_technicians.c.user_id == bindparam("user_id"),
    )
    .label("assigned"),
    timezone_column().label("zone"),
)


def load_order_for_work(
    actor: Any, order_id: Any, worker_id: Any
) -> tuple[ServiceOrder, bool, ZoneInfo]:
    """`load_order(for_update=True)` for recording work, with two more answers read in the
    same statement: whether `worker_id` (the technician the work is for) is assigned to the
    order, and the company's time zone. Recording time is the technician's most frequent
    call; this saves it two round trips."""
    require_role(actor, *READ_ROLES)
    key = _int_id(order_id)
    worker = actor.id if is_technician(actor) else _int_id(worker_id)
    found = (
        db.session.execute(_LOCK_ORDER_FOR_WORK, {"order_id": key, "user_id": worker or 0}).first()
        if key
        else None
    )
    if found is None:
        raise NotFound("No such service order.", field="order_id")
    order, assigned, zone = found
    if "technicians" in order.__dict__ and worker is not None:
        assigned = order.is_assigned_to(worker)  # the session's changes count
    if is_technician(actor) and not assigned:
        raise NotFound("No such service order.", field="order_id")
    # No zone only before the company is set up: company_zone() refuses with its message.
    return order, bool(assigned), ZoneInfo(zone) if zone else company_zone()


def is_assigned(order: ServiceOrder, user_id: int) -> bool:
    """Whether the user works on the order: the technicians the session holds if it loaded
    them (changes not yet written count), else one lookup on the assignment's primary key
    instead of loading every assigned user."""
    if "technicians" in order.__dict__:
        return order.is_assigned_to(user_id)
    found = db.session.execute(_IS_ASSIGNED, {"order_id": order.id, "user_id": user_id})
    return found.first() is not None


def transition(order: ServiceOrder, action: str) -> None:
    target = next_state(order.state, action)
    if target is None:
        raise InvalidTransition(refusal(order.reference, order.state, action))
    order.state = target


def ensure_work_open(actor: Any, order: ServiceOrder) -> None:
    """Time and parts change only while the work is open; the office may still correct a
    done order until a draft invoice has been made from it."""
    require_role(actor, *WORK_ROLES)
    allowed = OFFICE_EDIT_STATES if not is_technician(actor) else WORK_STATES
    if order.state in allowed and not (order.state == "done" and order.invoice_id):
        return
    if order.state == "done" and order.invoice_id:
        reason = "it is on a draft invoice; delete the draft or re-open the order first"
    elif order.state == "done":
        reason = "it is done; ask the office to re-open it"
    else:
        reason = f"it is {STATE_LABELS[order.state].lower()}"
    raise OrderLocked(f"{order.reference} cannot be changed: {reason}.")


def mark_work_changed(order: ServiceOrder) -> None:
    """A signature covers the time and parts at signing; any later change outdates it."""
    if order.signed_at is not None:
        order.signature_outdated = True


def start_if_scheduled(order: ServiceOrder) -> None:
    """Recording work on a scheduled order means the work has begun."""
    if order.state == "scheduled":
        transition(order, "start")
        order.started_at = clock.now_utc()


def load_technicians(
    ids: Any, errors: Errors, field: str = "technician_ids", *, positions: bool = True
) -> list[User]:
    """The listed technicians; a refused entry is named by its place (`technician_ids[1]`),
    as `order_ids[i]` is, unless `positions` is off (one id given as a list of one)."""
    if not isinstance(ids, list | tuple | set) or any(_int_id(i) is None for i in ids):
        errors.add(field, "Give the technicians as a list of user ids.")
        return []
    users = list(db.session.scalars(select(User).where(User.id.in_(list(ids)))))
    found = {u.id: u for u in users}
    for position, user_id in enumerate(ids):
        user = found.get(user_id)
        if user is None or user.role != "technician" or not user.active:
            where = f"{field}[{position}]" if positions else field
            errors.add(where, f"User {user_id} is not an active technician.")
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def load_technician(actor: Any, technician_id: Any, errors: Errors) -> User | None:
    """The technician the work is for: a technician always records their own work."""
    if is_technician(actor):
        if technician_id not in (None, actor.id):
            errors.add("technician_id", "Technicians record their own time only.")
        return actor  # type: ignore[no-any-return]
    if technician_id is None:
        errors.add("technician_id", "Choose the technician.")
        return None
    users = load_technicians([technician_id], errors, "technician_id", positions=False)
    return users[0] if users else None


def parse_instant(value: Any, field: str, errors: Errors) -> datetime | None:
    """An aware datetime, or an ISO string; a time without zone is company-local time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, "Enter a date and time as YYYY-MM-DDTHH:MM.")
            return None
    if not isinstance(value, datetime):
        errors.add(field, "Enter a date and time as YYYY-MM-DDTHH:MM.")
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(company_timezone()))
    return value


def company_zone() -> ZoneInfo:
    return ZoneInfo(company_timezone())


def insert_once(row: Any, *, only_if: Any = None) -> Any:
    """Insert a row carrying a tablet's client id, unless that client id is already stored.

    INSERT ... ON CONFLICT (client_id) DO NOTHING RETURNING every column: a concurrent
    replay with the same client id waits for the winner on the unique index and then gets
    the winner's row instead of an error, so a retried submission never duplicates work. One
    Core statement, no savepoint and no unit of work; the row is then handed to the session
    as a persistent object with every column loaded.

    `only_if`, a condition over bind parameters named like the row's columns, makes the
    insert conditional in the same statement (INSERT ... SELECT ... WHERE): when it is false,
    or the client id is taken, nothing is inserted and None comes back, for the caller to
    tell which.
    """
    model = type(row)
    mapper = sa_inspect(model)
    table = mapper.local_table
    values = {
        attribute.columns[0].key: getattr(row, attribute.key)
        for attribute in mapper.column_attrs
        if attribute.key in row.__dict__
    }
    if only_if is not None:
        dialect = db.session.get_bind().dialect.name
        insert = _insert_if(dialect, table, tuple(values), only_if)
        inserted = db.session.execute(insert, values).first()
        return None if inserted is None else _loaded(model, mapper, inserted)
    insert = insert_or_skip(table, ("client_id",), tuple(table.columns))
    inserted = db.session.execute(insert, values).first()
    if inserted is None:
        return db.session.scalar(select(model).where(model.client_id == values["client_id"]))
    return _loaded(model, mapper, inserted)


@functools.cache
def _insert_if(dialect: str, table: Any, keys: tuple[str, ...], condition: Any) -> Any:
    """INSERT INTO table (keys) SELECT :keys WHERE condition ON CONFLICT (client_id) DO
    NOTHING RETURNING every column; built once per table, column set and condition."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    source = select(*(bindparam(key, type_=table.c[key].type) for key in keys)).where(condition)
    return (
        insert(table)
        .from_select(list(keys), source)
        .on_conflict_do_nothing(index_elements=["client_id"])
        .returning(*table.columns)
    )


def _loaded(model: Any, mapper: Any, inserted: Any) -> Any:
    """The inserted row as a persistent object of the session, every column loaded."""
    columns = inserted._mapping
    stored = model(
        **{attribute.key: columns[attribute.columns[0].key] for attribute in mapper.column_attrs}
    )
    make_transient_to_detached(stored)  # as if loaded: every column present, nothing pending
    db.session.add(stored)
    return stored
