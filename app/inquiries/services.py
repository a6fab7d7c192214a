"""Opening, answering and listing inquiries, and the alert for one left unanswered. Services flush only.

Who sees what (``app.auth.policy``): admins every inquiry; a clerk those routed to its office (and those
it asked); a board user those about items its body sent or receives. Someone who may not see an
inquiry or its consignment gets 404, not 403, so that numbers and ids reveal nothing.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, String, case, cast, false, literal, or_, select, update
from sqlalchemy.orm import Session

from app import s10
from app.alerts.services import UNRESOLVED, open_alert
from app.audit.services import record
from app.auth.policy import (
    consignment_scope,
    may_answer_inquiry,
    may_open_inquiry,
    may_see_consignment,
    may_see_inquiry,
)
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.i18n import local_time
from models import Alert, AlertKind, AlertState, Consignment, User
from models.base import utcnow
from models.inquiries import ANSWER_WITHIN, MAX_TEXT, Inquiry, InquiryState

MAX_ID = 2**31 - 1


def cause_key(inquiry_id: int) -> str:
    return f"inquiry:{inquiry_id}"


def routed_office(consignment: Consignment) -> str:
    """Where the item was last seen; before its first scan, the office it was handed in at."""
    return consignment.last_office_code or consignment.origin_code


def visible_consignment(session: Session, actor: User, tracking_text: str) -> Consignment:
    try:
        tracking = s10.parse(tracking_text)
    except s10.S10Error as exc:
        message = _("This is not a valid tracking number (e.g. EB 123 456 785 VN).")
        raise Invalid(message, {"tracking": message}) from exc
    consignment = session.scalar(select(Consignment).where(Consignment.tracking == tracking))
    if consignment is None or not may_see_consignment(actor, consignment):
        raise NotFound(_("No consignment %(tracking)s.", tracking=tracking), {"tracking": _("Unknown.")})
    return consignment


def _check_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > MAX_TEXT:
        message = _("Write 1 to %(n)d characters.", n=MAX_TEXT)
        raise Invalid(message, {field: message})
    return value


def open_inquiry(
    session: Session, actor: User, tracking_text: str, question: str, now: datetime | None = None
) -> Inquiry:
    consignment = visible_consignment(session, actor, tracking_text)
    if not may_open_inquiry(actor, consignment):
        raise Forbidden(_("Only the sending or receiving body, clerks and administrators may ask."))
    question = _check_text(question, "question")
    now = now or utcnow()
    inquiry = Inquiry(
        consignment_id=consignment.id,
        question=question,
        asked_by_id=actor.id,
        asked_at=now,
        office_code=routed_office(consignment),
        due_at=now + ANSWER_WITHIN[consignment.urgency],
        state=InquiryState.OPEN,
    )
    session.add(inquiry)
    session.flush()
    record(
        session, actor, "inquiry.open", "consignment", consignment.tracking,
        inquiry=inquiry.id, office=inquiry.office_code, due_at=inquiry.due_at.isoformat(), question=question,
    )  # fmt: skip
    return inquiry


def get_inquiry(session: Session, actor: User, inquiry_id: int) -> Inquiry:
    # Ids are 32-bit in PostgreSQL: a larger number is unknown, not an out-of-range database error.
    inquiry = session.get(Inquiry, inquiry_id) if 0 < inquiry_id <= MAX_ID else None
    if inquiry is None or not may_see_inquiry(actor, inquiry):
        raise NotFound(_("No inquiry %(id)s.", id=inquiry_id), {"id": _("Unknown inquiry.")})
    return inquiry


def answer_inquiry(
    session: Session, actor: User, inquiry_id: int, answer: str, now: datetime | None = None
) -> Inquiry:
    inquiry = get_inquiry(session, actor, inquiry_id)
    if not may_answer_inquiry(actor, inquiry):
        raise Forbidden(
            _("Only the clerks of office %(office)s may answer this inquiry.", office=inquiry.office_code)
        )
    answer = _check_text(answer, "answer")
    now = now or utcnow()
    # Conditional on still being open: of two clerks answering at once, one wins and the other gets 409.
    changed = session.execute(
        update(Inquiry)
        .where(Inquiry.id == inquiry.id, Inquiry.state == InquiryState.OPEN)
        .values(state=InquiryState.ANSWERED, answer=answer, answered_by_id=actor.id, answered_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        raise Conflict(_("This inquiry has already been answered."), {"answer": _("Already answered.")})
    session.refresh(inquiry)
    _resolve_overdue(session, [inquiry.id], _("Answered."), now)
    record(
        session, actor, "inquiry.answer", "consignment", inquiry.consignment.tracking,
        inquiry=inquiry.id, late=inquiry.due_at < now, answer=answer,
    )  # fmt: skip
    return inquiry


def inquiries_query(
    actor: User,
    state: InquiryState | None = None,
    office: str | None = None,
    consignment_id: int | None = None,
) -> Select[tuple[Inquiry]]:
    """The inquiries the actor may see: open ones first, soonest deadline first; then the latest answers."""
    query = select(Inquiry).join(Consignment, Consignment.id == Inquiry.consignment_id).where(_scope(actor))
    if state is not None:
        query = query.where(Inquiry.state == state)
    if office:
        query = query.where(Inquiry.office_code == office)
    if consignment_id is not None:
        query = query.where(Inquiry.consignment_id == consignment_id)
    is_open = Inquiry.state == InquiryState.OPEN
    return query.order_by(
        case((is_open, 0), else_=1),
        case((is_open, Inquiry.due_at)),
        Inquiry.answered_at.desc(),
        Inquiry.id,
    )


def _scope(actor: User) -> ColumnElement[bool]:
    # The SQL form of policy.may_see_inquiry, over the scope the policy gives the actor.
    scope = consignment_scope(actor)
    if scope.everything:
        return Inquiry.id.is_not(None)
    mine = Inquiry.asked_by_id == actor.id
    if scope.body is not None:
        return or_(mine, Consignment.sender_code == scope.body, Consignment.recipient_code == scope.body)
    if scope.office is not None:
        return or_(mine, Inquiry.office_code == scope.office)
    return or_(mine, false())


def check_overdue_inquiries(session: Session, now: datetime) -> int:
    """Raise ``inquiry_overdue`` for each open inquiry past its deadline; returns how many were opened.

    The alert carries the office the inquiry was routed to (so it reaches the people on duty there) and
    no consignment: an unanswered question is not a flag of the item (flags are the contract's list).
    """
    already = (
        select(Alert.id)
        .where(
            Alert.kind == AlertKind.INQUIRY_OVERDUE,
            Alert.cause_key == literal("inquiry:") + cast(Inquiry.id, String),
            Alert.state.in_(UNRESOLVED),
        )
        .exists()
    )
    # Only those not already alerted: a sweep every minute should not re-insert every overdue inquiry.
    overdue = session.scalars(
        select(Inquiry)
        .where(Inquiry.state == InquiryState.OPEN, Inquiry.due_at <= now, ~already)
        .order_by(Inquiry.id)
    )
    opened = 0
    for inquiry in overdue:
        alert = open_alert(
            session,
            AlertKind.INQUIRY_OVERDUE,
            _describe_overdue(inquiry),
            office_code=inquiry.office_code,
            cause_key=cause_key(inquiry.id),
            data={
                "inquiry": inquiry.id,
                "tracking": inquiry.consignment.tracking,
                "due_at": inquiry.due_at.isoformat(),
            },
            now=now,
        )
        opened += alert is not None
    _resolve_answered(session, now)
    return opened


def _describe_overdue(inquiry: Inquiry) -> str:
    return _(
        "Inquiry about %(tracking)s routed to office %(office)s is unanswered since its deadline %(due)s.",
        tracking=s10.group(inquiry.consignment.tracking),
        office=inquiry.office_code,
        due=local_time(inquiry.due_at),
    )


def _resolve_answered(session: Session, now: datetime) -> None:
    # An answer that raced with a sweep: the alert was opened after the answer resolved nothing.
    keys = session.scalars(
        select(Alert.cause_key).where(Alert.kind == AlertKind.INQUIRY_OVERDUE, Alert.state.in_(UNRESOLVED))
    ).all()
    ids = [int(k.split(":", 1)[1]) for k in keys if k.startswith("inquiry:") and k[8:].isdigit()]
    if ids:
        answered = session.scalars(
            select(Inquiry.id).where(Inquiry.id.in_(ids), Inquiry.state == InquiryState.ANSWERED)
        ).all()
        _resolve_overdue(session, list(answered), _("Answered."), now)


def _resolve_overdue(session: Session, inquiry_ids: list[int], resolution: str, now: datetime) -> int:
    if not inquiry_ids:
        return 0
    statement = (
        update(Alert)
        .where(
            Alert.kind == AlertKind.INQUIRY_OVERDUE,
            Alert.consignment_id.is_(None),
            Alert.cause_key.in_([cause_key(i) for i in inquiry_ids]),
            Alert.state.in_(UNRESOLVED),
        )
        .values(state=AlertState.RESOLVED, resolved_at=now, resolution=resolution)
        .execution_options(synchronize_session="fetch")
    )
    return session.execute(statement).rowcount or 0
