"""Invariants of service work, checked in a few aggregate queries (`flask orders verify`).

I10 of RELIABILITY.md and the links between orders and their invoices; each violation is
reported as one sentence naming the order or entry.
"""

from __future__ import annotations

from sqlalchemy import and_, func, select

from app.extensions import db
from app.invoicing.models import Invoice, InvoiceLine
from app.service_orders.models import PartUsage, ServiceOrder, TimeEntry, order_technicians


def _unassigned_entries() -> list[str]:
    assigned = select(order_technicians.c.order_id).where(
        order_technicians.c.order_id == TimeEntry.order_id,
        order_technicians.c.user_id == TimeEntry.technician_id,
    )
    rows = db.session.execute(
        select(TimeEntry.id, TimeEntry.order_id, TimeEntry.technician_id).where(~assigned.exists())
    )
    return [
        f"Time entry {e} on SO-{o:05d} belongs to user {t}, who is not assigned to the order."
        for e, o, t in rows
    ]


def _overfull_days() -> list[str]:
    rows = db.session.execute(
        select(TimeEntry.technician_id, TimeEntry.work_date, func.sum(TimeEntry.minutes))
        .group_by(TimeEntry.technician_id, TimeEntry.work_date)
        .having(func.sum(TimeEntry.minutes) > 24 * 60)
    )
    return [f"User {t} has {m} minutes on {d}: more than 24 h." for t, d, m in rows]


def _over_returned() -> list[str]:
    returned = (
        select(PartUsage.returns_usage_id.label("use_id"), func.sum(PartUsage.quantity).label("q"))
        .where(PartUsage.returns_usage_id.is_not(None))
        .group_by(PartUsage.returns_usage_id)
        .subquery()
    )
    rows = db.session.execute(
        select(PartUsage.id, PartUsage.order_id)
        .join(returned, returned.c.use_id == PartUsage.id)
        .where(PartUsage.quantity + returned.c.q < 0)
    )
    return [f"Part line {u} on SO-{o:05d} has more returned than used." for u, o in rows]


def _invoice_links() -> list[str]:
    problems = []
    rows = db.session.execute(
        select(ServiceOrder.id, ServiceOrder.state, Invoice.state)
        .outerjoin(Invoice, Invoice.id == ServiceOrder.invoice_id)
        .where(
            (ServiceOrder.state == "invoiced")
            | and_(ServiceOrder.invoice_id.is_not(None), ServiceOrder.state != "done")
        )
    )
    for order_id, order_state, invoice_state in rows:
        if (order_state == "invoiced") != (invoice_state == "posted"):
            problems.append(
                f"SO-{order_id:05d} is {order_state} but its invoice is "
                f"{invoice_state or 'missing'}."
            )
    stray = db.session.execute(
        select(InvoiceLine.id, InvoiceLine.source_order_id, InvoiceLine.invoice_id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .join(ServiceOrder, ServiceOrder.id == InvoiceLine.source_order_id)
        .where(
            Invoice.doc_type == "invoice",
            (ServiceOrder.invoice_id.is_(None)) | (ServiceOrder.invoice_id != Invoice.id),
        )
    )
    problems += [
        f"Invoice line {line} of invoice #{inv} bills SO-{o:05d}, which is not linked to it."
        for line, o, inv in stray
    ]
    return problems


def verify_orders() -> list[str]:
    """Every violation found, as sentences; an empty list when all invariants hold."""
    return _unassigned_entries() + _overfull_days() + _over_returned() + _invoice_links()
