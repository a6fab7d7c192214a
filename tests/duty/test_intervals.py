"""Interval arithmetic of duty coverage: merging shifts and the gaps they leave, half-open throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from app.duty.intervals import clip, gaps, merge, overlaps

MON = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)  # Monday 00:00 in Vietnam


def h(hours: float) -> datetime:
    return MON + timedelta(hours=hours)


def test_a_week_of_overlapping_shifts_leaves_exactly_the_uncovered_hours():
    shifts = [
        (h(0), h(8)),  # night
        (h(6), h(14)),  # overlaps the night shift
        (h(14), h(22)),  # starts exactly when the previous ends: no gap
        (h(30), h(40)),  # Tuesday 06:00-16:00: 22:00-06:00 is uncovered
        (h(32), h(36)),  # inside the previous one
        (h(48), h(48)),  # empty: ignored
        (h(100), h(200)),  # runs past the end of the week
        (h(-5), h(-1)),  # before the window
    ]
    assert gaps(h(0), h(168), shifts) == [(h(22), h(30)), (h(40), h(100))]


def test_merge_joins_touching_and_overlapping_shifts():
    assert merge([(h(14), h(22)), (h(0), h(8)), (h(8), h(14)), (h(20), h(21))]) == [(h(0), h(22))]
    assert merge([(h(1), h(2)), (h(3), h(4))]) == [(h(1), h(2)), (h(3), h(4))]
    assert merge([]) == []


def test_no_shift_is_one_gap_and_full_cover_is_none():
    assert gaps(h(0), h(24), []) == [(h(0), h(24))]
    assert gaps(h(0), h(24), [(h(-1), h(25))]) == []


def test_half_open_boundaries():
    # A shift ending at 08:00 and one starting at 08:00 cover 08:00 once and leave nothing between.
    assert gaps(h(0), h(16), [(h(0), h(8)), (h(8), h(16))]) == []
    assert overlaps((h(0), h(8)), (h(7), h(9)))
    assert not overlaps((h(0), h(8)), (h(8), h(9)))
    assert clip([(h(-2), h(3)), (h(20), h(30))], h(0), h(24)) == [(h(0), h(3)), (h(20), h(24))]


windows = st.tuples(st.integers(-50, 50), st.integers(1, 300)).map(lambda t: (t[0], t[0] + t[1]))
shift_lists = st.lists(st.tuples(st.integers(-100, 400), st.integers(-100, 400)), max_size=25)


@given(window=windows, shifts=shift_lists)
def test_gaps_and_shifts_partition_the_window(window, shifts):
    start, end = window
    found = gaps(start, end, shifts)
    covered = clip(shifts, start, end)
    pieces = sorted([(a, b, "gap") for a, b in found] + [(a, b, "covered") for a, b in covered])
    # Together they tile [start, end) exactly: no hole, no overlap, alternating gap and cover.
    assert pieces[0][0] == start
    assert pieces[-1][1] == end
    for (_a, b, kind), (c, _d, next_kind) in pairwise(pieces):
        assert b == c
        assert kind != next_kind
    assert all(a < b for a, b, _k in pieces)
    # And pointwise: a minute is in a gap exactly when no shift covers it.
    for minute in range(start, end):
        in_gap = any(a <= minute < b for a, b in found)
        in_shift = any(a <= minute < b for a, b in shifts if b > a)
        assert in_gap != in_shift


@given(shifts=shift_lists)
def test_merge_is_disjoint_sorted_and_covers_the_same_points(shifts):
    merged = merge(shifts)
    assert all(a < b for a, b in merged)
    assert all(b1 < a2 for (_a1, b1), (a2, _b2) in pairwise(merged))
    for point in range(-100, 401, 7):
        assert any(a <= point < b for a, b in merged) == any(a <= point < b for a, b in shifts)


@given(shifts=st.lists(st.tuples(st.integers(0, 2000), st.integers(1, 600)), max_size=15))
def test_datetimes_behave_like_numbers(shifts):
    as_minutes = [(s, s + d) for s, d in shifts]
    as_times = [(MON + timedelta(minutes=a), MON + timedelta(minutes=b)) for a, b in as_minutes]
    expected = [
        (MON + timedelta(minutes=a), MON + timedelta(minutes=b)) for a, b in gaps(0, 10080, as_minutes)
    ]
    assert gaps(MON, MON + timedelta(days=7), as_times) == expected
