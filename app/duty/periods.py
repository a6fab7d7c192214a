"""Election periods: when duty must be staffed without a gap.

Read from the HOATOC_ELECTION_PERIODS setting through ``election_periods`` only, so that a table
(edited by administrators) can replace the setting later without touching the callers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from app.api.schemas import LOCAL_TZ
from app.config import ConfigError
from app.duty.intervals import merge

DEFAULT_PERIODS = "2026-03-01/2026-03-22"

Period = tuple[datetime, datetime]


def election_periods(session: Session | None = None) -> list[Period]:
    """The election periods as sorted, disjoint [start, end) intervals in aware UTC."""
    raw = current_app.config.get("ELECTION_PERIODS") if has_app_context() else None
    return parse_periods(raw if raw is not None else DEFAULT_PERIODS)


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
            day = date.fromisoformat(text) + timedelta(days=1 if end_of_day else 0)
            return datetime.combine(day, time(0), LOCAL_TZ).astimezone(UTC)
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"HOATOC_ELECTION_PERIODS: '{text}' is not a date or time") from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value.astimezone(UTC)


def periods_near(periods: list[Period], now: datetime, horizon: timedelta) -> list[Period]:
    """The periods that share some time with [now, now + horizon)."""
    return [(start, end) for start, end in periods if start < now + horizon and end > now]
