"""Money-moving use cases guarded by a one-time form token, so a double-clicked or resent
HTML form records its payment once. The token is claimed in the same transaction."""

from __future__ import annotations

from typing import Any

from app.accounting.models import Payment
from app.accounting.services import register_payment
from app.core.db import use_case
from app.core.form_tokens import AlreadySubmitted, require_unused_form_token

__all__ = ["AlreadySubmitted", "register_payment_once"]


@use_case
def register_payment_once(actor: Any, token: str, invoice_id: int, **values: Any) -> Payment:
    require_unused_form_token(
        token, "payment", "This payment form was already sent; the payment is recorded once."
    )
    return register_payment(actor, invoice_id, **values)
