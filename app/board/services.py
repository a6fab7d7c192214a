"""Queries behind the board: counts, lists, open alerts and the dispatch matrix of one election body.

Every function answers for one body (``body_code``); who may ask for which body is decided by
``app.auth.policy`` at the top of each entry point. Queries are set-based: the number of statements
does not grow with the number of consignments shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from app import s10
from app.alerts.services import UNRESOLVED, flags_of
from app.auth.policy import is_admin, may_act_for_body
from app.errors import Forbidden, NotFound
from models import SEVERITY, Alert, Body, Consignment, Dispatch, ScanEvent, Status, User
from models.base import utcnow

SENT, RECEIVED = "sent", "received"
BOARD_LIST_SIZE = 50
BOARD_ALERTS = 20  # the gravest open alerts the board lists; /alerts lists them all


def board_body(session: Session, actor: User, requested: str | None) -> Body:
    """The body whose board is shown: a board user's own; an admin's choice (the province by default)."""
    code = requested if is_admin(actor) and requested else actor.body_code
    if code is None:
        code = session.scalar(select(Body.code).where(Body.kind == "province_commission").order_by(Body.code))
    body = session.get(Body, code) if code else None
    if body is None:
        raise NotFound(_("No election body with code %(code)s.", code=code), {"body": _("Unknown body.")})
    if not may_act_for_body(actor, body.code):
        raise Forbidden(_("You may only act for your own election body."))
    return body


def _side(direction: str, body_code: str) -> Any:
    column = Consignment.sender_code if direction == SENT else Consignment.recipient_code
    return column == body_code


def status_counts(session: Session, body_code: str, direction: str) -> dict[str, int]:
    rows = session.execute(
        select(Consignment.status, func.count())
        .where(_side(direction, body_code), Consignment.status != Status.CANCELLED)
        .group_by(Consignment.status)
    )
    counts = {status.value: 0 for status in Status if status is not Status.CANCELLED}
    counts.update({status.value: n for status, n in rows})
    return counts


@dataclass
class Row:
    consignment: Consignment
    flags: list[str]
    last_event: ScanEvent | None

    @property
    def late(self) -> bool:
        c = self.consignment
        if "late" in self.flags:
            return True
        if c.delivered_at is not None:
            return c.delivered_at > c.due_at
        return c.status not in (Status.RETURNED, Status.CANCELLED) and c.due_at < utcnow()


def _with_details(session: Session, consignments: list[Consignment]) -> list[Row]:
    ids = [c.id for c in consignments]
    flags = flags_of(session, ids)
    last = last_events(session, ids)
    return [Row(c, flags[c.id], last.get(c.id)) for c in consignments]


def last_events(session: Session, consignment_ids: list[int]) -> dict[int, ScanEvent]:
    """The latest event (by event time) of each consignment, in one query."""
    if not consignment_ids:
        return {}
    ranked = (
        select(
            ScanEvent.id,
            func.row_number()
            .over(
                partition_by=ScanEvent.consignment_id,
                order_by=(ScanEvent.at.desc(), ScanEvent.recorded_at.desc()),
            )
            .label("rank"),
        )
        .where(ScanEvent.consignment_id.in_(consignment_ids))
        .subquery()
    )
    events = session.scalars(
        select(ScanEvent).join(ranked, ranked.c.id == ScanEvent.id).where(ranked.c.rank == 1)
    ).all()
    return {e.consignment_id: e for e in events}


def search_filter(query: Select[Any], q: str | None) -> Select[Any]:
    if not q:
        return query
    try:
        return query.where(Consignment.tracking == s10.parse(q))
    except s10.S10Error:
        return query.where(
            or_(Consignment.doc_number.ilike(f"%{q}%"), Consignment.tracking.ilike(f"%{s10.normalise(q)}%"))
        )


def consignment_rows(session: Session, body_code: str, direction: str, q: str | None = None) -> list[Row]:
    query = (
        select(Consignment)
        .where(_side(direction, body_code))
        .options(joinedload(Consignment.destination), joinedload(Consignment.origin))
        .order_by(Consignment.registered_at.desc(), Consignment.id.desc())
        .limit(BOARD_LIST_SIZE)
    )
    return _with_details(session, list(session.scalars(search_filter(query, q)).unique()))


def _open_alerts_of(body_code: str) -> Select[Any]:
    return (
        select(Alert)
        .join(Consignment, Consignment.id == Alert.consignment_id)
        .where(
            Alert.state.in_(UNRESOLVED),
            or_(Consignment.sender_code == body_code, Consignment.recipient_code == body_code),
        )
    )


def open_alert_count(session: Session, body_code: str) -> int:
    """How many unresolved alerts the body has: the board's badge, whatever part of them it lists."""
    counted = _open_alerts_of(body_code).with_only_columns(func.count(Alert.id)).order_by(None)
    return session.scalar(counted) or 0


def open_alerts(session: Session, body_code: str, limit: int = BOARD_ALERTS) -> list[Alert]:
    """Unresolved alerts on what the body sent or receives, most severe and newest first."""
    alerts = session.scalars(
        _open_alerts_of(body_code)
        .options(joinedload(Alert.consignment))
        .order_by(Alert.opened_at.desc())
        .limit(200)
    ).all()
    alerts = sorted(alerts, key=lambda a: (SEVERITY.get(a.kind, 9), -a.opened_at.timestamp()))
    return alerts[:limit]


@dataclass
class DispatchProgress:
    dispatch: Dispatch
    total: int
    delivered: int
    late: int


def recent_dispatches(session: Session, body_code: str, limit: int = 10) -> list[DispatchProgress]:
    now = utcnow()
    overdue = or_(
        Consignment.delivered_at > Consignment.due_at,
        (Consignment.delivered_at.is_(None))
        & (Consignment.due_at < now)
        & (Consignment.status != Status.CANCELLED),
    )
    rows = session.execute(
        select(
            Dispatch,
            func.count(Consignment.id),
            func.sum(case((Consignment.status == Status.DELIVERED, 1), else_=0)),
            func.sum(case((overdue, 1), else_=0)),
        )
        .join(Consignment, Consignment.dispatch_id == Dispatch.id)
        .where(Dispatch.sender_code == body_code)
        .group_by(Dispatch.id)
        .order_by(Dispatch.created_at.desc())
        .limit(limit)
    ).all()
    return [DispatchProgress(d, total, int(done or 0), int(n_late or 0)) for d, total, done, n_late in rows]


@dataclass
class Matrix:
    dispatch: Dispatch
    sender: Body
    rows: list[Row] = field(default_factory=list)
    generated_at: datetime = field(default_factory=utcnow)

    @property
    def summary(self) -> dict[str, int]:
        delivered = sum(1 for r in self.rows if r.consignment.status is Status.DELIVERED)
        return {
            "total": len(self.rows),
            "delivered": delivered,
            "pending": len(self.rows) - delivered,
            "late": sum(1 for r in self.rows if r.late),
            "flagged": sum(1 for r in self.rows if r.flags),
        }

    @property
    def title_visible(self) -> str | None:
        first = self.rows[0].consignment if self.rows else None
        return None if first is None or first.classified else self.dispatch.doc_title


def dispatch_matrix(session: Session, actor: User, dispatch_id: int) -> Matrix:
    dispatch = session.get(Dispatch, dispatch_id)
    # A dispatch one may not see answers as if it did not exist.
    if dispatch is None or not may_act_for_body(actor, dispatch.sender_code):
        raise NotFound(_("No dispatch %(id)s.", id=dispatch_id), {"id": _("Unknown dispatch.")})
    consignments = list(
        session.scalars(
            select(Consignment)
            .where(Consignment.dispatch_id == dispatch.id)
            .options(joinedload(Consignment.destination))
            .order_by(Consignment.dispatch_position, Consignment.id)
        ).unique()
    )
    return Matrix(dispatch, session.get_one(Body, dispatch.sender_code), _with_details(session, consignments))
