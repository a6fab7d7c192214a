"""The numbers behind the board's pictures, for one election body over a recent window."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from statistics import median, quantiles
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.standards.services import standard_hours
from models import Alert, Area, Consignment, Office, Status, Urgency

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WINDOW = timedelta(days=90)


def on_time_by_destination(session: Session, body_code: str, now: datetime) -> list[tuple[str, int, int]]:
    """(destination office name, on time, judged) for what the body sent: delivered, or overdue and not yet."""
    rows = session.execute(
        select(Office.name, Consignment.due_at, Consignment.delivered_at)
        .join(Office, Office.code == Consignment.destination_code)
        .where(
            Consignment.sender_code == body_code,
            Consignment.registered_at >= now - WINDOW,
            Consignment.status.not_in([Status.CANCELLED, Status.RETURNED]),
            or_(Consignment.delivered_at.is_not(None), Consignment.due_at < now),
        )
    )
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, due_at, delivered_at in rows:
        tally[name][1] += 1
        if delivered_at is not None and delivered_at <= due_at:
            tally[name][0] += 1
    # Worst first: where someone should look.
    return sorted(((n, ok, total) for n, (ok, total) in tally.items()), key=lambda r: (r[1] / r[2], r[0]))


def hours_to_delivery_by_urgency(
    session: Session, body_code: str, now: datetime
) -> list[tuple[Urgency, float, float, float]]:
    """(urgency, median hours, 90th percentile, urban standard) from acceptance to delivery."""
    rows = session.execute(
        select(
            Consignment.urgency, Consignment.accepted_at, Consignment.registered_at, Consignment.delivered_at
        ).where(
            Consignment.sender_code == body_code,
            Consignment.delivered_at.is_not(None),
            Consignment.delivered_at >= now - WINDOW,
        )
    )
    hours: dict[Urgency, list[float]] = defaultdict(list)
    for urgency, accepted_at, registered_at, delivered_at in rows:
        start = accepted_at or registered_at
        hours[urgency].append((delivered_at - start).total_seconds() / 3600)
    result = []
    for urgency in (Urgency.FLASH, Urgency.VERY_URGENT, Urgency.URGENT, Urgency.NORMAL):
        values = sorted(hours.get(urgency, []))
        if values:
            p90 = quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
            result.append((urgency, median(values), p90, float(standard_hours(session, urgency, Area.URBAN))))
    return result


def open_alerts_by_day(
    session: Session, body_code: str, now: datetime, days: int = 14
) -> list[tuple[str, int]]:
    """How many alerts on the body's consignments were unresolved at the end of each local day."""
    start = now - timedelta(days=days)
    rows = session.execute(
        select(Alert.opened_at, Alert.resolved_at)
        .join(Consignment, Consignment.id == Alert.consignment_id)
        .where(
            or_(Consignment.sender_code == body_code, Consignment.recipient_code == body_code),
            Alert.opened_at <= now,
            or_(Alert.resolved_at.is_(None), Alert.resolved_at >= start),
        )
    ).all()
    today = now.astimezone(LOCAL_TZ).date()
    points = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        end = min(datetime.combine(day + timedelta(days=1), datetime.min.time(), LOCAL_TZ), now)
        count = sum(1 for opened, resolved in rows if opened <= end and (resolved is None or resolved > end))
        points.append((day.strftime("%d/%m"), count))
    return points
