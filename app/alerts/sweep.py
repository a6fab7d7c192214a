"""The sweep: late, stalled and suspected-lost flags, decided in set-based SQL for what is due.

Each batch:
1. claims up to ``batch_size`` items whose ``next_check_at`` has come (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, so several sweeps on several hosts share the work instead of repeating it) and copies
   them, with their deadlines computed in SQL, into a temporary table (app/alerts/claim.py);
2. resolves the late / stalled / suspected_lost alerts whose cause has cleared (UPDATE … FROM);
3. opens the ones whose deadline has passed (INSERT … SELECT … ON CONFLICT DO NOTHING: the partial
   unique index on unresolved alerts makes a second sweep's insert a no-op, whatever the timing);
4. sets each item's next check (``consignment_checks``: the earliest deadline still ahead; the row goes
   once the item is final) and writes the estimates that changed, with UPDATE … FROM.
The statements per batch are constant; what a sweep reads grows with the items due, not with the
table (the claim is a range scan of the index on consignment_checks.next_check_at), and what it writes is
mostly that narrow table, not the wide consignments rows. Deadlines count time on the calendar through the
``counting_days`` table (see app/standards/calendar.py for the arithmetic, mirrored here).

Flags: late when ``due_at`` has passed; stalled when no scan for the urgency's stall gap since the last
sighting (or registration); suspected_lost after the loss threshold, which replaces stalled. Items
held (at the delivery office or for a security check) are where someone put them: not stalled or lost.
Delivered, returned and cancelled items have nothing left to watch. The sweep writes the consignments
row only to revise a stale estimate: its flags are alerts, with their own times.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    String,
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
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from app.alerts.claim import batch_table, claim
from app.alerts.sqlfuncs import json_object, least
from app.standards.calendar import DAY, LOCAL_OFFSET, local_date
from app.standards.calendar import epoch_seconds as py_epoch_seconds
from app.standards.services import load_calendar, rebuild_counting_days, scan_gaps
from models import Alert, AlertKind, AlertState, Consignment, Urgency
from models.alerts import ConsignmentCheck
from models.base import UTCDateTime
from models.standards import CountingDay

SWEEP_KINDS = (AlertKind.LATE, AlertKind.STALLED, AlertKind.SUSPECTED_LOST)
DEFAULT_BATCH = 10_000
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

    def add(self, other: SweepResult) -> None:
        self.examined += other.examined
        self.batches += other.batches
        self.opened.update(other.opened)
        self.resolved.update(other.resolved)
        self.opened_alerts += other.opened_alerts

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
    ensure_counting_days(session, now)
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
    prefer_index_joins(session, True)
    connection.execute(CreateTable(batch_table, if_not_exists=True))
    connection.execute(delete(batch_table))
    connection.execute(
        batch_table.insert().from_select(
            [c.name for c in batch_table.columns], claim(dialect, now, batch_size, gaps)
        )
    )
    # Counted, not taken from rowcount: psycopg reports -1 for some INSERT … SELECT statements.
    claimed = connection.scalar(select(func.count()).select_from(batch_table))
    if claimed:
        resolved = _resolve(session, now)
        opened = _open(session, dialect, now)
        _reschedule(session, dialect, now)
        _account(result, resolved, opened)
        _emit(session, resolved, opened, now)
    connection.execute(delete(batch_table))
    prefer_index_joins(session, False)
    if claimed:
        _forget_loaded(session)
    return claimed or 0


def prefer_index_joins(session: Session, on: bool) -> None:
    """PostgreSQL: join a batch to consignments by primary key, never by scanning the whole table.

    A batch is a small, known set of ids; the planner, seeing thousands of rows against a table of a few
    hundred thousand, prefers hashing a sequential scan of all of it, once per batch: the sweep's cost
    would grow with the table instead of with the batch. Nested loops over the indexes keep it to the
    batch (EXPLAIN in docs/performance.md). Set for the batch's statements only.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    value = "off" if on else "on"
    session.execute(text(f"SET LOCAL enable_hashjoin = {value}"))
    session.execute(text(f"SET LOCAL enable_mergejoin = {value}"))


def _forget_loaded(session: Session) -> None:
    """The batch changed items and alerts with bulk SQL: what the session holds of them is stale."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Consignment):
            session.expire(obj, ["expected_at"])
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


def ensure_counting_days(session: Session, now: datetime) -> None:
    """Build the counting-day table if it is missing or about to run out (years from now)."""
    last = session.scalar(select(func.max(CountingDay.day_no)))
    horizon = (py_epoch_seconds(now) + LOCAL_OFFSET) // DAY + 366 * 3
    if last is None or last < horizon:
        rebuild_counting_days(session, load_calendar(session), local_date(now))


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
    """Each item's next check (the earliest deadline ahead), or none once it is final; revised estimates."""
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
    checks = ConsignmentCheck.__table__
    session.execute(
        update(checks).where(checks.c.consignment_id == b.id, not_(b.final)).values(next_check_at=earliest)
    )
    session.execute(delete(checks).where(checks.c.consignment_id.in_(select(b.id).where(b.final))))
    # Written only where it changed (most items keep their estimate; the consignments row is wide), and
    # not where a scan holds the row: it is changing the item, whose trigger puts it back in front of us.
    held = _CONSIGNMENTS.alias("held")
    changed = _unlocked(
        select(held.c.id).where(held.c.id == b.id, held.c.expected_at.is_distinct_from(b.expected_at)), held
    )
    session.execute(
        update(Consignment)
        .where(Consignment.id.in_(changed), Consignment.id == b.id)
        .values(expected_at=b.expected_at)
        .execution_options(synchronize_session=False)
    )


_CONSIGNMENTS = Consignment.__table__


def _unlocked(ids: Any, table: Any) -> Any:
    """These consignment ids, less those another transaction holds (PostgreSQL; SQLite has one writer).

    A scan locks the consignment, then (through its trigger) the check row this sweep holds: waiting for
    the consignment here would close the circle (a deadlock). Skipping it is safe: the scan's trigger
    puts the item back in front of the sweep as soon as the scan commits.
    """
    return ids.with_for_update(skip_locked=True, of=table)


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
