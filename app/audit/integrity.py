"""Sealing and verifying the append-only tables (audit log and scan events) with a hash chain.

``seal`` covers the rows that arrived since the last seal, up to a safety margin in the past (so that
transactions still in flight on other hosts are not skipped), and chains a new seal to the previous one.
``verify`` recomputes every seal from the rows and reports each difference: a row edited, deleted or
inserted inside a sealed window, or a seal itself altered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import AuditEntry, ScanEvent
from models.base import utcnow
from models.integrity import Seal

# Plain table rows, not ORM objects: verification must read what the database holds now, never a
# cached object from the session's identity map.
AUDIT = AuditEntry.__table__
SCANS = ScanEvent.__table__
GENESIS = "0" * 64
CHUNK = 64
MARGIN = timedelta(minutes=2)
STREAMS = ("audit", "scans")


def _canonical(values: dict[str, Any]) -> bytes:
    return json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class Stream:
    """How one table is ordered, windowed and turned into canonical bytes."""

    name: str

    def rows(self, session: Session, after: tuple[datetime | None, str], upto: datetime) -> Select[Any]:
        if self.name == "audit":
            after_id = int(after[1] or 0)
            return select(AUDIT).where(AUDIT.c.id > after_id, AUDIT.c.at <= upto).order_by(AUDIT.c.id)
        start_at, start_key = after
        query = select(SCANS).where(SCANS.c.recorded_at <= upto)
        if start_at is not None:
            query = query.where(
                or_(
                    SCANS.c.recorded_at > start_at,
                    and_(SCANS.c.recorded_at == start_at, SCANS.c.id > start_key),
                )
            )
        return query.order_by(SCANS.c.recorded_at, SCANS.c.id)

    def between(self, seal: Seal) -> Select[Any]:
        if self.name == "audit":
            return (
                select(AUDIT)
                .where(AUDIT.c.id > int(seal.start_key or 0), AUDIT.c.id <= int(seal.end_key or 0))
                .order_by(AUDIT.c.id)
            )
        lower = tuple_(SCANS.c.recorded_at, SCANS.c.id) > tuple_(seal.start_at, seal.start_key)
        upper = tuple_(SCANS.c.recorded_at, SCANS.c.id) <= tuple_(seal.end_at, seal.end_key)
        query = select(SCANS).where(upper)
        if seal.start_at is not None:
            query = query.where(lower)
        return query.order_by(SCANS.c.recorded_at, SCANS.c.id)

    def key(self, row: Any) -> tuple[datetime | None, str]:
        if self.name == "audit":
            return row.at, str(row.id)
        return row.recorded_at, row.id

    def digest(self, row: Any) -> bytes:
        if self.name == "audit":
            values = {
                "id": row.id, "at": _iso(row.at), "actor": row.actor_id, "action": row.action,
                "type": row.object_type, "object": row.object_id, "details": row.details,
            }  # fmt: skip
        else:
            values = {
                "id": row.id, "consignment": row.consignment_id, "event": str(row.event), "office": row.office_code,
                "at": _iso(row.at), "recorded_at": _iso(row.recorded_at), "by": row.by_id, "details": row.details,
                "bag_scan": row.bag_scan_id, "fingerprint": row.fingerprint,
            }  # fmt: skip
        return hashlib.sha256(_canonical(values)).digest()


def _chunks(
    stream: Stream, rows: Iterator[Any]
) -> tuple[list[list[str]], int, tuple[datetime | None, str] | None]:
    chunks: list[list[str]] = []
    count, last = 0, None
    hasher, first_key = hashlib.sha256(), None
    for row in rows:
        key = stream.key(row)
        first_key = first_key or key[1]
        hasher.update(stream.digest(row))
        count, last = count + 1, key
        if count % CHUNK == 0:
            chunks.append([first_key, key[1], hasher.hexdigest()])
            hasher, first_key = hashlib.sha256(), None
    if first_key is not None and last is not None:
        chunks.append([first_key, last[1], hasher.hexdigest()])
    return chunks, count, last


def _seal_hash(
    previous: str, stream: str, sequence: int, end_key: str, count: int, chunks: list[list[str]]
) -> str:
    body = _canonical({"p": previous, "s": stream, "n": sequence, "k": end_key, "c": count, "h": chunks})
    return hashlib.sha256(body).hexdigest()


def seal(session: Session, stream_name: str, now: datetime | None = None) -> Seal | None:
    """Seal what arrived since the last seal of the stream; None when nothing new, or another host sealed first."""
    stream, now = Stream(stream_name), now or utcnow()
    last = session.scalar(
        select(Seal).where(Seal.stream == stream_name).order_by(Seal.sequence.desc()).limit(1)
    )
    after = (last.end_at, last.end_key) if last else (None, "")
    rows = session.execute(stream.rows(session, after, now - MARGIN).execution_options(yield_per=1000))
    chunks, count, end = _chunks(stream, iter(rows))
    if count == 0 or end is None:
        return None
    previous = last.hash if last else GENESIS
    sequence = (last.sequence + 1) if last else 1
    new = Seal(
        stream=stream_name, sequence=sequence, sealed_at=now, start_at=after[0], start_key=after[1],
        end_at=end[0], end_key=end[1], row_count=count, chunks=chunks, previous_hash=previous,
        hash=_seal_hash(previous, stream_name, sequence, end[1], count, chunks),
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(new)
            session.flush()
    except IntegrityError:
        return None
    return new


@dataclass
class Report:
    seals: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    unsealed: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(session: Session) -> Report:
    report = Report()
    for stream_name in STREAMS:
        stream, previous, after = Stream(stream_name), GENESIS, (None, "")
        seals = session.scalars(select(Seal).where(Seal.stream == stream_name).order_by(Seal.sequence))
        for expected_sequence, s in enumerate(seals, start=1):
            report.seals += 1
            where = f"{stream_name} seal {s.sequence}"
            if s.sequence != expected_sequence:
                report.problems.append(f"{where}: seal {expected_sequence} is missing")
            if s.previous_hash != previous or (s.start_at, s.start_key) != after:
                report.problems.append(f"{where}: does not follow the previous seal")
            if s.hash != _seal_hash(
                s.previous_hash, stream_name, s.sequence, s.end_key, s.row_count, s.chunks
            ):
                report.problems.append(f"{where}: the seal itself was altered")
            rows = session.execute(stream.between(s).execution_options(yield_per=1000))
            chunks, count, _end = _chunks(stream, iter(rows))
            report.rows += count
            if count != s.row_count:
                report.problems.append(
                    f"{where}: {s.row_count} rows sealed, {count} found (rows deleted or inserted)"
                )
            for mine, theirs in zip(chunks, s.chunks, strict=False):
                if mine != theirs:
                    report.problems.append(
                        f"{where}: rows {theirs[0]}…{theirs[1]} changed since they were sealed"
                    )
                    break
            previous, after = s.hash, (s.end_at, s.end_key)
    return report
