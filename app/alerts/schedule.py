"""Putting consignments in front of the sweep.

The sweep reads ``consignment_checks`` (models/alerts.py): one row per open consignment with the instant
it must be looked at again. Database triggers keep it honest: a consignment inserted, or updated in what
the sweep judges by (status, sighting, deadline, urgency…), gets CHECK_AT_ONCE, whoever wrote it (the
ORM, the scans' bulk UPDATE, plain SQL). These functions are for the rare case where something else
should make the sweep look again (the delivery standards changed, a repair by hand).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models import Consignment
from models.alerts import CHECK_AT_ONCE, ConsignmentCheck
from models.base import UTCDateTime

FINAL_STATUSES = ("delivered", "returned", "cancelled")


def _at_once() -> Any:
    return literal(CHECK_AT_ONCE, UTCDateTime())


def _upsert(session: Session, rows: Any) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(ConsignmentCheck).from_select(["consignment_id", "next_check_at"], rows)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["consignment_id"], set_={"next_check_at": statement.excluded.next_check_at}
        )
    )


def mark_for_check(session: Session, consignment_ids: Iterable[int]) -> None:
    """Have the next sweep look at these consignments (final ones too: their alerts then resolve)."""
    ids = sorted(set(consignment_ids))
    for start in range(0, len(ids), 500):
        rows = select(Consignment.id, _at_once()).where(Consignment.id.in_(ids[start : start + 500]))
        _upsert(session, rows)


def schedule_check(session: Session, consignment: Consignment) -> None:
    """Have the next sweep look at this consignment."""
    if consignment.id is None:
        session.flush()
    mark_for_check(session, [consignment.id])


def recheck_open(session: Session) -> None:
    """Every open consignment in front of the sweep (after the standards or the calendar changed)."""
    rows = select(Consignment.id, _at_once()).where(Consignment.status.not_in(FINAL_STATUSES))
    _upsert(session, rows)
