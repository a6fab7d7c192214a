"""Keeping ``next_check_at`` honest: whatever changes an item's deadlines puts it in front of the sweep.

The sweep only reads items whose ``next_check_at`` has come (app/alerts/sweep.py). Registration inserts
with the column's default (CHECK_AT_ONCE); any ORM flush that changes what the sweep judges by (status,
last sighting, deadline, urgency...) resets it to CHECK_AT_ONCE through the listener below, so a scan
need not know about the sweep. Code that changes those columns with a bulk UPDATE must call
``mark_for_check`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from models import Consignment
from models.consignments import CHECK_AT_ONCE

# What the sweep's decisions depend on.
WATCHED = (
    "status",
    "registered_at",
    "accepted_at",
    "due_at",
    "deliver_by",
    "urgency",
    "last_event_at",
    "last_office_code",
    "delivered_at",
    "cancelled_at",
    "expected_at",
    "route",
)


def schedule_check(session: Session, consignment: Consignment) -> None:
    """Have the next sweep look at this item (cheap; the sweep computes the real next check)."""
    consignment.next_check_at = CHECK_AT_ONCE
    # Written even if the loaded value looks the same: the sweep may have changed it behind the ORM's back.
    flag_modified(consignment, "next_check_at")


def mark_for_check(session: Session, consignment_ids: Iterable[int]) -> int:
    """The same for items changed by bulk SQL, which ORM listeners do not see."""
    ids = list(consignment_ids)
    if not ids:
        return 0
    result = session.execute(
        update(Consignment)
        .where(Consignment.id.in_(ids))
        .values(next_check_at=CHECK_AT_ONCE)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _changed(item: Consignment) -> bool:
    state = inspect(item)
    if state.attrs.next_check_at.history.has_changes():
        return False  # set on purpose in this flush (by schedule_check or the sweep's own logic)
    return any(state.attrs[name].history.has_changes() for name in WATCHED)


@event.listens_for(Session, "before_flush")
def _reschedule_changed(session: Session, _context: Any, _instances: Any) -> None:
    for item in session.dirty:
        if isinstance(item, Consignment) and _changed(item):
            schedule_check(session, item)
