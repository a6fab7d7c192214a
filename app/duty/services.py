"""Duty shifts: putting people on duty, taking them off, and who is on duty where. Services flush only.

Shifts are half-open [starts_at, ends_at): at the instant one shift ends and the next begins, only the
next one is on duty. Only active users count as on duty: a deactivated account reads no alert.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth.policy import may_hold_duty, require_duty_manager
from app.duty.coverage import resolve_covered_gaps
from app.errors import Conflict, Invalid, NotFound
from models import Office, User
from models.base import utcnow
from models.duty import MAX_SHIFT, DutyKind, DutyShift

# Who acts first on an alert: the person on shift, then operations, then leadership.
KIND_ORDER = {DutyKind.SHIFT: 0, DutyKind.OPERATIONS: 1, DutyKind.LEADERSHIP: 2}
# When nobody is on duty at an office, its sorting centre's operations and leadership duty answer for it.
FALLBACK_KINDS = (DutyKind.OPERATIONS, DutyKind.LEADERSHIP)
MAX_LEVELS = 5  # offices above offices: a guard against a parent cycle in the reference data
MAX_ID = 2**31 - 1


def get_shift(session: Session, shift_id: int) -> DutyShift:
    # Ids are 32-bit in PostgreSQL: a larger number is unknown, not an out-of-range database error.
    shift = session.get(DutyShift, shift_id) if 0 < shift_id <= MAX_ID else None
    if shift is None:
        raise NotFound(_("No duty shift %(id)s.", id=shift_id), {"id": _("Unknown duty shift.")})
    return shift


def parent_map(session: Session) -> dict[str, str | None]:
    """office code -> parent office code (the offices table is small: one province's offices)."""
    return dict(session.execute(select(Office.code, Office.parent_code)).tuples().all())


def higher_offices(parents: dict[str, str | None], office_code: str) -> list[str]:
    """The office's parent, grandparent…, nearest first."""
    chain: list[str] = []
    current = parents.get(office_code)
    while current and current not in chain and current != office_code and len(chain) < MAX_LEVELS:
        chain.append(current)
        current = parents.get(current)
    return chain


def create_shift(
    session: Session,
    actor: User,
    *,
    office_code: str,
    username: str,
    kind: DutyKind,
    starts_at: datetime,
    ends_at: datetime,
    note: str | None = None,
    now: datetime | None = None,
) -> DutyShift:
    office = session.get(Office, office_code)
    if office is None:
        raise Invalid(_("Unknown office %(code)s.", code=office_code), {"office": _("Unknown office.")})
    require_duty_manager(actor, office_code)
    now = now or utcnow()
    _check_times(starts_at, ends_at, now)
    person = _duty_person(session, username, office_code, kind)
    shift = DutyShift(
        office_code=office_code,
        user_id=person.id,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note or None,
        created_by_id=actor.id,
    )
    _insert_once(session, shift)
    record(session, actor, "duty.create", "duty_shift", str(shift.id), **_audit_details(shift, person))
    resolve_covered_gaps(session, office_code, kind, now)
    return shift


def _check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise Invalid(_("The shift must end after it starts."), {"ends_at": _("Must be after starts_at.")})
    if ends_at <= now:
        # An ended shift is the record of who was on duty (it can never be removed): written after the
        # fact it would rewrite that record, and a typo in it would stay for good. One under way is fine.
        message = _("This shift has already ended: the roster records duty, it cannot be written afterwards.")
        raise Invalid(message, {"ends_at": message})
    if ends_at - starts_at > MAX_SHIFT:
        message = _("A shift lasts at most %(days)d days: check the dates.", days=MAX_SHIFT.days)
        raise Invalid(message, {"ends_at": message})


def _duty_person(session: Session, username: str, office_code: str, kind: DutyKind) -> User:
    person = session.scalar(select(User).where(User.username == username))
    if person is None:
        raise Invalid(_("No user named %(name)s.", name=username), {"user": _("Unknown user.")})
    higher = higher_offices(parent_map(session), office_code)
    if not may_hold_duty(person, office_code, leadership=kind == DutyKind.LEADERSHIP, higher_offices=higher):
        message = _(
            "%(name)s cannot be on duty at %(office)s: duty is held by the office's own active clerks,"
            " administrators, and for leadership duty the clerks of its sorting centre.",
            name=username,
            office=office_code,
        )
        raise Invalid(message, {"user": message})
    return person


def _insert_once(session: Session, shift: DutyShift) -> None:
    if _exact_duplicate(session, shift) is not None:
        raise Conflict(_("This person already has exactly this shift."), {"starts_at": _("Already entered.")})
    try:
        with session.begin_nested():
            session.add(shift)
            session.flush()
    except IntegrityError as exc:  # the same shift entered at the same moment elsewhere
        raise Conflict(_("This person already has exactly this shift.")) from exc


def _exact_duplicate(session: Session, shift: DutyShift) -> int | None:
    return session.scalar(
        select(DutyShift.id).where(
            DutyShift.office_code == shift.office_code,
            DutyShift.user_id == shift.user_id,
            DutyShift.kind == shift.kind,
            DutyShift.starts_at == shift.starts_at,
            DutyShift.ends_at == shift.ends_at,
        )
    )


def _audit_details(shift: DutyShift, person: User) -> dict[str, Any]:
    return {
        "office": shift.office_code,
        "user": person.username,
        "kind": shift.kind.value,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
    }


def delete_shift(session: Session, actor: User, shift: DutyShift, now: datetime | None = None) -> None:
    """Take a shift off the roster. A shift that has ended is the record of who was on duty: it stays."""
    require_duty_manager(actor, shift.office_code)
    if shift.ends_at <= (now or utcnow()):
        raise Conflict(_("This shift has already ended; it stays on the record."))
    details = _audit_details(shift, shift.user)
    session.delete(shift)
    session.flush()
    record(session, actor, "duty.delete", "duty_shift", str(shift.id), **details)


def shifts_query(
    *,
    office: str | None = None,
    at: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    kind: DutyKind | None = None,
    username: str | None = None,
) -> Select[tuple[DutyShift]]:
    """Shifts on duty at ``at``, or overlapping [start, end), in roster order."""
    query = select(DutyShift).join(User, User.id == DutyShift.user_id)
    if office:
        query = query.where(DutyShift.office_code == office)
    if at is not None:
        query = query.where(DutyShift.starts_at <= at, DutyShift.ends_at > at)
    if start is not None:
        query = query.where(DutyShift.ends_at > start)
    if end is not None:
        query = query.where(DutyShift.starts_at < end)
    if kind is not None:
        query = query.where(DutyShift.kind == kind)
    if username:
        query = query.where(User.username == username)
    return query.order_by(DutyShift.office_code, DutyShift.starts_at, DutyShift.kind, User.username)


def shifts_at(
    session: Session, office_codes: Iterable[str], at: datetime, kinds: Iterable[DutyKind] | None = None
) -> list[DutyShift]:
    """Shifts of active people on duty at these offices at ``at``, front line first."""
    query = (
        select(DutyShift)
        .join(User, User.id == DutyShift.user_id)
        .where(
            DutyShift.office_code.in_(list(office_codes)),
            DutyShift.starts_at <= at,
            DutyShift.ends_at > at,
            User.active.is_(True),
        )
    )
    if kinds is not None:
        query = query.where(DutyShift.kind.in_(list(kinds)))
    shifts = list(session.scalars(query))
    return sorted(shifts, key=lambda s: (KIND_ORDER[s.kind], s.starts_at, s.user.username))


def _usernames(shifts: Iterable[DutyShift]) -> list[str]:
    return list(dict.fromkeys(s.user.username for s in shifts))


def on_duty_for(session: Session, office_code: str | None, at: datetime) -> list[str]:
    """Usernames of the people an alert about this office reaches at ``at``.

    Everyone on duty at the office (shift, then operations, then leadership); if nobody is, the
    operations and leadership duty of its sorting centre (and further up if that is empty too).
    """
    if not office_code:
        return []
    return on_duty_map(session, [office_code], at)[office_code]


def on_duty_map(session: Session, office_codes: Iterable[str | None], at: datetime) -> dict[str, list[str]]:
    """``on_duty_for`` for many offices in two queries (for lists of alerts)."""
    wanted = sorted({code for code in office_codes if code})
    if not wanted:
        return {}
    parents = parent_map(session)
    chains = {code: higher_offices(parents, code) for code in wanted}
    everyone = set(wanted).union(*chains.values())
    by_office: dict[str, list[DutyShift]] = {}
    for shift in shifts_at(session, everyone, at):
        by_office.setdefault(shift.office_code, []).append(shift)
    result: dict[str, list[str]] = {}
    for code in wanted:
        names = _usernames(by_office.get(code, []))
        for higher in chains[code]:
            if names:
                break
            names = _usernames(s for s in by_office.get(higher, []) if s.kind in FALLBACK_KINDS)
        result[code] = names
    return result


def eligible_people(session: Session, office_code: str) -> list[tuple[User, bool]]:
    """Who may be put on duty at the office: (user, only for leadership duty), for the roster form."""
    higher = higher_offices(parent_map(session), office_code)
    people = session.scalars(
        select(User).where(User.active.is_(True)).order_by(User.role, User.office_code, User.username)
    )
    result = []
    for person in people:
        if may_hold_duty(person, office_code, leadership=False):
            result.append((person, False))
        elif may_hold_duty(person, office_code, leadership=True, higher_offices=higher):
            result.append((person, True))
    # The office's own people first, then the sorting centre's leaders, then administrators.
    return sorted(result, key=lambda p: (p[0].office_code != office_code, p[1], p[0].office_code is None))
