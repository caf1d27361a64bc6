"""The dispatcher's schedule: a day or a week of visits, one lane per technician, beside the
new orders nobody is assigned to yet. Reads only; the page moves a visit through
`services.move_visit`.

Times are laid out on the company's wall clock: a visit from 09:00 to 11:00 local time sits
at 09:00 on the grid whatever the offset to UTC that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from app.auth.models import User
from app.extensions import db
from app.service_orders.board import technicians
from app.service_orders.models import PRIORITIES, ServiceOrder
from app.service_orders.operations import company_zone

SPANS = ("day", "week")
# A day shows these hours, widened to whole hours around any visit outside them.
DAY_HOURS = (7, 19)
SNAP_MINUTES = 15
# Where a new order dropped on a day of the week view starts (the day view takes the drop point).
NEW_VISIT_START = time(8, 0)
UNASSIGNED_LIMIT = 50
# Only these may be dragged: an order in progress keeps its window (its team changes
# through Assign…), a finished one is history.
MOVABLE_STATES = ("new", "scheduled")
OPEN_STATES = ("new", "scheduled", "in_progress")


@dataclass(frozen=True)
class Period:
    """The days on screen: one day, or the Monday-to-Sunday week holding it."""

    first: date
    span: str

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.length)]

    @property
    def length(self) -> int:
        return 7 if self.span == "week" else 1

    @property
    def previous(self) -> date:
        return self.first - timedelta(days=self.length)

    @property
    def following(self) -> date:
        return self.first + timedelta(days=self.length)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as instants: local midnight of the first day to that after the last."""
        start = datetime.combine(self.first, time(0), zone)
        return start, datetime.combine(self.following, time(0), zone)


def period(day: date, span: str) -> Period:
    """The period of `span` ("day" or "week") that holds `day`."""
    if span == "week":
        return Period(day - timedelta(days=day.weekday()), "week")
    return Period(day, "day")


@dataclass
class Visit:
    """An order's window as one lane shows it on one day (a visit past midnight shows on
    both days)."""

    order: ServiceOrder
    day: date  # the day this part of the visit is shown on
    start: datetime  # company-local
    end: datetime  # company-local
    from_minute: int = 0  # where it starts and ends within the day shown, in minutes
    to_minute: int = 0
    track: int = 0  # the row it takes in its lane, where visits share time
    overlap: bool = False

    @property
    def movable(self) -> bool:
        return self.order.state in MOVABLE_STATES

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass
class Lane:
    """One technician's row: their visits per day, and how many rows overlaps need."""

    technician: User
    days: dict[date, list[Visit]] = field(default_factory=dict)

    @property
    def tracks(self) -> int:
        return max((v.track + 1 for visits in self.days.values() for v in visits), default=1)

    @property
    def overlaps(self) -> int:
        return sum(v.overlap for visits in self.days.values() for v in visits)


@dataclass
class Schedule:
    period: Period
    lanes: list[Lane]
    unassigned: list[ServiceOrder]
    unassigned_total: int
    first_hour: int
    last_hour: int

    @property
    def hours(self) -> list[int]:
        return list(range(self.first_hour, self.last_hour))

    def position(self, visit: Visit) -> dict[str, float]:
        """Left edge and width of a visit in a day view, as percentages of the lane."""
        first, last = self.first_hour * 60, self.last_hour * 60
        start = max(visit.from_minute, first)
        end = min(visit.to_minute, last)
        span = last - first
        return {
            "left": round((start - first) / span * 100, 3),
            "width": round(max(end - start, SNAP_MINUTES) / span * 100, 3),
        }


def build_schedule(shown: Period) -> Schedule:
    """Every technician's lane for the period, and the unassigned new orders."""
    zone = company_zone()  # one read of the setting for every visit on the page
    orders = _orders_in(shown, zone)
    lanes = {t.id: Lane(t) for t in technicians()}
    for order in orders:
        for technician in order.technicians:
            lane = lanes.setdefault(technician.id, Lane(technician))
            for day in shown.days:
                visit = _visit_on(order, day, zone)
                if visit is not None:
                    lane.days.setdefault(day, []).append(visit)
    for lane in lanes.values():
        for visits in lane.days.values():
            _stack(visits)
    first_hour, last_hour = _hours(
        [v for lane in lanes.values() for visits in lane.days.values() for v in visits]
    )
    waiting, total = _unassigned()
    return Schedule(
        period=shown,
        lanes=sorted(lanes.values(), key=lambda lane: (lane.technician.name or "").lower()),
        unassigned=waiting,
        unassigned_total=total,
        first_hour=first_hour,
        last_hour=last_hour,
    )


def _orders_in(shown: Period, zone: ZoneInfo) -> list[ServiceOrder]:
    start, end = shown.bounds(zone)
    stmt = (
        select(ServiceOrder)
        .where(
            ServiceOrder.state != "cancelled",
            ServiceOrder.scheduled_start < end,
            ServiceOrder.scheduled_end > start,
        )
        .options(selectinload(ServiceOrder.technicians))
        .order_by(ServiceOrder.scheduled_start, ServiceOrder.id)
    )
    return list(db.session.scalars(stmt))


def _visit_on(order: ServiceOrder, day: date, zone: ZoneInfo) -> Visit | None:
    """The part of the order's window that falls on `day`, local time, or None."""
    if order.scheduled_start is None or order.scheduled_end is None:
        return None
    start, end = order.scheduled_start.astimezone(zone), order.scheduled_end.astimezone(zone)
    day_start = datetime.combine(day, time(0), zone)
    day_end = datetime.combine(day + timedelta(days=1), time(0), zone)
    if start >= day_end or end <= day_start:
        return None
    return Visit(
        order,
        day,
        start,
        end,
        from_minute=_wall_minute(start) if start >= day_start else 0,
        to_minute=_wall_minute(end) if end < day_end else 24 * 60,
    )


def _wall_minute(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def _stack(visits: list[Visit]) -> None:
    """Give visits that share time separate rows, and flag open ones that clash."""
    visits.sort(key=lambda v: (v.from_minute, v.to_minute, v.order.id))
    track_ends: list[int] = []
    for visit in visits:
        for track, ends in enumerate(track_ends):
            if ends <= visit.from_minute:
                visit.track, track_ends[track] = track, visit.to_minute
                break
        else:
            visit.track = len(track_ends)
            track_ends.append(visit.to_minute)
    open_visits = [v for v in visits if v.order.state in OPEN_STATES]
    for index, visit in enumerate(open_visits):
        for other in open_visits[index + 1 :]:
            if other.from_minute < visit.to_minute and visit.from_minute < other.to_minute:
                visit.overlap = other.overlap = True


def _hours(visits: list[Visit]) -> tuple[int, int]:
    first, last = DAY_HOURS
    for visit in visits:
        first = min(first, visit.from_minute // 60)
        last = max(last, -(-visit.to_minute // 60))
    return first, last


def _unassigned() -> tuple[list[ServiceOrder], int]:
    """New orders, most urgent first, then oldest first; and how many there are."""
    urgency = case(
        {name: rank for rank, name in enumerate(reversed(PRIORITIES))},
        value=ServiceOrder.priority,
        else_=len(PRIORITIES),
    )
    stmt: Any = (
        select(ServiceOrder)
        .where(ServiceOrder.state == "new")
        .order_by(urgency, ServiceOrder.created_at, ServiceOrder.id)
        .limit(UNASSIGNED_LIMIT)
    )
    total = db.session.scalar(
        select(func.count()).select_from(ServiceOrder).where(ServiceOrder.state == "new")
    )
    return list(db.session.scalars(stmt)), int(total or 0)
