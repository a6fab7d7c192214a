"""What a consignment's scan events say about it: a pure function over the events ordered by event time.

Scanners upload late and out of order, so the state is always re-derived from every event sorted by when
it happened (``at``), never from the order the server received them. Rules:

- the status is the stage of the latest movement event; acceptance (EMA) never moves an item back;
- once delivered (EMI) or returned (XRS) the status never moves again: a later event is an anomaly, an
  earlier one (uploaded late) takes its place in the timeline without changing the outcome;
- a security hold (XHD) makes the status ``held`` until a release (XRL); the rest of the events still
  decide the status underneath, which is what the item returns to when released;
- impossible sequences are reported as anomalies (kept, never dropped) for someone to look at.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any

from models.consignments import Status
from models.events import EventCode

# The status each movement event puts an item in (EMA, EMI, XRS, XHD and XRL are handled apart).
STAGE = {
    EventCode.EDD: Status.IN_TRANSIT,
    EventCode.EDE: Status.IN_TRANSIT,
    EventCode.EMG: Status.AT_DELIVERY_OFFICE,
    EventCode.EDH: Status.AT_DELIVERY_OFFICE,
    EventCode.EDF: Status.HELD,
    EventCode.EDG: Status.OUT_FOR_DELIVERY,
    EventCode.EMH: Status.DELIVERY_FAILED,
}
# Events that hand an item over (or try to): refused while a security hold is in force.
DELIVERY_EVENTS = frozenset({EventCode.EDG, EventCode.EMH, EventCode.EMI})
HOLD_EVENTS = frozenset({EventCode.XHD, EventCode.XRL})


class AnomalyKind(enum.StrEnum):
    DELIVERED_TWICE = "delivered_twice"
    AFTER_FINAL = "after_final"  # moved after it was delivered or returned
    ACCEPTED_TWICE = "accepted_twice"
    ACCEPTED_AFTER_MOVING = "accepted_after_moving"  # EMA later than a movement (EMA after EMG)
    RELEASE_WITHOUT_HOLD = "release_without_hold"


@dataclass(frozen=True, slots=True)
class Fact:
    """One scan event as the derivation needs it."""

    id: str
    event: EventCode
    at: datetime
    office: str
    recorded_at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[datetime, datetime, str]:
        # Event time first; ties (one bag scan, two devices in the same second) by arrival, then id.
        return (self.at, self.recorded_at, self.id)


@dataclass(frozen=True, slots=True)
class Anomaly:
    event_id: str
    kind: AnomalyKind
    event: EventCode
    # The event it contradicts (the delivery, the first acceptance, the movement before it), if any.
    earlier: Fact | None = None


@dataclass(frozen=True, slots=True)
class Derived:
    status: Status
    accepted_at: datetime | None = None
    delivered_at: datetime | None = None
    delivered_to: str | None = None
    last_event_at: datetime | None = None
    last_office: str | None = None
    hold: Fact | None = None  # the XHD in force, if the item is held for a security check
    anomalies: tuple[Anomaly, ...] = ()

    @property
    def held(self) -> bool:
        return self.hold is not None


# Fact.sort_key, read in C: the property costs a Python call per fact, and every scanned item is sorted twice.
_SORT_KEY = attrgetter("at", "recorded_at", "id")


def ordered(facts: Iterable[Fact]) -> list[Fact]:
    return sorted(facts, key=_SORT_KEY)


class _Walk:
    """The state while reading events in time order."""

    def __init__(self) -> None:
        self.stage = Status.REGISTERED
        self.final: Fact | None = None
        self.accepted: Fact | None = None
        self.moved: Fact | None = None
        self.hold: Fact | None = None
        self.anomalies: list[Anomaly] = []

    def flag(self, fact: Fact, kind: AnomalyKind, earlier: Fact | None) -> None:
        self.anomalies.append(Anomaly(fact.id, kind, fact.event, earlier))

    def read(self, fact: Fact) -> None:
        code = fact.event
        if code in HOLD_EVENTS:
            self._hold(fact)
        elif self.final is not None:
            kind = (
                AnomalyKind.DELIVERED_TWICE
                if code == EventCode.EMI and self.final.event == EventCode.EMI
                else AnomalyKind.AFTER_FINAL
            )
            self.flag(fact, kind, self.final)
        elif code == EventCode.EMA:
            self._accept(fact)
        elif code in (EventCode.EMI, EventCode.XRS):
            self.final = fact
        else:
            self.stage = STAGE[code]
            self.moved = self.moved or fact

    def _hold(self, fact: Fact) -> None:
        if fact.event == EventCode.XHD:
            if self.final is not None:
                self.flag(fact, AnomalyKind.AFTER_FINAL, self.final)
            self.hold = fact
            return
        if self.hold is None:
            self.flag(fact, AnomalyKind.RELEASE_WITHOUT_HOLD, None)
        self.hold = None

    def _accept(self, fact: Fact) -> None:
        if self.accepted is not None:
            self.flag(fact, AnomalyKind.ACCEPTED_TWICE, self.accepted)
            return
        if self.moved is not None:
            self.flag(fact, AnomalyKind.ACCEPTED_AFTER_MOVING, self.moved)
        self.accepted = fact
        if self.stage == Status.REGISTERED:
            self.stage = Status.ACCEPTED


def derive(facts: Iterable[Fact]) -> Derived:
    """The status and the facts kept on the consignment, from all of its events."""
    events = ordered(facts)
    if not events:
        return Derived(Status.REGISTERED)
    walk = _Walk()
    for fact in events:
        walk.read(fact)
    return _derived(walk, events[-1])


def derive_change(before: Iterable[Fact], new: Iterable[Fact]) -> tuple[Derived, Derived]:
    """``derive(before)`` and ``derive([*before, *new])``, reading the earlier events once when every new
    event comes after them: the usual case (an item scanned along its way), where the walk simply goes on
    from where the earlier events left it. New events that fall between earlier ones (a late upload) are
    derived again from all events."""
    earlier, later = ordered(before), ordered(new)
    if not earlier:
        return Derived(Status.REGISTERED), derive(later)
    walk = _Walk()
    for fact in earlier:
        walk.read(fact)
    first = _derived(walk, earlier[-1])
    if not later:
        return first, first
    if _SORT_KEY(later[0]) < _SORT_KEY(earlier[-1]):
        return first, derive([*earlier, *later])
    for fact in later:
        walk.read(fact)
    return first, _derived(walk, later[-1])


def _derived(walk: _Walk, last: Fact) -> Derived:
    """What a walk over events up to ``last`` (the latest by event time) says."""
    final = walk.final
    if final is not None:
        status = Status.DELIVERED if final.event == EventCode.EMI else Status.RETURNED
    else:
        status = Status.HELD if walk.hold is not None else walk.stage
    delivered = final if final is not None and final.event == EventCode.EMI else None
    return Derived(
        status=status,
        accepted_at=walk.accepted.at if walk.accepted else None,
        delivered_at=delivered.at if delivered else None,
        delivered_to=str(delivered.details.get("receiver") or "") or None if delivered else None,
        last_event_at=last.at,
        last_office=last.office,
        hold=walk.hold,
        anomalies=tuple(walk.anomalies),
    )


def hold_in_force(facts: Sequence[Fact], moment: datetime) -> Fact | None:
    """The security hold (XHD) in force at ``moment`` by event time, or None."""
    hold: Fact | None = None
    for fact in ordered(f for f in facts if f.event in HOLD_EVENTS and f.at <= moment):
        hold = fact if fact.event == EventCode.XHD else None
    return hold


def new_anomalies(before: Derived, after: Derived) -> list[Anomaly]:
    """Anomalies the new events brought (an old anomaly is not raised again when more events arrive)."""
    known = {(a.event_id, a.kind) for a in before.anomalies}
    return [a for a in after.anomalies if (a.event_id, a.kind) not in known]
