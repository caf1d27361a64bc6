"""Form text to the values the service-order use cases take: durations, windows, ids."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from app.core.http import int_arg

DURATION = re.compile(r"^\s*(\d{1,2})\s*[:h.]\s*(\d{1,2})\s*(?:m|min)?\s*$")
MINUTES_ONLY = re.compile(r"^\s*(\d{1,4})\s*(?:m|min)?\s*$")
DATA_URL_PREFIX = "data:image/png;base64,"
ORDER_LABELS = {
    "customer_id": "Customer",
    "site_id": "Site",
    "contact_id": "Contact",
    "description": "Work to do",
    "priority": "Priority",
    "call_out_item_id": "Call-out fee",
    "start": "Visit starts",
    "end": "Visit ends",
    "technician_ids": "Technicians",
}


def parse_duration(text: Any) -> int | None:
    """Minutes from "1:30", "1h30", "1.30" (hours and minutes) or "90" (minutes); None if
    unreadable. Hours with a decimal fraction are refused: "1.5" would be ambiguous."""
    value = str(text or "")
    match = DURATION.match(value)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        return hours * 60 + minutes if minutes < 60 else None
    match = MINUTES_ONLY.match(value)
    return int(match.group(1)) if match else None


def format_minutes(minutes: int | None) -> str:
    """h:mm, as time entries and timers show durations."""
    minutes = int(minutes or 0)
    return f"{minutes // 60}:{minutes % 60:02d}"


def signature_png(data_url: Any) -> bytes | None:
    """The PNG bytes of the signature pad's data URL, or None when absent or malformed."""
    text = str(data_url or "")
    if not text.startswith(DATA_URL_PREFIX):
        return None
    try:
        return base64.b64decode(text[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return None


def order_values(form: Any) -> dict[str, Any]:
    """The order form's fields; a blank select is None, a non-number stays as text so the
    use case names it."""
    values: dict[str, Any] = {}
    for name in ("customer_id", "site_id", "contact_id", "call_out_item_id"):
        raw = str(form.get(name, "")).strip()
        values[name] = int_arg(raw) if raw else None
        if raw and values[name] is None:
            values[name] = raw
    values["description"] = str(form.get("description", "")).strip()
    values["priority"] = str(form.get("priority", "normal"))
    return values


def window_values(form: Any) -> dict[str, Any]:
    ids = [int_arg(v) for v in form.getlist("technician_ids")]
    return {
        "start": str(form.get("start", "")).strip(),
        "end": str(form.get("end", "")).strip(),
        "technician_ids": [i for i in ids if i is not None],
    }
