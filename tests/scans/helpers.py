"""Building scans and reading back what was stored, for the scan and bag tests."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Alert, AlertState, Consignment, EventCode, ScanEvent, Status
from models.base import utcnow

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def scan(tracking: str | None, event: str, at: datetime | None = None, **extra: Any) -> dict[str, Any]:
    """One scan as a device sends it, with a fresh UUID."""
    body: dict[str, Any] = {"id": str(uuid.uuid4()), "event": event}
    if tracking is not None:
        body["tracking"] = tracking
    if at is not None:
        body["at"] = at.astimezone(VN).isoformat()
    body.update(extra)
    return body


def ago(minutes: float) -> datetime:
    return utcnow() - timedelta(minutes=minutes)


def post_scans(api: Any, user: str, scans: list[dict[str, Any]], **kwargs: Any) -> Any:
    return api.as_(user).post("/api/v1/scans", json={"scans": scans}, **kwargs)


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def event_count(session: Session, consignment: Consignment | None = None) -> int:
    query = select(func.count()).select_from(ScanEvent)
    if consignment is not None:
        query = query.where(ScanEvent.consignment_id == consignment.id)
    return session.scalar(query) or 0


def events_of(session: Session, consignment: Consignment) -> list[ScanEvent]:
    return list(
        session.scalars(
            select(ScanEvent)
            .where(ScanEvent.consignment_id == consignment.id)
            .order_by(ScanEvent.at, ScanEvent.recorded_at, ScanEvent.id)
        )
    )


def open_alerts(session: Session, consignment: Consignment, kind: str | None = None) -> list[Alert]:
    query = select(Alert).where(Alert.consignment_id == consignment.id, Alert.state != AlertState.RESOLVED)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    return list(session.scalars(query))


def refreshed(session: Session, consignment: Consignment) -> Consignment:
    session.expire_all()
    return session.get_one(Consignment, consignment.id)


def consignment(session: Session, **overrides: Any) -> Consignment:
    """A consignment made with the factory and committed.

    Under the test harness a commit only releases a savepoint (the test still rolls everything back),
    but it keeps the data when a request that fails rolls back the shared session.
    """
    from tests.factories import make_consignment

    made = make_consignment(session, **{"now": ago(600), **overrides})
    session.commit()
    return made


def accepted(session: Session, **overrides: Any) -> Consignment:
    """A consignment accepted (EMA) at its origin office just after it was registered (about ten hours ago,
    before any scan a test makes), committed: ready to go in a bag."""
    from tests.alerts.helpers import scan as record_scan

    made = consignment(session, **overrides)
    record_scan(session, made, EventCode.EMA, made.origin_code, ago(590), status=Status.ACCEPTED)
    made.accepted_at = ago(590)
    session.commit()
    return made
