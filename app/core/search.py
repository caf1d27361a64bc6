"""Search-box helpers for list queries: text matched literally, ids typed as digits.

A `%` or `_` typed into a search box is a character to find, not a LIKE wildcard.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func

# Integer primary keys are 32-bit on PostgreSQL; a larger literal makes the comparison fail.
MAX_ID = 2**31 - 1
LIKE_ESCAPE = "/"  # not a backslash: its quoting differs between SQLite and PostgreSQL


def like_pattern(text: str) -> str:
    """`%text%` for LIKE with the wildcards in `text` escaped (use with escape=LIKE_ESCAPE)."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def contains_text(column: Any, text: str) -> Any:
    """Case-insensitive substring match of the stripped `text`, wildcards taken literally."""
    return func.lower(column).like(like_pattern(text.strip().lower()), escape=LIKE_ESCAPE)


def typed_id(text: str) -> int | None:
    """An id typed as ASCII digits within the id range, else None.

    str.isdigit() alone is not enough: it is true for "²" or "٣", which int() refuses or
    reads as another number, and for 20-digit strings no id column can hold.
    """
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
