"""One-time form tokens: a form that moves money (or creates a secret) carries a random token,
used at most once.

GET writes nothing: the token is random and only its use is stored. A double click or a
resubmitted form finds its token taken (unique constraint) and records nothing twice.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import UTCDateTime, insert_or_skip, utcnow
from app.core.errors import Conflict
from app.extensions import db


class UsedFormToken(db.Model):
    __tablename__ = "used_form_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(40))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def is_valid_shape(token: str) -> bool:
    return 16 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()


class AlreadySubmitted(Conflict):
    code = "already_submitted"


def require_unused_form_token(token: str, purpose: str, already_sent: str) -> None:
    """Claim the form's token inside the caller's use case, or refuse: a form without a
    usable token (Conflict), or one already sent (AlreadySubmitted, with `already_sent`)."""
    if not is_valid_shape(token):
        raise Conflict(
            "This form lost its one-time token; reload the page and try again.", field="_form"
        )
    if not claim_form_token(token, purpose):
        raise AlreadySubmitted(already_sent)


def claim_form_token(token: str, purpose: str) -> bool:
    """Mark `token` used inside the caller's transaction; False when it was used already.

    Called first inside the use case that does the work, so the claim commits or rolls back
    with it: a refused payment leaves the token free for the corrected resubmission.
    """
    if not is_valid_shape(token):
        return False
    # Waits for a concurrent claim of the same token, then skips it.
    claim = insert_or_skip(UsedFormToken.__table__, ("token",), (UsedFormToken.token,))
    values = {"token": token, "purpose": purpose[:40], "used_at": utcnow()}
    # RETURNING gives a row only when the insert happened (rowcount is not reliable here).
    return db.session.execute(claim, values).scalar() is not None
