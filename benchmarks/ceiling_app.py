"""The ceiling for the API benchmark: the two measured operations written by hand.

A bare Flask app like the floor, with no Fieldpost code on the request path: hand-written SQL
on the pooled psycopg connection, no ORM, no flask-smorest, no marshmallow. It does the work
the API does for the same requests, in the fewest statements found:

- time entry: the token's user; the order locked FOR NO KEY UPDATE with the technician's
  assignment and the company time zone; the technician's lock; the entry inserted only if
  the day stays within 24 h (ON CONFLICT on the client id); the Idempotency-Key row; commit.
- invoice list: the token's user with the company time zone; one statement in which
  PostgreSQL builds the whole JSON page (50 summaries with their status, and the total).

It answers what share of the floor any implementation of these operations can reach on the
machine the benchmark runs on. It checks less than the API (no replay answers, terse
errors), so it errs on the fast side. PostgreSQL only; never served by Fieldpost.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, Response, request
from sqlalchemy import create_engine

engine = create_engine(
    os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"),
    pool_size=8,
    max_overflow=8,
)
app = Flask(__name__)

WORK_STATES = ("scheduled", "in_progress")
RATE_KINDS = ("normal", "overtime", "travel")

_USER = """
SELECT u.id, (SELECT timezone FROM company ORDER BY id LIMIT 1)
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.active
"""
_ORDER = """
SELECT o.state,
       EXISTS (SELECT 1 FROM service_order_technicians a
               WHERE a.order_id = o.id AND a.user_id = %(user)s)
FROM service_orders o WHERE o.id = %(order)s
FOR NO KEY UPDATE OF o
"""
_LOCK_TECHNICIAN = "SELECT id FROM users WHERE id = %(user)s FOR NO KEY UPDATE"
_INSERT_ENTRY = """
INSERT INTO time_entries (order_id, technician_id, client_id, rate_kind, running, work_date,
                          minutes, note, created_by_id, created_at)
SELECT %(order)s, %(user)s, %(client_id)s, %(rate_kind)s, false, %(day)s, %(minutes)s, '',
       %(user)s, %(now)s
WHERE (SELECT coalesce(sum(minutes), 0) FROM time_entries
       WHERE technician_id = %(user)s AND work_date = %(day)s) + %(minutes)s <= 1440
ON CONFLICT (client_id) DO NOTHING
RETURNING id, client_id, rate_kind, work_date, minutes
"""
_INSERT_KEY = """
INSERT INTO api_idempotency_keys (user_id, key, fingerprint, status, body, created_at)
VALUES (%s, %s, %s, 201, %s, %s)
ON CONFLICT (user_id, key) DO NOTHING RETURNING id
"""
_MONEY = "to_char({} / 100.0, 'FM999999999999990.00')"
_INVOICE_PAGE = f"""
WITH page AS (
  SELECT i.*, c.name AS customer_name FROM invoices i JOIN customers c ON c.id = i.customer_id
  ORDER BY i.invoice_date DESC, i.id DESC LIMIT %(limit)s OFFSET %(offset)s
)
SELECT json_build_object(
  'items', coalesce((SELECT json_agg(json_build_object(
    'id', id, 'doc_type', doc_type, 'number', number, 'state', state,
    'payment_state', payment_state,
    'status', CASE
        WHEN state = 'draft' THEN 'draft'
        WHEN payment_state = 'reversed' THEN 'cancelled'
        WHEN payment_state = 'paid' THEN 'paid'
        WHEN doc_type = 'invoice' AND state = 'posted' AND payment_state IN ('unpaid', 'partial')
             AND residual > 0 AND %(today)s > due_date THEN 'overdue'
        WHEN payment_state = 'partial' THEN 'partially_paid'
        WHEN viewed_at IS NOT NULL THEN 'viewed'
        WHEN sent_at IS NOT NULL THEN 'sent'
        ELSE 'posted' END,
    'customer_id', customer_id, 'customer_name', customer_name,
    'invoice_date', invoice_date, 'due_date', due_date, 'currency', currency,
    'reference', reference,
    'net_total', {_MONEY.format("net_total")}, 'vat_total', {_MONEY.format("vat_total")},
    'gross_total', {_MONEY.format("gross_total")}, 'residual', {_MONEY.format("residual")},
    'journal_entry_id', journal_entry_id, 'credited_invoice_id', credited_invoice_id,
    'created_at', created_at, 'posted_at', posted_at, 'sent_at', sent_at
  ) ORDER BY invoice_date DESC, id DESC) FROM page), '[]'),
  'page', %(page)s, 'per_page', %(limit)s,
  'total', (SELECT count(*) FROM invoices)
)::text
"""


def _error(status: int, message: str) -> Response:
    body = json.dumps({"error": {"code": "refused", "message": message, "fields": {}}})
    return Response(body, status=status, mimetype="application/json")


def _user(cursor: Any) -> tuple[int, str] | None:
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw:
        return None
    digest = hashlib.sha256(raw.strip().encode()).hexdigest()
    return cursor.execute(_USER, (digest,)).fetchone()  # type: ignore[no-any-return]


def _entry_values(body: Any) -> dict[str, Any] | None:
    try:
        values = {
            "client_id": str(uuid.UUID(body["client_id"])),
            "minutes": int(body["minutes"]),
            "day": date.fromisoformat(body["work_date"]),
            "rate_kind": body.get("rate_kind", "normal"),
        }
    except (KeyError, TypeError, ValueError):
        return None
    ok = 1 <= values["minutes"] <= 1440 and values["rate_kind"] in RATE_KINDS
    return values if ok else None


@app.post("/ceiling/service-orders/<int:order_id>/time-entries")
def time_entry(order_id: int) -> Response:
    body = request.get_json(silent=True)
    values = _entry_values(body)
    if values is None:
        return _error(422, "client_id, minutes, work_date and rate_kind, please.")
    with engine.begin() as connection:
        cursor = connection.connection.driver_connection.cursor()
        user = _user(cursor)
        if user is None:
            return _error(401, "Unknown token.")
        user_id, zone = user
        if values["day"] > datetime.now(ZoneInfo(zone)).date():
            return _error(422, "Time cannot be recorded for a future day.")
        params = {**values, "user": user_id, "order": order_id, "now": datetime.now(UTC)}
        order = cursor.execute(_ORDER, params).fetchone()
        if order is None or not order[1]:
            return _error(404, "No such service order.")
        if order[0] not in WORK_STATES:
            return _error(409, "The order cannot be changed.")
        cursor.execute(_LOCK_TECHNICIAN, params)
        entry = cursor.execute(_INSERT_ENTRY, params).fetchone()
        if entry is None:
            return _error(422, "More than 24 h in one day, or a replay.")
        reply = json.dumps(
            {
                "id": entry[0],
                "client_id": entry[1],
                "technician_id": user_id,
                "rate_kind": entry[2],
                "work_date": entry[3].isoformat(),
                "minutes": entry[4],
            }
        )
        fingerprint = hashlib.sha256(request.get_data()).hexdigest()
        key = request.headers.get("Idempotency-Key", "")
        cursor.execute(_INSERT_KEY, (user_id, key, fingerprint, reply, params["now"]))
    return Response(reply, status=201, mimetype="application/json")


@app.get("/ceiling/invoices")
def invoices() -> Response:
    page = max(1, request.args.get("page", 1, type=int))
    limit = min(200, max(1, request.args.get("per_page", 50, type=int)))
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        user = _user(cursor)
        if user is None:
            return _error(401, "Unknown token.")
        params = {
            "limit": limit,
            "offset": (page - 1) * limit,
            "page": page,
            "today": datetime.now(ZoneInfo(user[1])).date(),
        }
        body = cursor.execute(_INVOICE_PAGE, params).fetchone()[0]
    return Response(body, mimetype="application/json")
