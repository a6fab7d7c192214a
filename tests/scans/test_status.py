"""The status derivation: a pure function of the events ordered by event time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.scans.status import AnomalyKind, Fact, derive, derive_change, hold_in_force, new_anomalies
from models import EventCode, Status

T0 = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)


def fact(n: int, event: str, minutes: int, office: str = "32100", **details: str) -> Fact:
    return Fact(
        f"e{n}",
        EventCode(event),
        T0 + timedelta(minutes=minutes),
        office,
        T0 + timedelta(days=1, seconds=n),
        details,
    )


def test_no_events_is_registered():
    assert derive([]).status == Status.REGISTERED


def test_a_normal_journey():
    events = [
        fact(1, "EMA", 0),
        fact(2, "EDD", 30, "32000"),
        fact(3, "EDE", 60, "32000"),
        fact(4, "EMG", 120, "32260"),
        fact(5, "EDG", 150, "32260"),
        fact(6, "EMI", 180, "32260", receiver="Lò Văn A"),
    ]
    derived = derive(events)
    assert derived.status == Status.DELIVERED
    assert derived.accepted_at == T0
    assert derived.delivered_at == T0 + timedelta(minutes=180)
    assert derived.delivered_to == "Lò Văn A"
    assert derived.last_office == "32260"
    assert derived.anomalies == ()
    assert [derive(events[:n]).status for n in range(1, 6)] == [
        Status.ACCEPTED, Status.IN_TRANSIT, Status.IN_TRANSIT, Status.AT_DELIVERY_OFFICE, Status.OUT_FOR_DELIVERY,
    ]  # fmt: skip


def test_a_failed_attempt_then_a_pick_up():
    events = [fact(1, "EMG", 0), fact(2, "EMH", 10, reason="x", action="hold_for_pickup"), fact(3, "EDF", 20)]
    assert derive(events[:2]).status == Status.DELIVERY_FAILED
    assert derive(events).status == Status.HELD


def test_acceptance_arriving_after_arrival_does_not_move_back():
    derived = derive([fact(2, "EMG", 60), fact(1, "EMA", 0)])
    assert derived.status == Status.AT_DELIVERY_OFFICE
    assert derived.anomalies == ()


def test_impossible_sequences():
    twice = derive([fact(1, "EMI", 0, receiver="A"), fact(2, "EMI", 10, receiver="B")])
    assert [a.kind for a in twice.anomalies] == [AnomalyKind.DELIVERED_TWICE]
    assert twice.delivered_to == "A"
    after = derive([fact(1, "EMI", 0, receiver="A"), fact(2, "EDD", 10)])
    assert [a.kind for a in after.anomalies] == [AnomalyKind.AFTER_FINAL]
    assert after.status == Status.DELIVERED
    late_ema = derive([fact(1, "EMG", 0), fact(2, "EMA", 10)])
    assert [a.kind for a in late_ema.anomalies] == [AnomalyKind.ACCEPTED_AFTER_MOVING]
    double_ema = derive([fact(1, "EMA", 0), fact(2, "EMA", 10)])
    assert [a.kind for a in double_ema.anomalies] == [AnomalyKind.ACCEPTED_TWICE]
    assert double_ema.accepted_at == T0


def test_holds():
    held = [fact(1, "EMG", 0), fact(2, "XHD", 10, reason="r")]
    assert derive(held).status == Status.HELD
    assert derive(held).hold.id == "e2"
    released = derive([*held, fact(3, "XRL", 20)])
    assert released.status == Status.AT_DELIVERY_OFFICE
    assert not released.held
    assert hold_in_force(held, T0 + timedelta(minutes=5)) is None
    assert hold_in_force(held, T0 + timedelta(minutes=15)).id == "e2"
    assert [a.kind for a in derive([fact(1, "XRL", 0)]).anomalies] == [AnomalyKind.RELEASE_WITHOUT_HOLD]


def test_new_anomalies_are_only_those_the_new_events_bring():
    before = derive([fact(1, "EMI", 0, receiver="A"), fact(2, "EDD", 10)])
    after = derive([fact(1, "EMI", 0, receiver="A"), fact(2, "EDD", 10), fact(3, "EDE", 20)])
    assert [a.event_id for a in new_anomalies(before, after)] == ["e3"]


EVENTS = [code.value for code in EventCode]


@st.composite
def histories(draw):
    count = draw(st.integers(min_value=0, max_value=12))
    return [
        fact(
            n,
            draw(st.sampled_from(EVENTS)),
            draw(st.integers(min_value=0, max_value=600)),
            reason="r",
            receiver="x",
        )
        for n in range(count)
    ]


@settings(max_examples=300)
@given(histories(), st.randoms(use_true_random=False))
def test_the_order_of_arrival_never_matters(events, random):
    shuffled = list(events)
    random.shuffle(shuffled)
    assert derive(shuffled) == derive(events)


@settings(max_examples=500)
@given(histories(), st.integers(min_value=0, max_value=12), st.booleans())
def test_a_change_derives_as_all_events_do(events, split, in_order):
    """derive_change goes on from the earlier events' walk when the new ones come after them; whichever
    way it takes, it says what derive says of the events before and of all of them."""
    if in_order:  # the usual case: the new events are the latest
        events = sorted(events, key=lambda f: (f.at, f.recorded_at, f.id))
    before, new = events[:split], events[split:]
    assert derive_change(before, new) == (derive(before), derive(events))


@settings(max_examples=300)
@given(histories(), histories())
def test_once_delivered_or_returned_earlier_events_never_move_it_back(first, extra):
    derived = derive(first)
    if derived.status not in (Status.DELIVERED, Status.RETURNED):
        return
    final_at = derived.delivered_at or max(f.at for f in first if f.event == EventCode.XRS)
    # Any movement, acceptance or hold that happened before the outcome, however late it arrives.
    earlier = [
        Fact(
            f"x{f.id}",
            f.event,
            min(f.at, final_at - timedelta(minutes=1)),
            f.office,
            f.recorded_at,
            f.details,
        )
        for f in extra
        if f.event not in (EventCode.EMI, EventCode.XRS)
    ]
    assert derive([*first, *earlier]).status == derived.status
