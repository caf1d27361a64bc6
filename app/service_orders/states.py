"""The service-order state table as data, and the message a refused transition gives. Pure."""

from __future__ import annotations

from collections.abc import Mapping

STATES = ("new", "scheduled", "in_progress", "done", "invoiced", "cancelled")
STATE_LABELS: Mapping[str, str] = {
    "new": "New",
    "scheduled": "Scheduled",
    "in_progress": "In progress",
    "done": "Done",
    "invoiced": "Invoiced",
    "cancelled": "Cancelled",
}

# action -> {from state: to state}. Anything not listed is refused.
TRANSITIONS: Mapping[str, Mapping[str, str]] = {
    # Scheduling again moves the window or changes the technicians.
    "schedule": {"new": "scheduled", "scheduled": "scheduled"},
    "start": {"scheduled": "in_progress"},
    "complete": {"in_progress": "done"},
    # Allowed until the invoice is posted: a posted invoice makes the order invoiced.
    "reopen": {"done": "in_progress"},
    "cancel": {"new": "cancelled", "scheduled": "cancelled"},
    # Only the "posted" event of the order's invoice takes this step.
    "mark_invoiced": {"done": "invoiced"},
}
ACTION_LABELS: Mapping[str, str] = {
    "schedule": "schedule",
    "start": "start",
    "complete": "complete",
    "reopen": "re-open",
    "cancel": "cancel",
    "mark_invoiced": "mark as invoiced",
}
# States in which technicians record time and parts (recording on a scheduled order starts it).
WORK_STATES = frozenset({"scheduled", "in_progress"})
# The office may still correct time and parts while validating a done order.
OFFICE_EDIT_STATES = WORK_STATES | {"done"}


def next_state(state: str, action: str) -> str | None:
    """The state `action` leads to from `state`, or None when the table forbids it."""
    return TRANSITIONS.get(action, {}).get(state)


def refusal(reference: str, state: str, action: str) -> str:
    """A sentence saying why the action is refused and from which states it is allowed."""
    label = ACTION_LABELS.get(action, action)
    sources = TRANSITIONS.get(action, {})
    allowed = " or ".join(STATE_LABELS[s].lower() for s in sources) or "no state"
    return (
        f"Cannot {label} {reference}: it is {STATE_LABELS.get(state, state).lower()}; "
        f"only an order that is {allowed} can be {_past(action)}."
    )


def _past(action: str) -> str:
    return {
        "schedule": "scheduled",
        "start": "started",
        "complete": "completed",
        "reopen": "re-opened",
        "cancel": "cancelled",
        "mark_invoiced": "marked as invoiced",
    }.get(action, action)
