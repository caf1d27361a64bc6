"""The service-order state table, exhaustively: every action from every state."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.core.errors import InvalidTransition
from app.service_orders import services
from app.service_orders.states import STATES, TRANSITIONS, next_state, refusal
from tests.service_orders.conftest import NOW

EXPECTED = {
    ("new", "schedule"): "scheduled",
    ("scheduled", "schedule"): "scheduled",
    ("scheduled", "start"): "in_progress",
    ("in_progress", "complete"): "done",
    ("done", "reopen"): "in_progress",
    ("new", "cancel"): "cancelled",
    ("scheduled", "cancel"): "cancelled",
    ("done", "mark_invoiced"): "invoiced",
}
ALL_PAIRS = [(state, action) for state in STATES for action in TRANSITIONS]


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS)
def test_next_state_matches_expected_table(state: str, action: str) -> None:
    assert next_state(state, action) == EXPECTED.get((state, action))


def test_refusal_names_order_state_and_allowed_states() -> None:
    message = refusal("SO-00007", "done", "cancel")
    assert message == (
        "Cannot cancel SO-00007: it is done; only an order that is new or scheduled "
        "can be cancelled."
    )


def _call(world: Any, action: str, order_id: int) -> Any:
    actor = world.dispatcher
    if action == "schedule":
        return services.schedule_order(
            actor,
            order_id,
            start=NOW,
            end=NOW + timedelta(hours=2),
            technician_ids=[world.tech.id],
        )
    return {
        "start": services.start_order,
        "complete": services.complete_order,
        "reopen": services.reopen_order,
        "cancel": services.cancel_order,
    }[action](actor, order_id)


SERVICE_ACTIONS = ("schedule", "start", "complete", "reopen", "cancel")


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in STATES for a in SERVICE_ACTIONS])
def test_transition_service_follows_table(
    world: Any, session: Any, state: str, action: str
) -> None:
    order = world.order()
    order.technicians = [world.tech]
    order.state = state
    session.commit()  # a refused use case rolls back to here
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(InvalidTransition, match=f"it is {state.replace('_', ' ')}"):
            _call(world, action, order.id)
        session.refresh(order)
        assert order.state == state
    else:
        assert _call(world, action, order.id).state == expected
