"""The sweep: late, stalled and suspected-lost flags, decided in set-based SQL for what is due.

Each batch:
1. claims up to ``batch_size`` items whose ``next_check_at`` has come (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so several sweeps on several hosts share the work instead of repeating it) and copies
   them, with their deadlines computed in SQL, into a temporary table;
2. resolves the late / stalled / suspected_lost alerts whose cause has cleared (UPDATE … FROM);
3. opens the ones whose deadline has passed (INSERT … SELECT … ON CONFLICT DO NOTHING: the partial
   unique index on unresolved alerts makes a second sweep's insert a no-op, whatever the timing);
4. sets each item's next ``next_check_at`` (the earliest deadline still ahead) and revises stale
   estimates, in one UPDATE … FROM.
The statements per batch are constant; what a sweep reads grows with the items due, not with the
table (the claim is a range scan of a partial index). Deadlines count time on the calendar through the
``counting_days`` table (see app/standards/calendar.py for the arithmetic, mirrored here).

Flags: late when ``due_at`` has passed; stalled when no scan for the urgency's stall gap since the last
sighting (or registration); suspected_lost after the loss threshold, which replaces stalled. Items
held (at the delivery office or for a security check) are where someone put them: not stalled or lost.
Delivered, returned and cancelled items have nothing left to watch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
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
    delete,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.schema import CreateTable

from app.alerts.sqlfuncs import epoch_seconds, from_epoch, greatest, json_array_length, json_object, least
from app.standards.calendar import DAY, LOCAL_OFFSET, local_date
from app.standards.calendar import epoch_seconds as py_epoch_seconds
from app.standards.services import load_calendar, rebuild_counting_days, scan_gaps
from models import Alert, AlertKind, AlertState, Consignment, Status, Urgency
from models.base import UTCDateTime
from models.standards import CountingDay

SWEEP_KINDS = (AlertKind.LATE, AlertKind.STALLED, AlertKind.SUSPECTED_LOST)
FINAL = (Status.DELIVERED.value, Status.RETURNED.value, Status.CANCELLED.value)
HELD = (Status.HELD.value,)
DEFAULT_BATCH = 10_000
# An estimate that went stale moves at least this far ahead, and by half the silence so far, so that an
# item nobody hears of is revised less and less often rather than at every sweep.
MIN_ESTIMATE_STEP = 1800
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)

# English here (translated when shown); resolutions are stored as these texts.
RESOLVED_FINAL = _l("No longer in transit: delivered, returned or cancelled.")
RESOLVED_HELD = _l("Held on purpose at an office: not considered stalled or lost meanwhile.")
RESOLVED_DEADLINE = _l("The deadline moved later: no longer late.")
RESOLVED_SEEN = _l("Seen again: scanned within the allowed time.")
RESOLVED_ESCALATED = _l("Escalated: now suspected lost.")
DETAILS = {
    AlertKind.LATE: _l("Not delivered by its deadline."),
    AlertKind.STALLED: _l("No scan within the allowed time."),
    AlertKind.SUSPECTED_LOST: _l("No scan for so long that it is suspected lost."),
}

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


@dataclass
class SweepResult:
    as_of: datetime
    examined: int = 0
    batches: int = 0
    opened: Counter[str] = field(default_factory=Counter)
    resolved: Counter[str] = field(default_factory=Counter)
    opened_alerts: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.resolved)

    def summary(self) -> str:
        opened = " ".join(f"{k}={self.opened.get(k.value, 0)}" for k in SWEEP_KINDS)
        resolved = " ".join(f"{k}={self.resolved.get(k.value, 0)}" for k in SWEEP_KINDS)
        return f"examined {self.examined} in {self.batches} batches; opened {opened}; resolved {resolved}"


def sweep(
    session: Session,
    now: datetime,
    *,
    batch_size: int = DEFAULT_BATCH,
    after_batch: Callable[[], None] | None = None,
) -> SweepResult:
    """Check every item that is due for a check as if the clock read ``now``.

    ``after_batch`` (the CLI's commit) runs after each batch so that locks are short and progress is
    kept; without it everything stays in the caller's transaction.
    """
    result = SweepResult(as_of=now)
    _take_write_lock(session)
    _ensure_counting_days(session, now)
    gaps = scan_gaps(session)
    while True:
        claimed = _run_batch(session, now, batch_size, gaps, result)
        if claimed == 0:
            break
        result.examined += claimed
        result.batches += 1
        if after_batch is not None:
            after_batch()
    return result


def _run_batch(
    session: Session,
    now: datetime,
    batch_size: int,
    gaps: dict[Urgency, tuple[int, int]],
    result: SweepResult,
) -> int:
    dialect = session.get_bind().dialect.name
    _take_write_lock(session)
    connection = session.connection()
    connection.execute(CreateTable(batch_table, if_not_exists=True))
    connection.execute(delete(batch_table))
    connection.execute(
        batch_table.insert().from_select(
            [c.name for c in batch_table.columns], _claim(dialect, now, batch_size, gaps)
        )
    )
    # Counted, not taken from rowcount: psycopg reports -1 for some INSERT … SELECT statements.
    claimed = connection.scalar(select(func.count()).select_from(batch_table))
    if claimed:
        resolved = _resolve(session, now)
        opened = _open(session, dialect, now)
        _reschedule(session, dialect, now)
        _touch(session, {cid for _id, cid, _kind in resolved + opened}, now)
        _account(result, resolved, opened)
        _emit(session, resolved, opened, now)
    connection.execute(delete(batch_table))
    if claimed:
        _forget_loaded(session)
    return claimed or 0


def _forget_loaded(session: Session) -> None:
    """The batch changed items and alerts with bulk SQL: what the session holds of them is stale."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Consignment):
            session.expire(obj, ["next_check_at", "expected_at", "changed_at"])
        elif isinstance(obj, Alert):
            session.expire(obj, ["state", "resolved_at", "resolution"])


def _take_write_lock(session: Session) -> None:
    """SQLite: write first, so that the transaction holds the write lock before it reads anything.

    A WAL transaction that reads, then writes after another process committed, fails at once ("database
    is locked") instead of waiting; one that starts with a write waits its turn (busy_timeout).
    PostgreSQL needs nothing: its batches are claimed with FOR UPDATE SKIP LOCKED.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE counting_days SET counts = counts WHERE 0"))


def _ensure_counting_days(session: Session, now: datetime) -> None:
    """Build the counting-day table if it is missing or about to run out (years from now)."""
    last = session.scalar(select(func.max(CountingDay.day_no)))
    horizon = (py_epoch_seconds(now) + LOCAL_OFFSET) // DAY + 366 * 3
    if last is None or last < horizon:
        rebuild_counting_days(session, load_calendar(session), local_date(now))


def _claim(dialect: str, now: datetime, batch_size: int, gaps: dict[Urgency, tuple[int, int]]) -> Any:
    """The rows of the next batch: claimed (locked) items with their deadlines, in three layers.

    ``due`` claims the ids; ``base`` reads each item's last sighting in local epoch seconds and its
    thresholds; ``start`` finds the sighting's day in counting_days (its offset into the day if the day
    counts, else 0); the outer query finds the days the stall and loss deadlines fall on.
    """
    c = Consignment.__table__.c
    due = (
        select(c.id)
        .where(c.next_check_at <= now)
        .order_by(c.next_check_at)
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


def _resolve(session: Session, now: datetime) -> list[tuple[int, int, str]]:
    b = batch_table.c
    cleared = or_(
        and_(Alert.kind == AlertKind.LATE, or_(b.final, b.due_at > now)),
        and_(Alert.kind == AlertKind.STALLED, or_(b.final, b.held, b.stall_at > now, b.lost_at <= now)),
        and_(Alert.kind == AlertKind.SUSPECTED_LOST, or_(b.final, b.held, b.lost_at > now)),
    )
    resolution = case(
        (b.final, str(RESOLVED_FINAL)),
        (b.held, str(RESOLVED_HELD)),
        (Alert.kind == AlertKind.LATE, str(RESOLVED_DEADLINE)),
        (and_(Alert.kind == AlertKind.STALLED, b.lost_at <= now), str(RESOLVED_ESCALATED)),
        else_=str(RESOLVED_SEEN),
    )
    statement = (
        update(Alert)
        .where(
            Alert.consignment_id == b.id,
            Alert.state.in_((AlertState.OPEN, AlertState.ACKNOWLEDGED)),
            Alert.cause_key == "",
            Alert.kind.in_(SWEEP_KINDS),
            cleared,
        )
        .values(state=AlertState.RESOLVED, resolved_at=now, resolution=resolution)
        .returning(Alert.id, Alert.consignment_id, Alert.kind)
        .execution_options(synchronize_session=False)
    )
    return [(i, cid, kind.value) for i, cid, kind in session.execute(statement)]


def _open(session: Session, dialect: str, now: datetime) -> list[tuple[int, int, str]]:
    b = batch_table.c
    open_ = not_(b.final)
    moving = and_(open_, not_(b.held))
    conditions = {
        AlertKind.LATE: and_(open_, b.due_at <= now),
        AlertKind.STALLED: and_(moving, b.stall_at <= now, b.lost_at > now),
        AlertKind.SUSPECTED_LOST: and_(moving, b.lost_at <= now),
    }
    opened: list[tuple[int, int, str]] = []
    for kind, condition in conditions.items():
        data = json_object(
            dialect,
            message=literal_column(f"'{kind.value}'"),
            due_at=b.due_at,
            seen_at=b.sight,
            scanned=b.scanned,
            office=b.office,
            stall_hours=b.stall_hours,
            loss_hours=b.loss_hours,
        )
        rows = select(
            literal(kind.value, String),
            b.id,
            literal("", String),
            b.office,
            literal(AlertState.OPEN.value, String),
            literal(now, UTCDateTime()),
            literal(str(DETAILS[kind]), String),
            data,
        ).where(condition)
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Alert)
        statement = (
            insert.from_select(
                [
                    "kind",
                    "consignment_id",
                    "cause_key",
                    "office_code",
                    "state",
                    "opened_at",
                    "detail",
                    "data",
                ],
                rows,
            )
            .on_conflict_do_nothing(
                index_elements=["consignment_id", "kind", "cause_key"],
                index_where=text("state <> 'resolved'"),
            )
            .returning(Alert.id, Alert.consignment_id)
        )
        opened += [(i, cid, kind.value) for i, cid in session.execute(statement)]
    return opened


def _reschedule(session: Session, dialect: str, now: datetime) -> None:
    b = batch_table.c
    far = literal(FAR_FUTURE, UTCDateTime())

    def ahead(condition: Any, value: Any) -> Any:
        return func.coalesce(case((and_(condition, value > now), value)), far)

    watching = not_(b.held)
    earliest = least(
        ahead(literal(True), b.due_at),
        ahead(watching, b.stall_at),
        ahead(watching, b.lost_at),
        ahead(literal(True), b.expected_at),
    )
    next_check = case((b.final, None), else_=func.nullif(earliest, far))
    session.execute(
        update(Consignment)
        .where(Consignment.id == b.id)
        .values(next_check_at=next_check, expected_at=b.expected_at)
        .execution_options(synchronize_session=False)
    )


def _touch(session: Session, consignment_ids: set[int], now: datetime) -> None:
    """Flags are part of an item: bump changed_at of the items whose flags changed."""
    ids = sorted(consignment_ids)
    for start in range(0, len(ids), 500):
        session.execute(
            update(Consignment)
            .where(Consignment.id.in_(ids[start : start + 500]))
            .values(changed_at=now)
            .execution_options(synchronize_session=False)
        )


def _account(
    result: SweepResult, resolved: list[tuple[int, int, str]], opened: list[tuple[int, int, str]]
) -> None:
    result.resolved.update(kind for _id, _cid, kind in resolved)
    result.opened.update(kind for _id, _cid, kind in opened)
    result.opened_alerts += [alert_id for alert_id, _cid, _kind in opened]


def _emit(
    session: Session, resolved: list[tuple[int, int, str]], opened: list[tuple[int, int, str]], now: datetime
) -> None:
    from app.webhooks.services import emit_alert_events

    emit_alert_events(session, [i for i, _c, _k in opened], "alert.opened", now)
    emit_alert_events(session, [i for i, _c, _k in resolved], "alert.resolved", now)
