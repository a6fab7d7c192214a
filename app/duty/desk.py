"""What the duty page shows a person on duty: where they answer for now, the open alerts there, and who is
on duty at any office (with the sorting centre answering for an office that has nobody)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from app.alerts.services import UNRESOLVED
from app.duty.services import FALLBACK_KINDS, on_duty_map, shifts_at
from app.reference.services import offices_query
from models import SEVERITY, Alert, Consignment, Office, User
from models.duty import DutyShift

MAX_ALERTS = 100
MAX_OFFICES = 20


def my_shifts_now(session: Session, person: User, now: datetime) -> list[DutyShift]:
    shifts = session.scalars(
        select(DutyShift)
        .where(DutyShift.user_id == person.id, DutyShift.starts_at <= now, DutyShift.ends_at > now)
        .order_by(DutyShift.office_code, DutyShift.kind)
    )
    return list(shifts)


def offices_answered_for(session: Session, shifts: list[DutyShift], now: datetime) -> list[str]:
    """The offices of one's shifts, and, for operations or leadership duty, the offices under them that
    have nobody on duty now (alerts about those reach this person too: ``on_duty_for``'s fallback)."""
    offices = {s.office_code for s in shifts}
    leading = {s.office_code for s in shifts if s.kind in FALLBACK_KINDS}
    if leading:
        children = session.scalars(select(Office.code).where(Office.parent_code.in_(leading))).all()
        staffed = {s.office_code for s in shifts_at(session, children, now)}
        offices.update(code for code in children if code not in staffed)
    return sorted(offices)


def open_alerts_at(session: Session, office_codes: list[str]) -> list[Alert]:
    """Open and acknowledged alerts of these offices: by the alert's office, or the item's last or
    destination office. Most severe first, then newest."""
    if not office_codes:
        return []
    query = (
        select(Alert)
        .outerjoin(Consignment, Consignment.id == Alert.consignment_id)
        .options(joinedload(Alert.consignment))
        .where(
            Alert.state.in_(UNRESOLVED),
            or_(
                Alert.office_code.in_(office_codes),
                Consignment.last_office_code.in_(office_codes),
                Consignment.destination_code.in_(office_codes),
            ),
        )
        .order_by(Alert.opened_at.desc(), Alert.id.desc())
        .limit(MAX_ALERTS)
    )
    alerts = list(session.scalars(query).unique())
    return sorted(alerts, key=lambda a: SEVERITY.get(a.kind, 9))


@dataclass
class OfficeOnDuty:
    office: Office
    shifts: list[DutyShift]
    # Who alerts reach when nobody is on duty at the office itself (its sorting centre).
    reached: list[str]


def on_duty_now(session: Session, q: str, now: datetime) -> list[OfficeOnDuty]:
    offices = list(session.scalars(offices_query(q=q).limit(MAX_OFFICES)))
    codes = [o.code for o in offices]
    by_office: dict[str, list[DutyShift]] = {}
    for shift in shifts_at(session, codes, now):
        by_office.setdefault(shift.office_code, []).append(shift)
    reached = on_duty_map(session, codes, now)
    return [OfficeOnDuty(o, by_office.get(o.code, []), reached.get(o.code, [])) for o in offices]
