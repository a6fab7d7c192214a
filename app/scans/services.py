"""Recording a batch of scans: each is recorded, recognised as a retry, or rejected with its reasons.

The whole batch is one transaction (the request edge commits once). Scans are checked in the order
sent against what was loaded for the batch; the accepted ones are inserted in one statement with
``ON CONFLICT (id) DO NOTHING``, so a retry racing its original never fails, and the ids it did not
insert are compared by fingerprint (same content: duplicate; different: rejected). Then each touched
consignment's state is re-derived from its events (``app.scans.effects``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.audit.services import append
from app.scans import admission
from app.scans.effects import Applier, Change
from app.scans.inputs import RejectedInput, ScanInput
from app.scans.loading import Item, Loaded, bag_item_id, know_offices, load
from app.scans.status import Fact
from app.scans.writing import insert_events, update_items
from app.webhooks.services import emit_status_changes
from models import Consignment, ScanEvent, User
from models.base import utcnow

log = logging.getLogger(__name__)
RECORDED, DUPLICATE, REJECTED = "recorded", "duplicate", "rejected"
NEW, RETRY, REUSED = "new", "retry", "reused"


@dataclass
class Outcome:
    id: str | None
    tracking: str | None = None
    event: str | None = None
    bag: str | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    item: Item | None = None
    recorded: int = 0
    duplicates: int = 0
    rejected: bool = False

    @property
    def result(self) -> str:
        if self.rejected or (self.recorded == 0 and self.duplicates == 0):
            return REJECTED
        return RECORDED if self.recorded else DUPLICATE

    def reject(self, errors: dict[str, list[str]]) -> Outcome:
        self.rejected = True
        self.errors = errors
        return self


class _Batch:
    def __init__(self, session: Session, actor: User, loaded: Loaded, now: datetime) -> None:
        self.session = session
        self.actor = actor
        self.loaded = loaded
        self.now = now
        self.rows: list[dict[str, Any]] = []
        self.owner: dict[str, Outcome] = {}  # event id -> the outcome it counts for
        self.used: dict[str, str] = {}  # id -> fingerprint, for ids used earlier in this batch
        self.before: dict[int, list[Fact]] = {}
        self.new: dict[int, list[Fact]] = defaultdict(list)
        self.offices: dict[str | None, dict[str, list[str]]] = {}  # office -> its errors, judged once

    def admit(self, item: ScanInput | RejectedInput) -> Outcome:
        if isinstance(item, RejectedInput):
            return Outcome(item.id, item.tracking).reject(item.errors)
        if item.bag:
            return self._bag(item)
        return self._tracking(item)

    def _reuse(self, event_id: str, fingerprint: str) -> str:
        """NEW when the id is unused; RETRY when it holds the same scan; REUSED when a different one."""
        stored = self.used.get(event_id) or self.loaded.fingerprints.get(event_id)
        if stored is None:
            return NEW
        return RETRY if stored == fingerprint else REUSED

    def _place(self, scan: ScanInput) -> tuple[str | None, datetime, dict[str, list[str]]]:
        office = scan.office or self.actor.office_code
        at = scan.at or self.now
        # A batch names a few offices hundreds of times, and the answer depends on nothing else: each is
        # judged once (the judgement reads the actor's role and office through the ORM each time).
        known = self.offices.get(office)
        if known is None:
            known = self.offices[office] = admission.office_errors(self.actor, office, self.loaded)
        errors = {field: list(messages) for field, messages in known.items()}  # the caller adds to it
        errors.update(admission.time_errors(at, self.now))
        return office, at, errors

    def _tracking(self, scan: ScanInput) -> Outcome:
        item = self.loaded.items.get(scan.tracking or "")
        out = Outcome(scan.id, scan.tracking, scan.event.value, item=item)
        fingerprint = scan.fingerprint
        reuse = self._reuse(scan.id, fingerprint)
        if reuse == RETRY:
            out.duplicates = 1
            return out
        if reuse == REUSED:
            return out.reject(admission.reused_id())
        office, at, errors = self._place(scan)
        errors.update(admission.item_errors(item, at))
        if not errors and item is not None and office is not None:
            errors = admission.delivery_office_errors(scan.event, office, item)
        if not errors and item is not None:
            errors = admission.hold_errors(scan.event, at, self.loaded.facts[item.id])
        if errors or item is None or office is None:
            return out.reject(errors)
        self._add(out, scan, scan.id, item, office, at, fingerprint, bag_scan_id=None)
        return out

    def _bag(self, scan: ScanInput) -> Outcome:
        out = Outcome(scan.id, None, scan.event.value, bag=scan.bag)
        fingerprint = scan.fingerprint
        errors = admission.bag_errors(scan, self.loaded)
        if errors:
            return out.reject(errors)
        members = [self.loaded.by_id[c] for c in self.loaded.bags[scan.bag or ""].consignment_ids]
        ids = {c.id: bag_item_id(scan.id, c.tracking) for c in members}
        reuse = {c.id: self._reuse(ids[c.id], fingerprint) for c in members}
        if REUSED in reuse.values():
            return out.reject(admission.reused_id())
        office, at, errors = self._place(scan)
        if errors or office is None:
            return out.reject(errors)
        for member in members:
            if reuse[member.id] == RETRY:
                out.duplicates += 1
                continue
            problems = admission.item_errors(member, at, field=f"items.{member.tracking}")
            if problems:
                for key, messages in problems.items():
                    key = key if key.startswith("items.") else f"items.{member.tracking}"
                    out.errors.setdefault(key, []).extend(messages)
                continue
            self._add(out, scan, ids[member.id], member, office, at, fingerprint, scan.id)
        return out

    def _add(
        self,
        out: Outcome,
        scan: ScanInput,
        event_id: str,
        item: Item,
        office: str,
        at: datetime,
        fingerprint: str,
        bag_scan_id: str | None,
    ) -> None:
        self.rows.append(
            {
                "id": event_id,
                "consignment_id": item.id,
                "event": scan.event,
                "office_code": office,
                "at": at,
                "details": scan.details,
                "bag_scan_id": bag_scan_id,
                "fingerprint": fingerprint,
            }
        )
        self.used[event_id] = fingerprint
        if bag_scan_id:
            self.used.setdefault(bag_scan_id, fingerprint)
        self.owner[event_id] = out
        facts = self.loaded.facts[item.id]
        self.before.setdefault(item.id, list(facts))
        fact = Fact(event_id, scan.event, at, office, self.now, scan.details)
        facts.append(fact)  # later scans of this batch see it (a hold, then a delivery attempt)
        self.new[item.id].append(fact)
        out.recorded += 1

    def insert(self) -> None:
        inserted = insert_events(self.session, self.rows, self.now, self.actor.id)
        lost = [row for row in self.rows if row["id"] not in inserted]
        if lost:
            self._settle_races(lost)

    def _settle_races(self, lost: list[dict[str, Any]]) -> None:
        """Rows another transaction inserted first: a retry of the same scan, or an id reused."""
        rows = self.session.execute(
            select(ScanEvent.id, ScanEvent.fingerprint).where(ScanEvent.id.in_([r["id"] for r in lost]))
        )
        stored = dict(rows.all())  # dict(result) would read it as a mapping
        for row in lost:
            out = self.owner[row["id"]]
            out.recorded -= 1
            if stored.get(row["id"]) == row["fingerprint"]:
                out.duplicates += 1
            else:
                out.reject(admission.reused_id())
            self.new[row["consignment_id"]] = [
                f for f in self.new[row["consignment_id"]] if f.id != row["id"]
            ]

    def changes(self) -> list[Change]:
        return [
            Change(self.loaded.by_id[cid], self.before[cid], facts)
            for cid, facts in self.new.items()
            if facts
        ]


def record_scans(
    session: Session, actor: User, inputs: Sequence[ScanInput | RejectedInput], now: datetime | None = None
) -> list[dict[str, Any]]:
    """Record a batch; one result per input, in order. Flushes only; the caller commits once."""
    now = now or utcnow()
    loaded = load(session, inputs, actor.office)
    batch = _Batch(session, actor, loaded, now)
    outcomes = [batch.admit(item) for item in inputs]
    batch.insert()
    changes = batch.changes()
    # Deadlines and estimates count by the destination's area: know those offices, in one query.
    know_offices(session, loaded, [c.item.destination_code for c in changes])
    previous = [(change.item.id, change.item.status) for change in changes]
    Applier(session, actor, now, loaded.areas).apply_all(changes)
    update_items(session, [change.item for change in changes])
    changed = [(cid, old) for cid, old in previous if loaded.by_id[cid].status != old]
    emit_status_changes(session, changed, now)
    results = [_result(out) for out in outcomes]
    counts = {
        kind: sum(1 for r in results if r["result"] == kind) for kind in (RECORDED, DUPLICATE, REJECTED)
    }
    if counts[RECORDED]:
        first = results[0]["id"] or "batch"
        append(session, actor, "scan.batch", "scan", first, **counts, events=len(batch.rows))
    session.flush()
    log.debug("scans by %s: %s", actor.username, counts)
    return results


def _result(out: Outcome) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": out.id,
        "result": out.result,
        "tracking": out.tracking,
        "errors": out.errors,
    }
    if out.event:
        result["event"] = out.event
    if out.bag:
        result["bag"] = out.bag
        result["bag_items"] = out.recorded + out.duplicates
    item = out.item
    if item is not None:
        result["recipient"] = item.recipient_name
        if out.result != REJECTED:
            result["status"] = item.status.value
            result["flags"] = item.flags
    return result


def events_query(tracking: str) -> Select[Any]:
    """The timeline of one item, by event time."""
    return (
        select(ScanEvent)
        .join(Consignment, Consignment.id == ScanEvent.consignment_id)
        .where(Consignment.tracking == tracking)
        .order_by(ScanEvent.at, ScanEvent.recorded_at, ScanEvent.id)
    )
