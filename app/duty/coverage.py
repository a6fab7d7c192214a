"""Duty coverage: the intervals nobody covers, and ``duty_gap`` alerts for those that matter soon.

Which duty an office must have (``REQUIRED``): every office its shift duty; a sorting centre also its
operations and leadership duty, which answer for the post offices under it when they have nobody.
A required gap becomes an alert when it falls within the next 24 hours of an election period; the
alert resolves when a shift covers the gap's start, when the gap is over, or when it no longer
falls within the next 24 hours of an election period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.alerts.services import UNRESOLVED, open_alert
from app.duty import intervals
from app.duty.labels import kind_label
from app.duty.periods import Period, election_periods, periods_near
from app.i18n import local_time
from models import Alert, AlertKind, AlertState, Office, OfficeKind, User
from models.base import utcnow
from models.duty import DutyKind, DutyShift

HORIZON = timedelta(hours=24)
REQUIRED: dict[OfficeKind, frozenset[DutyKind]] = {
    OfficeKind.POST_OFFICE: frozenset({DutyKind.SHIFT}),
    OfficeKind.SORTING_CENTRE: frozenset(DutyKind),
}


@dataclass(frozen=True)
class Gap:
    office_code: str
    kind: DutyKind
    starts_at: datetime
    ends_at: datetime
    required: bool

    @property
    def cause_key(self) -> str:
        # Stable while the gap lasts: its start does not move as the clock does.
        return f"{self.office_code}:{self.kind.value}:{self.starts_at.isoformat()}"


@dataclass
class CheckResult:
    opened: int = 0
    resolved: int = 0

    def __str__(self) -> str:  # the sweep prints it
        return f"{self.opened} opened, {self.resolved} resolved"


def find_gaps(
    session: Session,
    start: datetime,
    end: datetime,
    office_codes: list[str] | None = None,
    kinds: list[DutyKind] | None = None,
) -> list[Gap]:
    """Per office and kind, the parts of [start, end) that no active person's shift covers."""
    offices = _offices(session, office_codes)
    wanted = kinds or list(DutyKind)
    covered = _covered(session, start, end, list(offices))
    found = []
    for code, office_kind in offices.items():
        for kind in wanted:
            for gap_start, gap_end in intervals.gaps(start, end, covered.get((code, kind), [])):
                found.append(Gap(code, kind, gap_start, gap_end, kind in REQUIRED[office_kind]))
    return found


def _offices(session: Session, codes: list[str] | None) -> dict[str, OfficeKind]:
    query = select(Office.code, Office.kind).order_by(Office.code)
    if codes is not None:
        query = query.where(Office.code.in_(codes))
    return dict(session.execute(query).tuples().all())


def _covered(
    session: Session, start: datetime, end: datetime, codes: list[str]
) -> dict[tuple[str, DutyKind], list[tuple[datetime, datetime]]]:
    rows = session.execute(
        select(DutyShift.office_code, DutyShift.kind, DutyShift.starts_at, DutyShift.ends_at)
        .join(User, User.id == DutyShift.user_id)
        .where(
            DutyShift.office_code.in_(codes),
            DutyShift.starts_at < end,
            DutyShift.ends_at > start,
            User.active.is_(True),
        )
    )
    covered: dict[tuple[str, DutyKind], list[tuple[datetime, datetime]]] = {}
    for office_code, kind, shift_start, shift_end in rows:
        covered.setdefault((office_code, kind), []).append((shift_start, shift_end))
    return covered


def upcoming_gaps(session: Session, now: datetime, periods: list[Period] | None = None) -> dict[str, Gap]:
    """Required gaps that overlap the next 24 hours within an election period, by cause key."""
    periods = election_periods(session) if periods is None else periods
    current: dict[str, Gap] = {}
    for period_start, period_end in periods_near(periods, now, HORIZON):
        # The whole period is searched so that a gap keeps the start it really has (a stable key).
        for gap in find_gaps(session, period_start, period_end):
            if gap.required and gap.starts_at < now + HORIZON and gap.ends_at > now:
                current[gap.cause_key] = gap
    return current


def check_duty_gaps(session: Session, now: datetime, periods: list[Period] | None = None) -> CheckResult:
    """Open a ``duty_gap`` alert for each upcoming required gap; resolve those whose gap is gone.

    Safe to run from several sweeps at once: opening is race-safe and resolving is idempotent.
    """
    current = upcoming_gaps(session, now, periods)
    unresolved = _unresolved_gap_alerts(session)
    already = {alert.cause_key for alert in unresolved}
    result = CheckResult()
    for key, gap in current.items():
        if key in already:
            continue
        alert = open_alert(
            session,
            AlertKind.DUTY_GAP,
            _describe(gap),
            office_code=gap.office_code,
            cause_key=key,
            data=_gap_data(gap),
            now=now,
        )
        result.opened += alert is not None
    for alert in unresolved:
        if alert.cause_key not in current:
            covered = _start_covered(session, alert)
            reason = _("Covered by a duty shift.") if covered else _("The gap is over or no longer imminent.")
            result.resolved += _resolve(session, alert, reason, now)
    return result


def resolve_covered_gaps(
    session: Session, office_code: str, kind: DutyKind, now: datetime | None = None
) -> int:
    """Right after a shift is entered: resolve this office's gap alerts whose start it now covers."""
    resolved = 0
    for alert in _unresolved_gap_alerts(session, office_code):
        if alert.data.get("kind") == kind.value and _start_covered(session, alert):
            resolved += _resolve(session, alert, _("Covered by a duty shift."), now or utcnow())
    return resolved


def _unresolved_gap_alerts(session: Session, office_code: str | None = None) -> list[Alert]:
    query = select(Alert).where(
        Alert.kind == AlertKind.DUTY_GAP, Alert.consignment_id.is_(None), Alert.state.in_(UNRESOLVED)
    )
    if office_code is not None:
        query = query.where(Alert.office_code == office_code)
    return list(session.scalars(query))


def _start_covered(session: Session, alert: Alert) -> bool:
    data = alert.data or {}
    try:
        start = datetime.fromisoformat(data["starts_at"])
        kind = DutyKind(data["kind"])
    except (KeyError, TypeError, ValueError):
        return False
    hit = session.scalar(
        select(DutyShift.id)
        .join(User, User.id == DutyShift.user_id)
        .where(
            DutyShift.office_code == alert.office_code,
            DutyShift.kind == kind,
            DutyShift.starts_at <= start,
            DutyShift.ends_at > start,
            User.active.is_(True),
        )
        .limit(1)
    )
    return hit is not None


def _resolve(session: Session, alert: Alert, reason: str, now: datetime) -> int:
    # A conditional UPDATE: when two sweeps race, one resolves and the other changes nothing.
    statement = (
        update(Alert)
        .where(Alert.id == alert.id, Alert.state.in_(UNRESOLVED))
        .values(state=AlertState.RESOLVED, resolved_at=now, resolution=reason)
        .execution_options(synchronize_session=False)
    )
    changed = session.execute(statement).rowcount or 0
    session.expire(alert)
    return changed


def _gap_data(gap: Gap) -> dict[str, str]:
    return {
        "office": gap.office_code,
        "kind": gap.kind.value,
        "starts_at": gap.starts_at.isoformat(),
        "ends_at": gap.ends_at.isoformat(),
    }


def _describe(gap: Gap) -> str:
    return _(
        "Nobody on %(kind)s at office %(office)s from %(start)s to %(end)s.",
        kind=kind_label(gap.kind).lower(),
        office=gap.office_code,
        start=local_time(gap.starts_at),
        end=local_time(gap.ends_at),
    )
