"""Hooks higher modules register on, so invoicing never imports them.

Service orders listen here to learn that their draft was deleted (back to the queue) or
their invoice is being posted (order becomes invoiced). Listeners run inside the caller's
transaction. "posting" fires before the number is drawn, with the document as posting read
it, so listeners' work is done before the series' counter row is held; "posted" fires after
the document is frozen, with the posted invoice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_listeners: dict[str, list[Callable[..., None]]] = {
    "draft_deleted": [],
    "posting": [],
    "posted": [],
}


def listen(event: str, fn: Callable[..., None]) -> None:
    if fn not in _listeners[event]:
        _listeners[event].append(fn)


def emit(event: str, **payload: Any) -> None:
    for fn in _listeners[event]:
        fn(**payload)


def unlisten(event: str, fn: Callable[..., None]) -> None:
    if fn in _listeners[event]:
        _listeners[event].remove(fn)
