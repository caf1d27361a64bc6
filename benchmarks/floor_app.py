"""The floor for API benchmarks: a bare Flask endpoint doing one indexed SELECT on PostgreSQL."""

from __future__ import annotations

import os

from flask import Flask, jsonify
from sqlalchemy import create_engine, text

engine = create_engine(os.environ["DATABASE_URL"], pool_size=8, max_overflow=8)
app = Flask(__name__)


@app.get("/floor/<int:customer_id>")
def floor(customer_id: int):  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT id, name FROM customers WHERE id = :id"), {"id": customer_id}
        ).first()
    return jsonify({"id": row[0], "name": row[1]} if row else {})
