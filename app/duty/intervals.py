"""Interval arithmetic on half-open intervals [start, end): merging shifts and finding what they leave uncovered.

Pure functions over any ordered values (datetimes in the service, integers in property tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

T = TypeVar("T", bound=Any)
Interval = tuple[T, T]


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals covering exactly what the given ones cover.

    Touching intervals join ([8, 14) and [14, 20) make [8, 20)); empty ones (end <= start) are dropped.
    """
    ordered = sorted((start, end) for start, end in intervals if end > start)
    merged: list[Interval] = []
    for start, end in ordered:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def clip(intervals: Iterable[Interval], start: T, end: T) -> list[Interval]:
    """The parts of the intervals inside [start, end), merged."""
    return merge((max(s, start), min(e, end)) for s, e in intervals)


def gaps(start: T, end: T, intervals: Iterable[Interval]) -> list[Interval]:
    """The parts of [start, end) that no interval covers, in order."""
    found: list[Interval] = []
    cursor = start
    for covered_start, covered_end in clip(intervals, start, end):
        if covered_start > cursor:
            found.append((cursor, covered_start))
        cursor = max(cursor, covered_end)
    if cursor < end:
        found.append((cursor, end))
    return found


def overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]
