"""A week of one office's roster at a glance (kinds × days, Vietnam time), and copying last week's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.api.schemas import LOCAL_TZ
from app.audit.services import record
from app.auth.policy import require_duty_manager
from app.duty import intervals
from app.duty.coverage import REQUIRED
from app.duty.services import create_shift, shifts_query
from app.errors import Conflict, Invalid
from models import Office, User
from models.duty import DutyKind, DutyShift

WEEK = timedelta(days=7)
ROW_ORDER = (DutyKind.LEADERSHIP, DutyKind.OPERATIONS, DutyKind.SHIFT)


@dataclass
class DayShift:
    shift: DutyShift
    start_label: str
    end_label: str
    # The first day the shift shows on this week: where its "Remove" button goes (once, not on every day).
    first: bool


@dataclass
class Cell:
    day: date
    shifts: list[DayShift] = field(default_factory=list)
    gaps: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Row:
    kind: DutyKind
    required: bool
    cells: list[Cell]


@dataclass
class Week:
    office: Office
    monday: date
    days: list[date]
    rows: list[Row]
    shifts: list[DutyShift]

    @property
    def previous(self) -> date:
        return self.monday - WEEK

    @property
    def next(self) -> date:
        return self.monday + WEEK


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local_midnight(day: date) -> datetime:
    """00:00 Vietnam time of a day, as aware UTC."""
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


def _label(at: datetime, day_end: datetime) -> str:
    # A shift running past midnight shows 24:00 on its first day and continues on the next.
    return "24:00" if at >= day_end else at.astimezone(LOCAL_TZ).strftime("%H:%M")


def week_grid(session: Session, office: Office, monday: date) -> Week:
    start, end = local_midnight(monday), local_midnight(monday + WEEK)
    shifts = list(session.scalars(shifts_query(office=office.code, start=start, end=end)))
    days = [monday + timedelta(days=i) for i in range(7)]
    rows = [_row(office, kind, days, [s for s in shifts if s.kind == kind]) for kind in ROW_ORDER]
    return Week(office, monday, days, rows, shifts)


def _row(office: Office, kind: DutyKind, days: list[date], shifts: list[DutyShift]) -> Row:
    covered = [(s.starts_at, s.ends_at) for s in shifts if s.user.active]
    cells = []
    for day in days:
        day_start, day_end = local_midnight(day), local_midnight(day + timedelta(days=1))
        cell = Cell(day)
        for shift in shifts:
            if intervals.overlaps((shift.starts_at, shift.ends_at), (day_start, day_end)):
                shown_from = max(shift.starts_at, day_start)
                first = shift.starts_at >= day_start or day == days[0]
                cell.shifts.append(
                    DayShift(shift, _label(shown_from, day_end), _label(shift.ends_at, day_end), first)
                )
        cell.gaps = [
            (_label(a, day_end), _label(b, day_end)) for a, b in intervals.gaps(day_start, day_end, covered)
        ]
        cells.append(cell)
    return Row(kind, kind in REQUIRED[office.kind], cells)


@dataclass
class CopyResult:
    copied: int = 0
    skipped: int = 0


def copy_previous_week(session: Session, actor: User, office_code: str, monday: date) -> CopyResult:
    """Duplicate the shifts that started in the week before ``monday`` 7 days later.

    Exact duplicates already on the roster, and people who may no longer hold the duty (deactivated,
    moved to another office), are skipped and counted.
    """
    if session.get(Office, office_code) is None:
        raise Invalid(_("Unknown office %(code)s.", code=office_code), {"office": _("Unknown office.")})
    require_duty_manager(actor, office_code)
    source_start, source_end = local_midnight(monday - WEEK), local_midnight(monday)
    source = session.scalars(shifts_query(office=office_code, start=source_start, end=source_end))
    result = CopyResult()
    for shift in [s for s in source if s.starts_at >= source_start]:
        try:
            create_shift(
                session,
                actor,
                office_code=office_code,
                username=shift.user.username,
                kind=shift.kind,
                starts_at=shift.starts_at + WEEK,
                ends_at=shift.ends_at + WEEK,
                note=shift.note,
            )
            result.copied += 1
        except (Conflict, Invalid):
            result.skipped += 1
    record(
        session, actor, "duty.copy_week", "office", office_code,
        week=monday.isoformat(), copied=result.copied, skipped=result.skipped,
    )  # fmt: skip
    return result
