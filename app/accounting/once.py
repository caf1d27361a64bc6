"""Money-moving use cases guarded by a one-time form token, so a double-clicked or resent
HTML form records its payment once. The token is claimed in the same transaction."""

from __future__ import annotations

from typing import Any

from app.accounting.models import Payment
from app.accounting.services import register_payment
from app.core.db import use_case
from app.core.errors import Conflict
from app.core.form_tokens import claim_form_token, is_valid_shape


class AlreadySubmitted(Conflict):
    code = "already_submitted"


@use_case
def register_payment_once(actor: Any, token: str, invoice_id: int, **values: Any) -> Payment:
    if not is_valid_shape(token):
        raise Conflict(
            "This form lost its one-time token; reload the page and try again.", field="_form"
        )
    if not claim_form_token(token, "payment"):
        raise AlreadySubmitted("This payment form was already sent; the payment is recorded once.")
    return register_payment(actor, invoice_id, **values)
