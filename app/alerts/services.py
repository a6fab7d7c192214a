"""Opening, resolving, listing and acknowledging alerts. A consignment's flags are its unresolved alerts' kinds.

Opening is an INSERT … ON CONFLICT DO NOTHING against the partial unique index on unresolved
alerts, so any number of processes (sweeps on several hosts, concurrent scans) raise each cause once.
Both write the matching webhook event to the outbox in the same transaction.

For scanning and registration, re-exported here: ``estimate`` (the expected delivery time after a
scan) and ``schedule_check`` / ``mark_for_check`` (have the sweep look at items again; rarely needed:
database triggers already do it whenever a consignment is inserted or changes in what the sweep judges).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select, text, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, aliased, joinedload, selectinload
from sqlalchemy.sql import literal

from app.alerts.estimate import estimate as estimate
from app.alerts.messages import moment
from app.alerts.schedule import mark_for_check as mark_for_check
from app.alerts.schedule import schedule_check as schedule_check
from app.audit.services import record
from app.auth import policy
from app.errors import Conflict, Forbidden, NotFound
from models import SEVERITY, Alert, AlertKind, AlertState, Consignment, Role, Urgency, User
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
    _emit(session, [alert_id], "alert.opened", now)
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
        _emit(session, resolved, "alert.resolved", now)
    return resolved


def _emit(session: Session, alert_ids: list[int], event_type: str, now: datetime) -> None:
    # Webhook events go to the outbox in the same transaction as the alert change (nothing if nobody listens).
    from app.webhooks.services import emit_alert_events

    emit_alert_events(session, alert_ids, event_type, now)


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


# --- Reading and acknowledging ------------------------------------------------------------------------------

STATE_ORDER = {AlertState.OPEN: 0, AlertState.ACKNOWLEDGED: 1, AlertState.RESOLVED: 2}
URGENCY_ORDER = {Urgency.FLASH: 0, Urgency.VERY_URGENT: 1, Urgency.URGENT: 2, Urgency.NORMAL: 3}


def _route_has(session: Session, item: Any, office: str) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return item.route.cast(JSONB).op("@>")(literal([office], JSONB))
    hops = func.json_each(item.route).table_valued("value")
    return exists(select(1).select_from(hops).where(hops.c.value == office))


def _scope(session: Session, item: Any, actor: User) -> ColumnElement[bool]:
    scope = policy.require_alert_list(actor)
    if scope.everything:
        return true()
    if scope.body is not None:
        return or_(item.sender_code == scope.body, item.recipient_code == scope.body)
    if scope.office is not None:
        return or_(
            Alert.office_code == scope.office,
            item.origin_code == scope.office,
            item.destination_code == scope.office,
            item.last_office_code == scope.office,
            _route_has(session, item, scope.office),
        )
    return false()


def alerts_query(
    session: Session,
    actor: User,
    *,
    state: str | None = None,
    states: Iterable[str] | None = None,
    kind: str | None = None,
    office: str | None = None,
    tracking: str | None = None,
) -> Select[tuple[Alert]]:
    """The alerts the actor may see: unresolved first, then the gravest, the most urgent, the newest."""
    # Filtered through an alias; loaded separately (the consignment's own eager joins are inner joins,
    # which would drop the alerts that have no consignment).
    item = aliased(Consignment)
    query = (
        select(Alert)
        .outerjoin(item, Alert.consignment_id == item.id)
        .options(selectinload(Alert.consignment), joinedload(Alert.acknowledged_by))
        .where(_scope(session, item, actor))
    )
    if state:
        query = query.where(Alert.state == AlertState(state))
    if states is not None:
        query = query.where(Alert.state.in_([AlertState(s) for s in states]))
    if kind:
        query = query.where(Alert.kind == AlertKind(kind))
    if office:
        query = query.where(Alert.office_code == office)
    if tracking:
        query = query.where(item.tracking == tracking)
    return query.order_by(
        case(*((Alert.state == s, r) for s, r in STATE_ORDER.items()), else_=9),
        case(*((Alert.kind == k, r) for k, r in SEVERITY.items()), else_=9),
        case(*((item.urgency == u, r) for u, r in URGENCY_ORDER.items()), else_=9),
        Alert.opened_at.desc(),
        Alert.id.desc(),
    )


def open_alert_count(session: Session, actor: User) -> int:
    """How many alerts wait for the actor to take them on (the home page's one number): the open ones they
    may see, and for the post office's staff those only an election body has acknowledged."""
    query = alerts_query(session, actor).where(_may_be_taken_on_by(actor)).order_by(None)
    return session.scalar(select(func.count()).select_from(query.with_only_columns(Alert.id).subquery())) or 0


MAX_ID = 2**31 - 1


def get_alert(session: Session, actor: User, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id) if 0 < alert_id <= MAX_ID else None
    if alert is None:
        raise NotFound(_("No alert %(id)s.", id=alert_id), {"id": _("Unknown alert.")})
    if not policy.may_see_alert(actor, alert):
        raise Forbidden(_("This alert concerns neither your body nor your office."), {"id": _("Not yours.")})
    return alert


def acknowledge(
    session: Session, actor: User, alert_id: int, note: str | None, now: datetime | None = None
) -> Alert:
    """Someone has seen the alert and is acting on it. Only an open alert can be acknowledged."""
    now = now or utcnow()
    alert = get_alert(session, actor, alert_id)
    policy.require_acknowledge_alert(actor, alert)
    # Conditional: a sweep resolving it, or a colleague acknowledging it, at the same moment wins cleanly.
    changed = session.execute(
        update(Alert)
        .where(Alert.id == alert.id, _may_be_taken_on_by(actor))
        .values(
            state=AlertState.ACKNOWLEDGED,
            acknowledged_at=now,
            acknowledged_by_id=actor.id,
            acknowledge_note=note,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(alert)
    if not changed:
        raise Conflict(_conflict_reason(alert), {"id": [_conflict_reason(alert)]})
    record(session, actor, "alert.acknowledge", "alert", alert.id, kind=alert.kind.value, note=note)
    return alert


def _may_be_taken_on_by(actor: User) -> ColumnElement[bool]:
    """An open alert; and for the post office's staff, one only an election body has acknowledged.

    A body's acknowledgement says that its officers have seen the alert and are following it (the contract
    lets them); it must not take the alert from the post office on duty, whose clerks still take it on.
    """
    takeable = Alert.state == AlertState.OPEN
    if actor.role == Role.BOARD:
        return takeable
    by_a_body = Alert.acknowledged_by_id.in_(select(User.id).where(User.role == Role.BOARD))
    return or_(takeable, and_(Alert.state == AlertState.ACKNOWLEDGED, by_a_body))


def _conflict_reason(alert: Alert) -> str:
    if alert.state == AlertState.RESOLVED:
        return _("This alert is already resolved: its cause has cleared.")
    who = alert.acknowledged_by.username if alert.acknowledged_by else "?"
    return _("Already acknowledged by %(user)s.", user=who)


def on_duty(session: Session, alerts: list[Alert], at: datetime) -> dict[int, list[str]]:
    """alert id -> usernames of the people on duty at its office (from the duty roster, when there is one).

    At ``at`` (now), except for a duty gap: nobody covers that duty then, so the people the alert names are
    those it reaches during the gap (the office's other duty, else its sorting centre's operations and
    leadership; docs/operations-desk.md), never the ones on duty now who are missing from the gap.
    """
    try:
        from app.duty.services import on_duty_for, on_duty_map
    except ImportError:  # the duty roster is its own domain; without it nobody is listed
        return {a.id: [] for a in alerts}
    gap_starts = {a.id: start for a in alerts if (start := _gap_start(a)) is not None}
    by_office = on_duty_map(session, [a.office_code for a in alerts if a.id not in gap_starts], at)
    during_gap: dict[tuple[str | None, datetime], list[str]] = {}
    for alert in alerts:
        if alert.id in gap_starts:
            key = (alert.office_code, gap_starts[alert.id])
            if key not in during_gap:
                during_gap[key] = on_duty_for(session, alert.office_code, key[1])
    return {
        a.id: during_gap[(a.office_code, gap_starts[a.id])]
        if a.id in gap_starts
        else by_office.get(a.office_code or "", [])
        for a in alerts
    }


def _gap_start(alert: Alert) -> datetime | None:
    if alert.kind != AlertKind.DUTY_GAP or not isinstance(alert.data, dict):
        return None
    return moment(alert.data.get("starts_at"))
