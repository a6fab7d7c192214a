"""Alerts as people and clients see them: reasons in words, who is on duty, office names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.alerts.messages import moment, render_detail, render_resolution
from app.alerts.services import on_duty
from app.vocabulary import flag_label
from models import SEVERITY, Alert, Office, Role


def office_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(select(Office.code, Office.name).where(Office.code.in_(sorted(codes))))
    return dict(rows.tuples().all())


def present(session: Session, alerts: Sequence[Alert], now: datetime) -> list[dict[str, Any]]:
    duty = on_duty(session, list(alerts), now)
    names = office_names(session, {a.office_code for a in alerts if a.office_code} | _reason_offices(alerts))
    return [_one(alert, duty.get(alert.id, []), names) for alert in alerts]


def details(session: Session, alerts: Sequence[Alert]) -> dict[int, str]:
    """Each alert's reason in the reader's language, by id: what pages listing ORM alerts print, worded
    as the alerts page and the API word it."""
    names = office_names(session, {a.office_code for a in alerts if a.office_code} | _reason_offices(alerts))
    return {alert.id: render_detail(alert, names) for alert in alerts}


def _reason_offices(alerts: Sequence[Alert]) -> set[str]:
    return {str(a.data["office"]) for a in alerts if isinstance(a.data, dict) and a.data.get("office")}


def _one(alert: Alert, duty: list[str], names: dict[str, str]) -> dict[str, Any]:
    consignment = alert.consignment
    data = alert.data if isinstance(alert.data, dict) else {}
    return {
        "id": alert.id,
        "kind": alert.kind.value,
        "kind_label": flag_label(alert.kind),
        "tracking": consignment.tracking if consignment is not None else None,
        "urgency": consignment.urgency.value if consignment is not None else None,
        "office": alert.office_code,
        "office_name": names.get(alert.office_code or ""),
        "opened_at": alert.opened_at,
        "state": alert.state.value,
        "detail": render_detail(alert, names),
        "reason": _reason(data) if data.get("message") else None,
        "severity": SEVERITY.get(alert.kind, 9),
        "on_duty": duty,
        "acknowledged_by": alert.acknowledged_by.username if alert.acknowledged_by else None,
        "acknowledged_by_body": alert.acknowledged_by is not None
        and alert.acknowledged_by.role == Role.BOARD,
        "acknowledged_at": alert.acknowledged_at,
        "note": alert.acknowledge_note,
        "resolved_at": alert.resolved_at,
        "resolution": render_resolution(alert),
    }


def _reason(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "message": data.get("message"),
        "due_at": moment(data.get("due_at")),
        "seen_at": moment(data.get("seen_at")),
        "office": data.get("office"),
        "stall_hours": data.get("stall_hours"),
        "loss_hours": data.get("loss_hours"),
    }
