"""Estimated delivery: when an item is now expected at its recipient, revised as it is seen.

The delivery standard is shared evenly over the legs of the route (origin → sorting centre(s) →
delivery office, then the last mile to the recipient): an item last seen at the k-th office of an
n-office route still has (n - k) of n legs to go, counted on the calendar from that sighting. Out for
delivery, half a leg remains. An agreed delivery time (Hẹn giờ) is never promised earlier than agreed,
and no undelivered item is ever expected in the past: a stale estimate is moved ahead (here when a scan
arrives, in the sweep when time passes: app/alerts/sweep.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from app.standards.services import load_calendar, standard_hours
from models import Area, Office, Status, Urgency
from models.base import utcnow


class Estimable(Protocol):
    """What an estimate reads: a Consignment, or a scan batch's plain row of one (app.scans.loading.Item)."""

    status: Status
    urgency: Urgency
    route: Sequence[str] | None
    origin_code: str
    destination_code: str
    last_office_code: str | None
    last_event_at: datetime | None
    accepted_at: datetime | None
    registered_at: datetime
    delivered_at: datetime | None
    deliver_by: datetime | None


def remaining_share(consignment: Estimable) -> float:
    """The fraction of the delivery standard still ahead of the item, from where it was last seen."""
    route = list(consignment.route or []) or [consignment.origin_code, consignment.destination_code]
    legs = len(route)
    if consignment.status == Status.REGISTERED or consignment.last_office_code is None:
        return 1.0
    if consignment.status == Status.OUT_FOR_DELIVERY:
        return 0.5 / legs
    office = consignment.last_office_code
    # The last place on the route where it was seen (a route may pass an office twice); off-route: start.
    position = legs - 1 - route[::-1].index(office) if office in route else 0
    return (legs - position) / legs


def estimate(
    session: Session,
    consignment: Estimable,
    now: datetime | None = None,
    area: Area | None = None,
    hours: Mapping[Urgency, Mapping[Area, int]] | None = None,
) -> datetime | None:
    """When the item is expected at its recipient; None for items returned or cancelled.

    ``area`` is the destination's, when the caller knows it already (a scan batch reads them at once);
    ``hours`` the standards' table, likewise (a query built per item was a visible share of a batch).
    """
    now = now or utcnow()
    if consignment.status == Status.DELIVERED:
        return consignment.delivered_at
    if consignment.status.final:
        return None
    if area is None:
        destination = session.get(Office, consignment.destination_code)
        area = destination.area if destination is not None else Area.RURAL
    standard = hours[consignment.urgency][area] if hours is not None else None
    if standard is None:
        standard = standard_hours(session, consignment.urgency, area)
    seconds = round(standard * 3600 * remaining_share(consignment))
    sight = consignment.last_event_at or consignment.accepted_at or consignment.registered_at
    if consignment.status == Status.REGISTERED:
        sight = max(sight, now)  # the clock starts when it is handed in, not before
    expected = load_calendar(session).add(sight, seconds)
    if consignment.deliver_by is not None and expected < consignment.deliver_by:
        expected = consignment.deliver_by
    return max(expected, now)
