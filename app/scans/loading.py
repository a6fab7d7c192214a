"""Everything one batch of scans needs from the database, read in a handful of statements.

A batch of 500 scans reads its consignments (locked, in id order, so that two requests touching the
same items take turns instead of deriving a status from each other's half-seen events), their events
and any earlier events reusing the batch's ids in one query, the offices in one, and its bags in two.
Nothing here runs a query per scan.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, lazyload

from app.bags.codes import parse_bag_code
from app.scans.schemas import RejectedInput, ScanInput
from app.scans.status import Fact
from models import Consignment, Office, ScanEvent
from models.bags import Bag, BagItem

CHUNK = 5000  # IN-list size: well under SQLite's and PostgreSQL's parameter limits
T = TypeVar("T")


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def bag_item_id(bag_scan_id: str, tracking: str) -> str:
    """The event id an item gets from a bag scan: the same on every retry of that bag scan."""
    return str(uuid.uuid5(uuid.UUID(bag_scan_id), tracking))


@dataclass
class BagContent:
    bag: Bag
    consignment_ids: list[int]


@dataclass
class Stored:
    """An event already in the database whose id a scan of this batch uses."""

    fingerprint: str
    consignment_id: int


@dataclass
class Loaded:
    consignments: dict[str, Consignment] = field(default_factory=dict)  # by tracking
    by_id: dict[int, Consignment] = field(default_factory=dict)
    facts: dict[int, list[Fact]] = field(default_factory=lambda: defaultdict(list))
    stored: dict[str, Stored] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    bags: dict[str, BagContent] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)  # event ids already read (chunks may overlap)


def load(session: Session, inputs: Iterable[ScanInput | RejectedInput], default_office: str | None) -> Loaded:
    scans = [i for i in inputs if isinstance(i, ScanInput)]
    loaded = Loaded()
    loaded.bags = _bags(session, {s.bag for s in scans if s.bag})
    in_bags = {cid for content in loaded.bags.values() for cid in content.consignment_ids}
    _consignments(session, loaded, sorted({s.tracking for s in scans if s.tracking}), sorted(in_bags))
    sent_ids = {s.id for s in scans}
    # Ids a bag scan gives its items belong to those items: the consignment condition finds them.
    derived_ids = {
        bag_item_id(s.id, loaded.by_id[c].tracking)
        for s in scans
        if s.bag and s.bag in loaded.bags
        for c in loaded.bags[s.bag].consignment_ids
        if c in loaded.by_id
    }
    _events(session, loaded, sorted(loaded.by_id), sorted(sent_ids), sent_ids | derived_ids)
    offices = {s.office for s in scans if s.office} | {default_office}
    offices |= {c.destination_code for c in loaded.by_id.values()}
    loaded.offices = _offices(session, offices)
    return loaded


def _bags(session: Session, codes: set[str]) -> dict[str, BagContent]:
    if not codes:
        return {}
    serials = {parse_bag_code(code): code for code in codes}
    bags = session.scalars(select(Bag).where(Bag.id.in_(serials)).options(lazyload("*"))).all()
    members: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = session.execute(
        select(BagItem.bag_id, BagItem.position, BagItem.consignment_id).where(BagItem.bag_id.in_(serials))
    )
    for bag_id, position, consignment_id in rows:
        members[bag_id].append((position, consignment_id))
    return {serials[bag.id]: BagContent(bag, [cid for _pos, cid in sorted(members[bag.id])]) for bag in bags}


def _consignments(session: Session, loaded: Loaded, trackings: list[str], ids: list[int]) -> None:
    if not trackings and not ids:
        return
    # Trackings are at most one per scan; a bag's items come by id, in chunks for very large batches.
    id_chunks: list[Sequence[int]] = list(chunks(ids)) or [[]]
    for number, id_chunk in enumerate(id_chunks):
        conditions: list[Any] = []
        if trackings and number == 0:
            conditions.append(Consignment.tracking.in_(trackings))
        if id_chunk:
            conditions.append(Consignment.id.in_(id_chunk))
        query = (
            select(Consignment)
            .where(or_(*conditions))
            .order_by(Consignment.id)
            .options(lazyload("*"))
            .with_for_update(of=Consignment)
            .execution_options(populate_existing=True)
        )
        for consignment in session.scalars(query):
            loaded.consignments[consignment.tracking] = consignment
            loaded.by_id[consignment.id] = consignment


def _events(
    session: Session, loaded: Loaded, consignment_ids: list[int], sent_ids: list[str], wanted: set[str]
) -> None:
    """The events of the batch's consignments, and any stored event reusing one of the ids sent."""
    columns = (
        ScanEvent.id,
        ScanEvent.consignment_id,
        ScanEvent.event,
        ScanEvent.office_code,
        ScanEvent.at,
        ScanEvent.recorded_at,
        ScanEvent.details,
        ScanEvent.fingerprint,
    )
    mine = set(consignment_ids)
    cid_chunks: list[Sequence[int]] = list(chunks(consignment_ids)) or [[]]
    for number, cid_chunk in enumerate(cid_chunks):
        conditions: list[Any] = []
        if cid_chunk:
            conditions.append(ScanEvent.consignment_id.in_(cid_chunk))
        if sent_ids and number == 0:
            conditions.append(ScanEvent.id.in_(sent_ids))
        if not conditions:
            continue
        for row in session.execute(select(*columns).where(or_(*conditions))):
            if row.id in wanted:
                loaded.stored[row.id] = Stored(row.fingerprint, row.consignment_id)
            if row.consignment_id in mine and row.id not in loaded.seen:
                loaded.seen.add(row.id)
                loaded.facts[row.consignment_id].append(
                    Fact(row.id, row.event, row.at, row.office_code, row.recorded_at, row.details or {})
                )


def _offices(session: Session, codes: set[str | None]) -> dict[str, Office]:
    wanted = sorted(c for c in codes if c)
    if not wanted:
        return {}
    rows = session.scalars(select(Office).where(Office.code.in_(wanted)).options(lazyload("*")))
    return {office.code: office for office in rows}
