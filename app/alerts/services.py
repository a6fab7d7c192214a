"""Opening and resolving alerts. A consignment's flags are its unresolved alerts' kinds.

Opening is an INSERT … ON CONFLICT DO NOTHING against the partial unique index on unresolved
alerts, so any number of processes (sweeps on several hosts, concurrent scans) raise each cause once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Alert, AlertKind, AlertState, Consignment
from models.base import utcnow

UNRESOLVED = (AlertState.OPEN, AlertState.ACKNOWLEDGED)


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def open_alert(
    session: Session,
    kind: AlertKind,
    detail: str,
    *,
    consignment: Consignment | None = None,
    office_code: str | None = None,
    cause_key: str = "",
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Alert | None:
    """Open an alert unless the same cause is already unresolved; return the new alert, or None."""
    now = now or utcnow()
    values = {
        "kind": kind.value,
        "consignment_id": consignment.id if consignment is not None else None,
        "cause_key": cause_key,
        "office_code": office_code,
        "state": AlertState.OPEN.value,
        "opened_at": now,
        "detail": detail,
        "data": data or {},
    }
    if consignment is not None:
        target = {
            "index_elements": ["consignment_id", "kind", "cause_key"],
            "index_where": text("state <> 'resolved'"),
        }
    else:
        target = {
            "index_elements": ["kind", "cause_key"],
            "index_where": text("state <> 'resolved' AND consignment_id IS NULL"),
        }
    statement = _insert(session)(Alert).values(**values).on_conflict_do_nothing(**target).returning(Alert.id)
    alert_id = session.execute(statement).scalar_one_or_none()
    if alert_id is None:
        return None
    if consignment is not None:
        consignment.changed_at = now
    return session.get(Alert, alert_id)


def resolve_alerts(
    session: Session,
    consignment: Consignment,
    kinds: Iterable[AlertKind],
    resolution: str,
    now: datetime | None = None,
) -> list[int]:
    """Resolve the unresolved alerts of these kinds on a consignment: their cause has cleared."""
    now = now or utcnow()
    statement = (
        update(Alert)
        .where(
            Alert.consignment_id == consignment.id,
            Alert.kind.in_(list(kinds)),
            Alert.state.in_(UNRESOLVED),
        )
        .values(state=AlertState.RESOLVED, resolved_at=now, resolution=resolution)
        .returning(Alert.id)
        .execution_options(synchronize_session=False)
    )
    resolved = list(session.execute(statement).scalars())
    if resolved:
        consignment.changed_at = now
    return resolved


def flags_of(session: Session, consignment_ids: Iterable[int]) -> dict[int, list[str]]:
    """consignment id -> sorted flag names, in one query for any number of consignments."""
    ids = list(consignment_ids)
    result: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return result
    rows = session.execute(
        select(Alert.consignment_id, Alert.kind)
        .where(Alert.consignment_id.in_(ids), Alert.state.in_(UNRESOLVED))
        .distinct()
    )
    for consignment_id, kind in rows:
        result[consignment_id].append(kind.value)
    for flags in result.values():
        flags.sort()
    return result
