"""The sweep's batch: which items are due, claimed for this sweep, with their deadlines computed in SQL.

``claim`` is the main statement of each batch (app/alerts/sweep.py copies its rows into ``batch_table``):
it takes up to a batch of items whose ``consignment_checks.next_check_at`` has come, locked FOR UPDATE SKIP LOCKED on
PostgreSQL so that concurrent sweeps take different items, and computes for each its stall and loss
deadlines in counting time (the ``counting_days`` table; the arithmetic is ``Calendar.add``'s, see
app/standards/calendar.py) and its revised estimate. docs/performance.md shows its plan.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    func,
    literal,
    select,
)
from sqlalchemy.orm import Session, aliased

from app.alerts.sqlfuncs import epoch_seconds, from_epoch, greatest, json_array_length
from app.standards.calendar import DAY, LOCAL_OFFSET
from app.standards.calendar import epoch_seconds as py_epoch_seconds
from models import Consignment, Status, Urgency
from models.alerts import ConsignmentCheck
from models.base import UTCDateTime
from models.standards import CountingDay

FINAL = (Status.DELIVERED.value, Status.RETURNED.value, Status.CANCELLED.value)
HELD = (Status.HELD.value,)
# An estimate that went stale moves at least this far ahead, and by half the silence so far, so that an
# item nobody hears of is revised less and less often rather than at every sweep.
MIN_ESTIMATE_STEP = 1800

_temp_metadata = MetaData()
batch_table = Table(
    "sweep_batch",
    _temp_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("urgency", String(16)),
    Column("office", String(32)),
    Column("final", Boolean),
    Column("held", Boolean),
    Column("sight", UTCDateTime()),
    Column("scanned", Boolean),
    Column("due_at", UTCDateTime()),
    Column("stall_at", UTCDateTime()),
    Column("lost_at", UTCDateTime()),
    Column("expected_at", UTCDateTime()),
    Column("stall_hours", Integer),
    Column("loss_hours", Integer),
    prefixes=["TEMPORARY"],
    postgresql_on_commit="DROP",
)


def claim(dialect: str, now: datetime, batch_size: int, gaps: dict[Urgency, tuple[int, int]]) -> Any:
    """The rows of the next batch: claimed (locked) items with their deadlines, in three layers.

    ``due`` claims the ids; ``base`` reads each item's last sighting in local epoch seconds and its
    thresholds; ``start`` finds the sighting's day in counting_days (its offset into the day if the day
    counts, else 0); the outer query finds the days the stall and loss deadlines fall on.
    """
    c = Consignment.__table__.c
    checks = ConsignmentCheck.__table__.c
    # Only the check rows are locked (the consignments rows are wide: locking them costs a write each);
    # the sweep's later writes to consignments skip the rows a scan holds (see app/alerts/sweep.py).
    due = (
        select(checks.consignment_id.label("id"))
        .where(checks.next_check_at <= now)
        .order_by(checks.next_check_at)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
        .subquery("due")
    )
    sight = func.coalesce(c.last_event_at, c.accepted_at, c.registered_at)
    base = (
        select(
            c.id,
            c.urgency,
            func.coalesce(c.last_office_code, c.origin_code).label("office"),
            c.status.in_(FINAL).label("final"),
            c.status.in_(HELD).label("held"),
            sight.label("sight"),
            c.last_event_at.is_not(None).label("scanned"),
            c.due_at,
            _new_estimate(dialect, now, sight).label("expected_at"),
            (epoch_seconds(sight) + LOCAL_OFFSET).label("local"),
            _by_urgency(c.urgency, {u: g[0] * 3600 for u, g in gaps.items()}).label("stall_s"),
            _by_urgency(c.urgency, {u: g[1] * 3600 for u, g in gaps.items()}).label("loss_s"),
        )
        .join(due, due.c.id == c.id)
        .subquery("base")
    )
    start = _with_start_day(base)
    s_ = start.c
    stall_day, loss_day = aliased(CountingDay, name="d1"), aliased(CountingDay, name="d2")
    stall_at, stall_join = _counting_deadline(s_, s_.stall_s, stall_day)
    lost_at, loss_join = _counting_deadline(s_, s_.loss_s, loss_day)
    return (
        select(
            s_.id,
            s_.urgency,
            s_.office,
            s_.final,
            s_.held,
            s_.sight,
            s_.scanned,
            s_.due_at,
            stall_at,
            lost_at,
            s_.expected_at,
            s_.stall_s // 3600,
            s_.loss_s // 3600,
        )
        .select_from(start)
        .outerjoin(stall_day, stall_join)
        .outerjoin(loss_day, loss_join)
    )


def _with_start_day(base: Any) -> Any:
    """``base`` (with ``local``: local epoch seconds) plus its day's ordinal and its offset into the day.

    The offset is 0 when the day does not count: the clock starts with the next counting day.
    """
    day0 = aliased(CountingDay, name="d0")
    return (
        select(
            base,
            day0.ordinal.label("ordinal"),
            case((day0.counts, base.c.local - (base.c.local // DAY) * DAY), else_=0).label("offset"),
        )
        .outerjoin(day0, day0.day_no == base.c.local // DAY)
        .subquery("start")
    )


def add_counting_time(session: Session, start: datetime, seconds: int) -> datetime:
    """The SQL counterpart of ``Calendar.add`` for one instant, over the counting_days table (tests, tools)."""
    base = select((epoch_seconds(literal(start, UTCDateTime())) + LOCAL_OFFSET).label("local")).subquery(
        "base"
    )
    begun = _with_start_day(base)
    target = aliased(CountingDay, name="d1")
    deadline, join = _counting_deadline(begun.c, literal(seconds, BigInteger), target)
    return session.execute(select(deadline).select_from(begun).outerjoin(target, join)).scalar_one()


def _by_urgency(column: Any, values: dict[Urgency, int]) -> Any:
    return case(*((column == u.value, literal(v, Integer)) for u, v in values.items()), else_=literal(0))


def _counting_deadline(start: Any, seconds: Any, target_day: Any) -> tuple[Any, Any]:
    """``seconds`` of counting time after the sighting: the deadline, and the join that finds its day.

    ``k = (offset + seconds - 1) // DAY`` counting days after the start day, ``rem`` seconds into it.
    Outside the table's years the clock counts every hour (the fallback), rather than never firing.
    """
    total = start.offset + seconds
    whole_days = (total - 1) // DAY
    remainder = total - whole_days * DAY
    join = and_(target_day.counts, target_day.ordinal == start.ordinal + whole_days)
    deadline = from_epoch(target_day.day_no * DAY + remainder - LOCAL_OFFSET)
    return func.coalesce(deadline, from_epoch(start.local - LOCAL_OFFSET + seconds)), join


def _new_estimate(dialect: str, now: datetime, sight: Any) -> Any:
    """Keep a future estimate; give a missing one the deadline; move a stale one ahead of now."""
    c = Consignment.__table__.c
    now_s = py_epoch_seconds(now)
    standard = epoch_seconds(c.due_at) - epoch_seconds(func.coalesce(c.accepted_at, c.registered_at))
    leg = standard // greatest(json_array_length(c.route, dialect), literal(1, Integer))
    silence = (literal(now_s, BigInteger) - epoch_seconds(sight)) // 2
    step = greatest(leg, silence, literal(MIN_ESTIMATE_STEP, BigInteger))
    return case(
        (c.status.in_(FINAL), c.expected_at),
        (c.expected_at > now, c.expected_at),
        (and_(c.expected_at.is_(None), c.due_at > now), c.due_at),
        else_=from_epoch(literal(now_s, BigInteger) + step),
    )
