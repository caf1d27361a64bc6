"""Search boxes and id filters of the order pages: typed text is matched literally, odd digits
are dropped rather than crashing the page."""

from __future__ import annotations

from typing import Any

import pytest

from app.service_orders.board import parse_filters
from app.service_orders.queries import list_orders
from tests.factories import UserFactory


@pytest.mark.parametrize("typed", ["²", "٣", "99999999999999999999", "0", "-1"])
def test_board_filters_drop_ids_that_are_not_plain_digits(typed: str) -> None:
    filters = parse_filters({"technician": typed, "customer": typed})
    assert (filters.technician_id, filters.customer_id) == (None, None)


def test_board_filters_keep_a_plain_id() -> None:
    filters = parse_filters({"technician": "12", "customer": "7"})
    assert (filters.technician_id, filters.customer_id) == (12, 7)


@pytest.mark.parametrize("q", ["²", "SO-²", "99999999999999999999"])
def test_list_orders_with_odd_digits_runs(session: Any, q: str) -> None:
    stmt = list_orders(UserFactory(role="dispatcher"), q=q)
    assert session.scalars(stmt).all() == []
