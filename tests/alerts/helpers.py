"""Shared helpers of the alert tests: a local clock, items in known states, scans made with the models."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Alert, AlertState, Consignment, EventCode, ScanEvent, Status, Urgency
from models.alerts import ConsignmentCheck
from tests.factories import make_consignment

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> datetime:
    """A local (Vietnam) time as an aware datetime."""
    return datetime(*args, tzinfo=LOCAL)


# Tuesday 10 March 2026, 08:00 in Điện Biên: inside the 2026 election period, when every hour counts.
T0 = local(2026, 3, 10, 8, 0)


def accepted(
    session: Session, at: datetime = T0, urgency: Urgency = Urgency.FLASH, **overrides: Any
) -> Consignment:
    """An item accepted (EMA) at its origin office at ``at``, due ``due_hours`` later (default 4)."""
    due_hours = overrides.pop("due_hours", 4)
    item = make_consignment(
        session,
        now=at,
        urgency=urgency,
        status=Status.ACCEPTED,
        accepted_at=at,
        due_at=at + timedelta(hours=due_hours),
        **overrides,
    )
    scan(session, item, EventCode.EMA, item.origin_code, at)
    return item


def scan(
    session: Session,
    item: Consignment,
    event: EventCode,
    office: str,
    at: datetime,
    status: Status | None = None,
) -> ScanEvent:
    """Record a scan with the models, and move the item as scanning would (the sweep sees the change)."""
    row = ScanEvent(
        id=str(uuid.uuid4()),
        consignment_id=item.id,
        event=event,
        office_code=office,
        at=at,
        recorded_at=at,
        details={"receiver": "Văn thư"} if event == EventCode.EMI else {},
        fingerprint="0" * 64,
    )
    session.add(row)
    item.last_event_at = at
    item.last_office_code = office
    item.changed_at = at
    if status is not None:
        item.status = status
    if event == EventCode.EMI:
        item.status = Status.DELIVERED
        item.delivered_at = at
    session.flush()
    return row


def alerts_of(session: Session, item: Consignment, *, unresolved: bool = False) -> list[Alert]:
    session.expire_all()
    query = select(Alert).where(Alert.consignment_id == item.id).order_by(Alert.id)
    if unresolved:
        query = query.where(Alert.state != AlertState.RESOLVED)
    return list(session.scalars(query))


def next_check(session: Session, item: Consignment) -> datetime | None:
    """When the sweep will look at the item again (None: nothing left to watch)."""
    return session.scalar(
        select(ConsignmentCheck.next_check_at).where(ConsignmentCheck.consignment_id == item.id)
    )


def kinds(alerts: list[Alert]) -> list[str]:
    return sorted(a.kind.value for a in alerts)
