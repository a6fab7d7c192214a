"""Reading consignments within the caller's scope: one, a filtered list, a dispatch, a timeline.

Scope rule: what a user may not see does not exist for them. A consignment outside the scope answers
404 like an unknown number (never 403), so that tracking numbers of other bodies cannot be probed.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.sql import literal

from app import s10
from app.auth import policy
from app.errors import Invalid, NotFound
from models import Alert, AlertKind, AlertState, Consignment, Dispatch, ScanEvent, Status, User


def parse_tracking(text: str, field: str = "tracking") -> str:
    """The canonical 13 characters; 422 naming the field and what is wrong otherwise."""
    try:
        return s10.parse(text)
    except s10.S10Error as exc:
        if exc.code == "check_digit":
            message = _("The check digit does not match: probably a typing mistake.")
        elif exc.code == "reserved":
            message = _("This service indicator is reserved by the UPU: the number cannot be one of ours.")
        else:
            message = _("Not a tracking number: two letters, 8 digits, a check digit and two letters.")
        raise Invalid(message, {field: [message]}) from exc


def _route_has(session: Session, office: str) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return Consignment.route.cast(JSONB).op("@>")(literal([office], JSONB))
    hops = func.json_each(Consignment.route).table_valued("value")
    return exists(select(1).select_from(hops).where(hops.c.value == office))


def scope_filter(session: Session, actor: User | None) -> ColumnElement[bool]:
    if actor is None:
        return true()
    scope = policy.consignment_scope(actor)
    if scope.everything:
        return true()
    if scope.body is not None:
        return or_(Consignment.sender_code == scope.body, Consignment.recipient_code == scope.body)
    if scope.office is not None:
        return or_(
            Consignment.origin_code == scope.office,
            Consignment.destination_code == scope.office,
            _route_has(session, scope.office),
        )
    if scope.origin_office is not None:
        return Consignment.origin_code == scope.origin_office
    return false()


def get_visible(session: Session, actor: User | None, tracking: str) -> Consignment:
    number = parse_tracking(tracking)
    consignment = session.scalar(select(Consignment).where(Consignment.tracking == number))
    if consignment is None or (actor is not None and not policy.may_see_consignment(actor, consignment)):
        raise NotFound(
            _("No consignment %(tracking)s that you may see.", tracking=s10.group(number)),
            {"tracking": [_("Unknown tracking number.")]},
        )
    return consignment


def list_query(session: Session, actor: User | None, filters: dict[str, Any]) -> Select[Any]:
    """Newest first; a dispatch's consignments in dispatch order."""
    query = select(Consignment).where(scope_filter(session, actor))
    if filters.get("status"):
        query = query.where(Consignment.status.in_([Status(s) for s in filters["status"]]))
    if filters.get("flag"):
        kinds = [AlertKind(f) for f in filters["flag"]]
        query = query.where(
            exists().where(
                Alert.consignment_id == Consignment.id,
                Alert.kind.in_(kinds),
                Alert.state.in_((AlertState.OPEN, AlertState.ACKNOWLEDGED)),
            )
        )
    for key, column in (
        ("sender", Consignment.sender_code),
        ("recipient", Consignment.recipient_code),
        ("origin", Consignment.origin_code),
        ("destination", Consignment.destination_code),
        ("dispatch", Consignment.dispatch_id),
    ):
        if filters.get(key) is not None:
            query = query.where(column == filters[key])
    if filters.get("q"):
        query = query.where(_matches(filters["q"]))
    return query.order_by(Consignment.registered_at.desc(), Consignment.id.asc())


def _matches(q: str) -> ColumnElement[bool]:
    # SQLite folds only ASCII case: also look for the upper-case form ("qđ" finds "12/QĐ-UBBC" there too).
    conditions = [
        Consignment.doc_number.icontains(q, autoescape=True),
        Consignment.doc_number.contains(q.upper(), autoescape=True),
    ]
    compact = s10.normalise(q)
    if compact.isascii() and compact.isalnum() and len(compact) <= 13:
        conditions.append(Consignment.tracking.startswith(compact, autoescape=True))
    return or_(*conditions)


def events_of(session: Session, consignment: Consignment) -> list[ScanEvent]:
    """The timeline, by event time (scanners upload late and out of order)."""
    return list(
        session.scalars(
            select(ScanEvent)
            .where(ScanEvent.consignment_id == consignment.id)
            .order_by(ScanEvent.at, ScanEvent.recorded_at, ScanEvent.id)
        )
    )


def get_dispatch(
    session: Session, actor: User | None, dispatch_id: int
) -> tuple[Dispatch, list[Consignment]]:
    """A dispatch with the consignments of it the caller may see; 404 if they may see none."""
    dispatch = session.get(Dispatch, dispatch_id) if 0 < dispatch_id < 2**31 else None
    consignments: list[Consignment] = []
    if dispatch is not None:
        consignments = list(
            session.scalars(
                select(Consignment)
                .where(and_(Consignment.dispatch_id == dispatch.id, scope_filter(session, actor)))
                .order_by(Consignment.dispatch_position)
            )
        )
    if dispatch is None or not consignments:
        raise NotFound(
            _("No dispatch %(id)d that you may see.", id=dispatch_id), {"id": [_("Unknown dispatch.")]}
        )
    return dispatch, consignments
