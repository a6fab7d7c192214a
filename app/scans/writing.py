"""Writing a batch: its events in one INSERT and its consignments in one UPDATE.

On PostgreSQL both are single statements over arrays (``unnest``), whatever the batch size: a parameter
per array, not per value, and a statement text psycopg prepares once per connection. SQLite (development,
the demo) gets the same effect through executemany.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

import models.consignments as consignments_model
from app.scans.loading import Item
from models import Consignment, ScanEvent

EVENT_COLUMNS = (
    "id", "consignment_id", "event", "office_code", "at", "recorded_at", "by_id", "details", "bag_scan_id",
    "fingerprint",
)  # fmt: skip
ITEM_WRITTEN = (
    "status", "accepted_at", "due_at", "expected_at", "delivered_at", "delivered_to", "last_event_at",
    "last_office_code", "changed_at",
)  # fmt: skip

_INSERT_PG = """
INSERT INTO scan_events (id, consignment_id, event, office_code, at, recorded_at, by_id, details,
                         bag_scan_id, fingerprint)
SELECT id, consignment_id, event, office_code, at, recorded_at, by_id, details::jsonb, bag_scan_id, fingerprint
FROM unnest(%s::varchar[], %s::integer[], %s::varchar[], %s::varchar[], %s::timestamptz[], %s::timestamptz[],
            %s::integer[], %s::text[], %s::varchar[], %s::varchar[])
     AS t(id, consignment_id, event, office_code, at, recorded_at, by_id, details, bag_scan_id, fingerprint)
ON CONFLICT (id) DO NOTHING
RETURNING id
"""

_UPDATE_PG = """
UPDATE consignments AS c
SET status = v.status, accepted_at = v.accepted_at, due_at = v.due_at, expected_at = v.expected_at,
    delivered_at = v.delivered_at, delivered_to = v.delivered_to, last_event_at = v.last_event_at,
    last_office_code = v.last_office_code, changed_at = v.changed_at
FROM unnest(%s::integer[], %s::varchar[], %s::timestamptz[], %s::timestamptz[], %s::timestamptz[],
            %s::timestamptz[], %s::varchar[], %s::timestamptz[], %s::varchar[], %s::timestamptz[])
     AS v(id, status, accepted_at, due_at, expected_at, delivered_at, delivered_to, last_event_at,
          last_office_code, changed_at)
WHERE c.id = v.id
"""


# The sweep must look again at whatever a scan changed. ORM changes reschedule it through a listener;
# a bulk UPDATE does it itself, in the same statement, once the schema has the column (next_check_at).
NEXT_CHECK = "next_check_at" in Consignment.__table__.c
CHECK_AT_ONCE = getattr(consignments_model, "CHECK_AT_ONCE", None)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_events(session: Session, rows: Sequence[dict[str, Any]]) -> set[str]:
    """Insert what is not there yet (ON CONFLICT (id) DO NOTHING); return the ids inserted."""
    if not rows:
        return set()
    if _postgres(session):
        arrays = [[row[name] for row in rows] for name in EVENT_COLUMNS]
        arrays[2] = [str(value) for value in arrays[2]]  # EventCode -> its code
        arrays[7] = [json.dumps(value, ensure_ascii=False) for value in arrays[7]]
        result = session.connection().exec_driver_sql(_INSERT_PG, tuple(arrays))
        return {row[0] for row in result}
    inserted: set[str] = set()
    statement = sqlite.insert(ScanEvent.__table__).on_conflict_do_nothing(index_elements=["id"])
    statement = statement.returning(ScanEvent.__table__.c.id)
    for start in range(0, len(rows), 1000):
        inserted.update(session.execute(statement, list(rows[start : start + 1000])).scalars())
    return inserted


def update_items(session: Session, items: Sequence[Item]) -> None:
    """Write the derived state of every changed consignment in one statement."""
    if not items:
        return
    if _postgres(session):
        arrays: list[Any] = [[item.id for item in items]]
        arrays += [[_value(getattr(item, name)) for item in items] for name in ITEM_WRITTEN]
        sql = _UPDATE_PG
        if NEXT_CHECK:
            sql = sql.replace("changed_at = v.changed_at", "changed_at = v.changed_at, next_check_at = %s")
            arrays.insert(0, CHECK_AT_ONCE)  # the SET placeholder comes before the FROM arrays
        session.connection().exec_driver_sql(sql, tuple(arrays))
        return
    table = Consignment.__table__
    values: dict[str, Any] = {name: bindparam(f"new_{name}") for name in ITEM_WRITTEN}
    if NEXT_CHECK:
        values["next_check_at"] = CHECK_AT_ONCE
    statement = update(table).where(table.c.id == bindparam("item_id")).values(values)
    params = [{"item_id": item.id, **{f"new_{n}": getattr(item, n) for n in ITEM_WRITTEN}} for item in items]
    session.connection().execute(statement, params)


def _value(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value
