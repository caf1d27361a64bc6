"""The technician's "work finished" mark on an order, waiting for the office's review.

The order stays in progress until the office closes it (complete_order); the mark only says
the technician is done on site. Sending the order back or re-opening it removes the mark.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.db import UTCDateTime, utcnow
from app.extensions import db


class WorkFinished(db.Model):
    __tablename__ = "order_work_finished"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("service_orders.id", ondelete="CASCADE"), unique=True
    )
    finished_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    finished_by: Mapped[User] = relationship()
