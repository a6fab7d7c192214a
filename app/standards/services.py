"""Delivery standards: deadlines (hours by urgency × destination area, in counting time), scan gaps
(stalled and suspected-lost thresholds by urgency) and the calendar. Admins change them here.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Boolean, Date, Integer, String, cast, delete, insert, literal, null, select, union_all
from sqlalchemy.orm import Session

from app.audit.services import record
from app.errors import Invalid
from app.standards.calendar import TABLE_FIRST_DAY, Calendar, local_date, table_last_day
from models import DEFAULT_HOURS, Area, DeliveryStandard, Urgency, User
from models.base import utcnow
from models.standards import (
    DEFAULT_SCAN_GAPS,
    CalendarSettings,
    CountingDay,
    ElectionPeriod,
    Holiday,
    ScanGapStandard,
)

_CALENDAR_KEY = "hoatoc.calendar"


def standard_hours(session: Session, urgency: Urgency, area: Area) -> int:
    hours = session.scalar(
        select(DeliveryStandard.hours).where(
            DeliveryStandard.urgency == urgency, DeliveryStandard.area == area
        )
    )
    # The table is seeded by the migration; the defaults only cover an admin having deleted a row.
    return hours if hours is not None else DEFAULT_HOURS[urgency][area]


def load_calendar(session: Session) -> Calendar:
    """The calendar in force, read once per session (a request, a sweep batch)."""
    cached = session.info.get(_CALENDAR_KEY)
    if cached is not None:
        return cached
    settings = session.get(CalendarSettings, 1)
    calendar = Calendar(
        weekends_count=settings.weekends_count if settings else True,
        holidays_count=settings.holidays_count if settings else True,
        holidays=frozenset(session.scalars(select(Holiday.day))),
        election_periods=tuple(
            session.execute(select(ElectionPeriod.starts_on, ElectionPeriod.ends_on)).tuples()
        ),
    )
    session.info[_CALENDAR_KEY] = calendar
    return calendar


def deadline_standards(session: Session) -> tuple[Calendar, dict[Urgency, dict[Area, int]]]:
    """The calendar and every delivery standard's hours, in one statement (a batch of acceptances needs
    both; four statements were most of a single acceptance's round trips). Caches the calendar as
    ``load_calendar`` does."""
    weekends, holidays_count, holidays, periods = True, True, set(), []
    hours = {u: dict(areas) for u, areas in DEFAULT_HOURS.items()}
    for kind, first, last, urgency, area, number, flag_a, flag_b in _standards(session):
        if kind == "s":
            weekends, holidays_count = flag_a, flag_b
        elif kind == "h":
            holidays.add(first)
        elif kind == "p":
            periods.append((first, last))
        else:
            hours[Urgency(urgency)][Area(area)] = number
    calendar = session.info.get(_CALENDAR_KEY) or Calendar(
        weekends_count=weekends,
        holidays_count=holidays_count,
        holidays=frozenset(holidays),
        election_periods=tuple(periods),
    )
    session.info[_CALENDAR_KEY] = calendar
    return calendar, hours


def _standards_rows() -> Any:
    """One UNION ALL over the four small tables: (kind, first, last, urgency, area, hours, flag, flag)."""

    def row(kind: str, *values: Any) -> Any:
        types = (Date, Date, String, String, Integer, Boolean, Boolean)
        columns = [v if v is not None else cast(null(), t) for v, t in zip(values, types, strict=True)]
        return select(literal(kind, String), *columns)

    settings = CalendarSettings.__table__.c
    return union_all(
        row("s", None, None, None, None, None, settings.weekends_count, settings.holidays_count).where(
            settings.id == 1
        ),
        row("h", Holiday.__table__.c.day, None, None, None, None, None, None),
        row("p", ElectionPeriod.__table__.c.starts_on, ElectionPeriod.__table__.c.ends_on, *[None] * 5),
        row(
            "d",
            None,
            None,
            *(DeliveryStandard.__table__.c[n] for n in ("urgency", "area", "hours")),
            None,
            None,
        ),
    )


_STANDARDS = _standards_rows()


def _standards(session: Session) -> Any:
    """The rows of _STANDARDS. On PostgreSQL its text, compiled once per dialect, goes to the driver: the
    ORM's execute (the statement's cache key, the session's layers) was 0.7 ms of every batch of scans that
    computes a deadline or an estimate, and psycopg already returns these columns' Python types."""
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":  # SQLite returns dates as text: SQLAlchemy's types convert them
        return session.execute(_STANDARDS)
    return session.connection().exec_driver_sql(_standards_sql(dialect))


@lru_cache(maxsize=8)
def _standards_sql(dialect: Any) -> str:
    return str(_STANDARDS.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def forget_cached(session: Session) -> None:
    """Drop what this session remembers of the calendar (a long-running sweep, between rounds)."""
    session.info.pop(_CALENDAR_KEY, None)


def due_at(
    session: Session, urgency: Urgency, area: Area, start: datetime, deliver_by: datetime | None = None
) -> datetime:
    """When an item started (accepted, or registered as an estimate) at ``start`` must be delivered.

    An agreed delivery time (Hẹn giờ) is the deadline when given. Otherwise the standard's hours are
    counted on the calendar: outside election periods, weekends and holidays may not count.
    """
    if deliver_by is not None:
        return deliver_by
    return load_calendar(session).add_hours(start, standard_hours(session, urgency, area))


def scan_gaps(session: Session) -> dict[Urgency, tuple[int, int]]:
    """urgency -> (stall hours, loss hours), defaults filling any row an admin could not have removed."""
    gaps = dict(DEFAULT_SCAN_GAPS)
    for row in session.scalars(select(ScanGapStandard)):
        gaps[row.urgency] = (row.stall_hours, row.loss_hours)
    return gaps


def hours_table(session: Session) -> dict[Urgency, dict[Area, int]]:
    table = {u: dict(areas) for u, areas in DEFAULT_HOURS.items()}
    for row in session.scalars(select(DeliveryStandard)):
        table[row.urgency][row.area] = row.hours
    return table


def standards_document(session: Session) -> dict[str, Any]:
    """Everything an admin can change, in the shape of the API."""
    calendar = load_calendar(session)
    hours = hours_table(session)
    gaps = scan_gaps(session)
    periods = session.scalars(select(ElectionPeriod).order_by(ElectionPeriod.starts_on)).all()
    holidays = session.scalars(select(Holiday).order_by(Holiday.day)).all()
    return {
        "hours": [{"urgency": u.value, "area": a.value, "hours": hours[u][a]} for u in Urgency for a in Area],
        "scan_gaps": [
            {"urgency": u.value, "stall_hours": gaps[u][0], "loss_hours": gaps[u][1]} for u in Urgency
        ],
        "calendar": {
            "weekends_count": calendar.weekends_count,
            "holidays_count": calendar.holidays_count,
            "holidays": [{"date": h.day, "name": h.name} for h in holidays],
            "election_periods": [
                {"name": p.name, "starts_on": p.starts_on, "ends_on": p.ends_on} for p in periods
            ],
        },
    }


def update_standards(
    session: Session, actor: User, changes: dict[str, Any], now: datetime | None = None
) -> None:
    """Apply what an admin sent (validated shapes); only the sections given change.

    New hours apply to deadlines computed from now on; scan gaps and the calendar apply at once to every
    open item (the next sweep re-examines them all).
    """
    now = now or utcnow()
    _check(changes)
    before = standards_document(session)
    if "hours" in changes:
        _set_hours(session, changes["hours"])
    if "scan_gaps" in changes:
        _set_scan_gaps(session, changes["scan_gaps"])
    if "calendar" in changes:
        _set_calendar(session, changes["calendar"], now)
    session.flush()
    session.info.pop(_CALENDAR_KEY, None)
    if "calendar" in changes:
        rebuild_counting_days(session, load_calendar(session), local_date(now))
    if "scan_gaps" in changes or "calendar" in changes:
        recheck_open_consignments(session)
    after = standards_document(session)
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if changed:
        record(session, actor, "standards.update", "standards", "delivery", **_jsonable(changed))


def _check(changes: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(changes.get("hours", [])):
        key = (row["urgency"], row["area"])
        if key in seen:
            errors[f"hours.{i}"] = _("This urgency and area are given twice.")
        seen.add(key)
    for i, row in enumerate(changes.get("scan_gaps", [])):
        if row["loss_hours"] <= row["stall_hours"]:
            errors[f"scan_gaps.{i}.loss_hours"] = _("Must be longer than the stalled threshold.")
    calendar = changes.get("calendar", {})
    days = [h["date"] for h in calendar.get("holidays", [])]
    for i, day in enumerate(days):
        if days.index(day) != i:
            errors[f"calendar.holidays.{i}.date"] = _("This date is listed twice.")
    for i, period in enumerate(calendar.get("election_periods", [])):
        if period["ends_on"] < period["starts_on"]:
            errors[f"calendar.election_periods.{i}.ends_on"] = _("Must not be before the first day.")
    if errors:
        raise Invalid(_("The delivery standards were not changed."), errors)


def _set_hours(session: Session, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        urgency, area = Urgency(row["urgency"]), Area(row["area"])
        standard = session.scalar(
            select(DeliveryStandard).where(DeliveryStandard.urgency == urgency, DeliveryStandard.area == area)
        )
        if standard is None:
            session.add(DeliveryStandard(urgency=urgency, area=area, hours=row["hours"]))
        else:
            standard.hours = row["hours"]


def _set_scan_gaps(session: Session, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        urgency = Urgency(row["urgency"])
        gap = session.scalar(select(ScanGapStandard).where(ScanGapStandard.urgency == urgency))
        if gap is None:
            gap = ScanGapStandard(urgency=urgency)
            session.add(gap)
        gap.stall_hours, gap.loss_hours = row["stall_hours"], row["loss_hours"]


def _set_calendar(session: Session, calendar: dict[str, Any], now: datetime) -> None:
    settings = session.get(CalendarSettings, 1)
    if settings is None:
        settings = CalendarSettings(id=1, weekends_count=True, holidays_count=True)
        session.add(settings)
    for flag in ("weekends_count", "holidays_count"):
        if flag in calendar:
            setattr(settings, flag, calendar[flag])
    settings.updated_at = now
    if "holidays" in calendar:
        session.execute(delete(Holiday))
        session.add_all(Holiday(day=h["date"], name=h["name"]) for h in calendar["holidays"])
    if "election_periods" in calendar:
        session.execute(delete(ElectionPeriod))
        session.add_all(
            ElectionPeriod(name=p["name"], starts_on=p["starts_on"], ends_on=p["ends_on"])
            for p in calendar["election_periods"]
        )


def rebuild_counting_days(
    session: Session, calendar: Calendar, today: date, first: date = TABLE_FIRST_DAY, last: date | None = None
) -> int:
    """Unroll the calendar into counting_days (a few thousand rows) for the sweep's SQL."""
    rows = calendar.counting_days(first, last or table_last_day(today))
    session.execute(delete(CountingDay))
    session.execute(insert(CountingDay), rows)
    return len(rows)


def recheck_open_consignments(session: Session) -> None:
    """Every open item gets a fresh look at the next sweep (after the thresholds or the calendar changed)."""
    from app.alerts.schedule import recheck_open

    recheck_open(session)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
