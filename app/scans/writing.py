"""Writing a batch: its events in one INSERT and its consignments in one UPDATE.

On PostgreSQL both are single statements over one JSON parameter (``json_to_recordset``), whatever the
batch size: one parameter, not one per value, and a statement text psycopg prepares once per connection.
SQLite (development, the demo) gets the same effect through executemany.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
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

# The rows travel as one JSON text read by json_to_recordset: psycopg dumped ten Python lists element by
# element (a third of a 500-scan batch's CPU), json.dumps encodes them in C and PostgreSQL parses them in C.
# The time of receipt and the clerk are the same for every row of a batch: parameters of their own, not
# 500 more values for PostgreSQL to parse (the INSERT of 500 rows 13.6 -> 12.9 ms, EXPLAIN ANALYZE).
_INSERT_PG = """
INSERT INTO scan_events (id, consignment_id, event, office_code, at, recorded_at, by_id, details,
                         bag_scan_id, fingerprint)
SELECT id, consignment_id, event, office_code, at, %s::timestamptz, %s::integer, details, bag_scan_id,
       fingerprint
FROM json_to_recordset(%s::json)
     AS t(id varchar, consignment_id integer, event varchar, office_code varchar, at timestamptz,
          details jsonb, bag_scan_id varchar, fingerprint varchar)
ON CONFLICT (id) DO NOTHING
RETURNING id
"""

_UPDATE_PG = """
UPDATE consignments AS c
SET status = v.status, accepted_at = v.accepted_at, due_at = v.due_at, expected_at = v.expected_at,
    delivered_at = v.delivered_at, delivered_to = v.delivered_to, last_event_at = v.last_event_at,
    last_office_code = v.last_office_code, changed_at = v.changed_at
FROM json_to_recordset(%s::json)
     AS v(id integer, status varchar, accepted_at timestamptz, due_at timestamptz, expected_at timestamptz,
          delivered_at timestamptz, delivered_to varchar, last_event_at timestamptz, last_office_code varchar,
          changed_at timestamptz)
WHERE c.id = v.id
"""


# The sweep must look again at whatever a scan changed. ORM changes reschedule it through a listener;
# a bulk UPDATE does it itself, in the same statement, once the schema has the column (next_check_at).
NEXT_CHECK = "next_check_at" in Consignment.__table__.c
CHECK_AT_ONCE = getattr(consignments_model, "CHECK_AT_ONCE", None)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_events(
    session: Session, rows: Sequence[dict[str, Any]], recorded_at: datetime, by_id: int | None
) -> set[str]:
    """Insert what is not there yet (ON CONFLICT (id) DO NOTHING); return the ids inserted.

    ``rows`` hold the columns of EVENT_COLUMNS but the two every event of a batch shares, ``recorded_at``
    and ``by_id``."""
    if not rows:
        return set()
    if _postgres(session):
        # The rows hold exactly the other columns: they are the records as they are.
        result = session.connection().exec_driver_sql(_INSERT_PG, (recorded_at, by_id, _json(rows)))
        return {row[0] for row in result}
    inserted: set[str] = set()
    statement = sqlite.insert(ScanEvent.__table__).on_conflict_do_nothing(index_elements=["id"])
    statement = statement.returning(ScanEvent.__table__.c.id)
    shared = {"recorded_at": recorded_at, "by_id": by_id}
    for start in range(0, len(rows), 1000):
        chunk = [{**row, **shared} for row in rows[start : start + 1000]]
        inserted.update(session.execute(statement, chunk).scalars())
    return inserted


def update_items(session: Session, items: Sequence[Item]) -> None:
    """Write the derived state of every changed consignment in one statement."""
    if not items:
        return
    if _postgres(session):
        records = [_item_record(item) for item in items]
        params: tuple[Any, ...] = (_json(records),)
        sql = _UPDATE_PG
        if NEXT_CHECK:
            sql = sql.replace("changed_at = v.changed_at", "changed_at = v.changed_at, next_check_at = %s")
            params = (CHECK_AT_ONCE, *params)  # the SET placeholder comes before the FROM rows
        session.connection().exec_driver_sql(sql, params)
        return
    table = Consignment.__table__
    values: dict[str, Any] = {name: bindparam(f"new_{name}") for name in ITEM_WRITTEN}
    if NEXT_CHECK:
        values["next_check_at"] = CHECK_AT_ONCE
    statement = update(table).where(table.c.id == bindparam("item_id")).values(values)
    params = [{"item_id": item.id, **{f"new_{n}": getattr(item, n) for n in ITEM_WRITTEN}} for item in items]
    session.connection().execute(statement, params)


def _item_record(item: Item) -> dict[str, Any]:
    # Spelled out rather than a loop over ITEM_WRITTEN with getattr: this runs for every item of a batch.
    return {
        "id": item.id,
        "status": item.status,
        "accepted_at": item.accepted_at,
        "due_at": item.due_at,
        "expected_at": item.expected_at,
        "delivered_at": item.delivered_at,
        "delivered_to": item.delivered_to,
        "last_event_at": item.last_event_at,
        "last_office_code": item.last_office_code,
        "changed_at": item.changed_at,
    }


def _json(records: Sequence[dict[str, Any]]) -> str:
    # orjson writes times with their offset (as isoformat) and enums as their value, in C: json.dumps took
    # 15 times as long for a batch's rows, plus an isoformat call per time. PostgreSQL casts the text by the
    # column types.
    try:
        return orjson.dumps(records).decode()
    except orjson.JSONEncodeError:  # a detail orjson refuses (an integer beyond 64 bits): the slow way
        return json.dumps(records, ensure_ascii=False, separators=(",", ":"), default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot send {type(value).__name__} as JSON")
