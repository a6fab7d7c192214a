"""Election periods: when duty must be staffed without a gap.

The same periods as the delivery calendar's (``election_periods``, edited by administrators at /standards:
whole local days, the last one included), so that "every hour counts" and "nobody may be missing" never
disagree. The HOATOC_ELECTION_PERIODS setting only adds intervals the calendar cannot hold, to the hour
(the hours of a by-election day); it is empty by default.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.api.schemas import LOCAL_TZ
from app.config import ConfigError
from app.duty.intervals import merge
from app.standards.services import load_calendar

Period = tuple[datetime, datetime]


def election_periods(session: Session | None = None) -> list[Period]:
    """The election periods as sorted, disjoint [start, end) intervals in aware UTC."""
    periods = []
    if session is not None:
        for first, last in load_calendar(session).election_periods:
            periods.append((_local_midnight(first), _local_midnight(last + timedelta(days=1))))
    extra = current_app.config.get("ELECTION_PERIODS") if has_app_context() else None
    return merge(periods + parse_periods(extra or ""))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)


def parse_periods(text: str) -> list[Period]:
    """'2026-03-01/2026-03-22, 2026-05-10T06:00/2026-05-10T20:00' -> UTC intervals.

    Dates are whole local days with the end day included; times without an offset are Vietnam time.
    """
    periods = []
    for chunk in (c.strip() for c in text.split(",")):
        if not chunk:
            continue
        first, sep, last = chunk.partition("/")
        if not sep:
            raise ConfigError(f"HOATOC_ELECTION_PERIODS: '{chunk}' is not START/END")
        start, end = _instant(first, end_of_day=False), _instant(last, end_of_day=True)
        if end <= start:
            raise ConfigError(f"HOATOC_ELECTION_PERIODS: '{chunk}' ends before it starts")
        periods.append((start, end))
    return merge(periods)


def _instant(text: str, *, end_of_day: bool) -> datetime:
    text = text.strip()
    try:
        if "T" not in text and " " not in text:
            return _local_midnight(date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0))
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"HOATOC_ELECTION_PERIODS: '{text}' is not a date or time") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def periods_near(periods: list[Period], now: datetime, horizon: timedelta) -> list[Period]:
    """The periods that share some time with [now, now + horizon)."""
    return [(start, end) for start, end in periods if start < now + horizon and end > now]
