"""Counting time: delivery clocks that skip weekends and public holidays, except in election periods.

A delivery standard of H hours means H *counting* hours. A day counts if an election period covers it,
or if it is neither a weekend day (unless weekends count) nor a listed holiday (unless holidays count).
An item that starts on a day that does not count starts its clock at the beginning of the next day
that does. Days are local (Asia/Ho_Chi_Minh, UTC+7 all year: no daylight saving, so every local day
is 86,400 seconds and "local epoch seconds" are UTC epoch seconds + 25,200).

The same arithmetic exists twice: here in Python (``Calendar.add``: registration's ``due_at``, estimates)
and in SQL (``app.alerts.sweep``, over the ``counting_days`` table this module also builds), so that
the sweep decides millions of items in one statement. tests/alerts/test_calendar.py checks that the two
agree on random calendars and times.

The rule of both, with ``e`` the start in local epoch seconds and ``d = e // DAY`` its day:
``off = e - d*DAY`` if d counts, else 0; ``total = off + seconds``; ``k = (total - 1) // DAY``;
``rem = total - k*DAY``; the deadline is ``rem`` seconds into the k-th counting day after d (d itself
if it counts and k = 0). A deadline that falls exactly at midnight ends the day before (rem = DAY).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

LOCAL_OFFSET = 7 * 3600
DAY = 86_400
EPOCH_DAY = date(1970, 1, 1)
# The counting_days table covers these local dates (rebuilt with a later end as years pass).
TABLE_FIRST_DAY = date(2020, 1, 1)
TABLE_MIN_YEARS_AHEAD = 10
# Ten years without a single counting day is a misconfigured calendar, not a real one.
MAX_SKIPPED_DAYS = 3660


class CalendarError(ValueError):
    """No counting day within reach: the calendar makes every day a day off."""


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


def epoch_seconds(moment: datetime) -> int:
    """Whole UTC epoch seconds (fractions dropped, as the SQL side does)."""
    try:  # floor division of a time difference: what timegm(timetuple()) gives, in a fifth of the time
        return (moment - _EPOCH) // _SECOND
    except TypeError:  # a naive time: astimezone reads it as the machine's local time
        return _stdlib_calendar.timegm(moment.astimezone(UTC).timetuple())


def from_epoch(seconds: int, microseconds: int = 0) -> datetime:
    return _EPOCH + timedelta(seconds=seconds, microseconds=microseconds)


def day_no(day: date) -> int:
    return (day - EPOCH_DAY).days


def day_of(number: int) -> date:
    return EPOCH_DAY + timedelta(days=number)


def local_date(moment: datetime) -> date:
    return day_of((epoch_seconds(moment) + LOCAL_OFFSET) // DAY)


@dataclass(frozen=True)
class Calendar:
    weekends_count: bool = True
    holidays_count: bool = True
    holidays: frozenset[date] = field(default_factory=frozenset)
    # (first day, last day), both included.
    election_periods: tuple[tuple[date, date], ...] = ()
    # Day number -> whether it counts, as asked: a batch's estimates ask about the same few days hundreds
    # of times. Not part of what the calendar is (equality, hash).
    _counting: dict[int, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def in_election_period(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.election_periods)

    def counts(self, day: date) -> bool:
        if self.in_election_period(day):
            return True
        if not self.weekends_count and day.weekday() >= 5:
            return False
        return self.holidays_count or day not in self.holidays

    def _counts_day(self, number: int) -> bool:
        counts = self._counting.get(number)
        if counts is None:
            counts = self._counting[number] = self.counts(day_of(number))
        return counts

    def _next_counting(self, number: int) -> int:
        """The first counting day number >= number."""
        for candidate in range(number, number + MAX_SKIPPED_DAYS):
            if self._counts_day(candidate):
                return candidate
        raise CalendarError(f"no counting day within {MAX_SKIPPED_DAYS} days of {day_of(number)}")

    def add(self, start: datetime, seconds: int) -> datetime:
        """The instant ``seconds`` counting seconds after ``start``.

        The fraction of a second of ``start`` is carried over (so that when every hour counts this is
        exactly ``start + seconds``); the sweep's SQL works in whole seconds and drops it.
        """
        if seconds <= 0:
            return start.astimezone(UTC)
        local = epoch_seconds(start) + LOCAL_OFFSET
        number = local // DAY
        if self._counts_day(number):
            offset = local - number * DAY
        else:
            offset, number = 0, self._next_counting(number)
        total = offset + seconds
        whole_days = (total - 1) // DAY
        remainder = total - whole_days * DAY
        for _ in range(whole_days):
            number = self._next_counting(number + 1)
        return from_epoch(number * DAY + remainder - LOCAL_OFFSET, start.microsecond)

    def add_hours(self, start: datetime, hours: float) -> datetime:
        return self.add(start, round(hours * 3600))

    def counting_days(self, first: date, last: date) -> list[dict[str, int | bool]]:
        """Rows of the counting_days table for first..last: day_no, counts, ordinal."""
        rows: list[dict[str, int | bool]] = []
        ordinal = 0
        for number in range(day_no(first), day_no(last) + 1):
            counts = self.counts(day_of(number))
            rows.append({"day_no": number, "counts": counts, "ordinal": ordinal})
            ordinal += 1 if counts else 0
        return rows


EVERY_HOUR_COUNTS = Calendar()


def table_last_day(today: date) -> date:
    """The counting_days table reaches at least this far (end of a year, ten years ahead)."""
    return date(max(today.year + TABLE_MIN_YEARS_AHEAD, 2040), 12, 31)
