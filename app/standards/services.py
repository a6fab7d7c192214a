"""Deadlines from the delivery standards table (hours by urgency × destination area)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DEFAULT_HOURS, Area, DeliveryStandard, Urgency


def standard_hours(session: Session, urgency: Urgency, area: Area) -> int:
    hours = session.scalar(
        select(DeliveryStandard.hours).where(
            DeliveryStandard.urgency == urgency, DeliveryStandard.area == area
        )
    )
    # The table is seeded by the migration; the defaults only cover an admin having deleted a row.
    return hours if hours is not None else DEFAULT_HOURS[urgency][area]


def due_at(
    session: Session, urgency: Urgency, area: Area, start: datetime, deliver_by: datetime | None = None
) -> datetime:
    """When an item started (accepted, or registered as an estimate) at ``start`` must be delivered.

    An agreed delivery time (Hẹn giờ) is the deadline when given.
    """
    if deliver_by is not None:
        return deliver_by
    return start + timedelta(hours=standard_hours(session, urgency, area))
