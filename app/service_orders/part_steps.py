"""The parts stepper: change how many of a part an order used, in place.

A step changes the quantity of the newest use of the item rather than adding rows, so the
invoice keeps one line per part. The form says which quantity it saw; a step against a
quantity that has changed since (a double tap, a retried request) is skipped, so a retry
never counts twice.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.core.db import use_case
from app.core.errors import Errors, ValidationFailed
from app.core.money import MAX_QUANTITY, InvalidNumber, to_decimal
from app.service_orders.operations import (
    ensure_work_open,
    load_order,
    mark_work_changed,
    start_if_scheduled,
)
from app.service_orders.parts import check_line_net, get_part_usage, returned_quantity


@use_case
def step_part(actor: Any, usage_id: int, *, expected: Any, target: Any) -> bool:
    """Set the net quantity of the use to `target` if it is still `expected`; False when it
    had changed already (nothing written)."""
    usage = get_part_usage(actor, usage_id)
    order = load_order(actor, usage.order_id, for_update=True)
    if usage.is_return:
        raise ValidationFailed({"quantity": ["Choose the part as used, not a return."]})
    try:
        seen = to_decimal(expected, places=3)
        wanted = to_decimal(target, places=3)
    except InvalidNumber:
        raise ValidationFailed({"quantity": ["Enter a quantity above 0."]}) from None
    if wanted <= 0:
        raise ValidationFailed(
            {"quantity": ["Enter a quantity above 0; use Remove to take it off."]}
        )
    returned = returned_quantity(usage.id)
    errors = Errors()
    if returned + wanted > MAX_QUANTITY:
        errors.add("quantity", f"A part line can hold at most {MAX_QUANTITY:,}.")
    check_line_net(wanted, usage.unit_price, "quantity", errors)
    errors.raise_if_any()
    ensure_work_open(actor, order)
    if usage.quantity - returned != seen:
        return False
    usage.quantity = Decimal(returned + wanted)
    start_if_scheduled(order)
    mark_work_changed(order)
    return True
