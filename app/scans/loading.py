"""Everything one batch of scans needs from the database, read in a handful of statements.

A batch locks its consignments (in id order, so that two requests touching the same items take turns instead
of deriving a status from each other's half-seen events), then reads their events and unresolved alerts in
a statement of its own, the offices it does not know yet in one, and its bags in two. On PostgreSQL the lock
returns the consignments themselves (see ``_items_pg``). Consignments are read as plain rows (``Item``), not
ORM objects: a batch of 1,000 changes them with one UPDATE, and the ORM's per-object bookkeeping was most of
the time a batch took.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import orjson
from sqlalchemy import Integer, String, and_, any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, lazyload

from app.alerts.services import UNRESOLVED
from app.bags.codes import parse_bag_code
from app.scans.inputs import RejectedInput, ScanInput
from app.scans.status import Fact
from models import Alert, AlertKind, Area, Consignment, EventCode, Office, ScanEvent, Status, Urgency
from models.bags import Bag, BagItem

CHUNK = 5000  # list size per statement: well under SQLite's and PostgreSQL's parameter limits
T = TypeVar("T")
C = Consignment.__table__
A = Alert.__table__
E = ScanEvent.__table__


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def bag_item_id(bag_scan_id: str, tracking: str) -> str:
    """The event id an item gets from a bag scan: the same on every retry of that bag scan."""
    return str(uuid.uuid5(uuid.UUID(bag_scan_id), tracking))


def among(session: Session, column: Any, values: Sequence[Any], item_type: Any) -> Any:
    """``column IN values``; one array parameter on PostgreSQL instead of one parameter per value."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(item_type)))
    return column.in_(list(values))


@dataclass(slots=True)
class Item:
    """A consignment as a batch reads and changes it."""

    id: int
    tracking: str
    status: Status
    recipient_name: str
    registered_at: datetime
    cancelled_at: datetime | None
    urgency: Urgency
    deliver_by: datetime | None
    origin_code: str
    destination_code: str
    route: list[str]
    accepted_at: datetime | None
    due_at: datetime
    expected_at: datetime | None
    delivered_at: datetime | None
    delivered_to: str | None
    last_event_at: datetime | None
    last_office_code: str | None
    changed_at: datetime
    # Unresolved alerts: kind -> when the earliest of that kind was opened (its flags are these kinds).
    open_kinds: dict[AlertKind, datetime] = field(default_factory=dict)

    @property
    def flags(self) -> list[str]:
        if not self.open_kinds:  # most items: no sort of an empty generator for each result
            return []
        return sorted(kind.value for kind in self.open_kinds)


ITEM_COLUMNS = [c for c in Item.__slots__ if c != "open_kinds"]  # type: ignore[attr-defined]


@dataclass
class BagContent:
    bag: Bag
    consignment_ids: list[int]


@dataclass
class Loaded:
    items: dict[str, Item] = field(default_factory=dict)  # by tracking
    by_id: dict[int, Item] = field(default_factory=dict)
    facts: dict[int, list[Fact]] = field(default_factory=lambda: defaultdict(list))
    fingerprints: dict[str, str] = field(default_factory=dict)  # event id -> fingerprint, of these items
    areas: dict[str, Area] = field(default_factory=dict)  # office code -> area, of the offices used
    bags: dict[str, BagContent] = field(default_factory=dict)


def load(session: Session, inputs: Iterable[ScanInput | RejectedInput], own_office: Office | None) -> Loaded:
    scans = [i for i in inputs if isinstance(i, ScanInput)]
    loaded = Loaded()
    if own_office is not None:  # the clerk's office came with the clerk: no query for the usual case
        loaded.areas[own_office.code] = own_office.area
    loaded.bags = _bags(session, {s.bag for s in scans if s.bag})
    in_bags = sorted({cid for content in loaded.bags.values() for cid in content.consignment_ids})
    trackings = sorted({s.tracking for s in scans if s.tracking})
    if _postgres(session):
        _items_pg(session, loaded, trackings, in_bags)
    else:
        _items(session, loaded, trackings, in_bags)
    # The offices named, and the destinations whose area deadlines and estimates count by (PostgreSQL read
    # those with the items): at most one query, none for a clerk scanning at their own office.
    destinations = {item.destination_code for item in loaded.by_id.values()}
    know_offices(session, loaded, {s.office for s in scans if s.office} | destinations)
    return loaded


def know_offices(session: Session, loaded: Loaded, codes: Iterable[str | None]) -> None:
    """Add the areas of these offices to what the batch knows (one query, only for codes not known)."""
    missing = {c for c in codes if c and c not in loaded.areas}
    if missing:
        loaded.areas.update(_offices(session, missing))


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


def _items(session: Session, loaded: Loaded, trackings: list[str], ids: list[int]) -> None:
    """The consignments (locked) with all their events, in one statement per chunk."""
    columns = [C.c[name] for name in ITEM_COLUMNS]
    events = [E.c.id.label("event_id"), E.c.event, E.c.office_code, E.c.at, E.c.recorded_at, E.c.details]
    alerts = [A.c.id.label("alert_id"), A.c.kind.label("alert_kind"), A.c.opened_at.label("alert_opened_at")]
    # Events and unresolved alerts ride along (a row per event x alert): one round trip for all three.
    joined = C.outerjoin(E, E.c.consignment_id == C.c.id).outerjoin(
        A, and_(A.c.consignment_id == C.c.id, A.c.state.in_([s.value for s in UNRESOLVED]))
    )
    id_chunks: list[Sequence[int]] = list(chunks(ids)) or [[]]
    for number, id_chunk in enumerate(id_chunks):
        conditions: list[Any] = []
        if trackings and number == 0:
            conditions.append(among(session, C.c.tracking, trackings, String))
        if id_chunk:
            conditions.append(among(session, C.c.id, id_chunk, Integer))
        if not conditions:
            continue
        wanted: Any = or_(*conditions)
        if session.get_bind().dialect.name == "postgresql":
            wanted = among(session, C.c.id, _lock(session, wanted), Integer)
        query = select(*columns, *events, E.c.fingerprint, *alerts).select_from(joined).where(wanted)
        for row in session.execute(query.order_by(C.c.id)):
            _read_row(loaded, row)


# PostgreSQL: two statements written out (no SQLAlchemy statement built, compiled and cached per request:
# that was most of a single scan's CPU in this module), arrays as parameters. The first locks the items and
# returns them, with their destination's area (an acceptance then needs no office query): after a wait,
# PostgreSQL re-reads the locked row itself, so these values are current. The second, a new snapshot taken
# after any batch we waited for has committed, reads their events and unresolved alerts (see _lock).
# The route comes as text: psycopg parses jsonb with json.loads per row, more than half of reading 500 items,
# while a batch's items share a handful of routes (see _item_pg).
_LOCK_PG = f"""
SELECT {", ".join("c." + name if name != "route" else "c.route::text" for name in ITEM_COLUMNS)}, d.area
FROM consignments AS c LEFT JOIN offices AS d ON d.code = c.destination_code
WHERE c.tracking = ANY(string_to_array(%s, ',')::varchar[])
   OR c.id = ANY(string_to_array(%s, ',')::integer[])
ORDER BY c.id FOR NO KEY UPDATE OF c
"""  # noqa: S608 - built from this module's constants only
# Events, then unresolved alerts (their rows have no event id). Empty details come back as NULL: parsing
# '{}' for every event of a 500-item batch was a visible share of its CPU.
_FACTS_PG = f"""
SELECT e.consignment_id, e.id, e.event, e.office_code, e.at, e.recorded_at,
       CASE WHEN e.details = '{{}}'::jsonb THEN NULL ELSE e.details END, e.fingerprint
FROM scan_events AS e WHERE e.consignment_id = ANY(string_to_array(%s, ',')::integer[])
UNION ALL
SELECT a.consignment_id, NULL, a.kind, NULL, a.opened_at, NULL, NULL, NULL
FROM alerts AS a
WHERE a.consignment_id = ANY(string_to_array(%s, ',')::integer[]) AND a.state IN ({", ".join(f"'{s.value}'" for s in UNRESOLVED)})
"""  # noqa: S608 - built from this module's constants only
_TIMES = frozenset(name for name, kind in Item.__annotations__.items() if "datetime" in str(kind))
# Enum members by value, looked up in a dict: calling the enum class (Status(value)) is several times slower,
# and a batch of 500 converts a few thousand values.
_CONVERT: dict[str, dict[Any, Any]] = {
    "status": {m.value: m for m in Status},
    "urgency": {m.value: m for m in Urgency},
}
_EVENTS = {m.value: m for m in EventCode}
_ALERT_KINDS = {m.value: m for m in AlertKind}
_AREA = len(ITEM_COLUMNS)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _items_pg(session: Session, loaded: Loaded, trackings: list[str], ids: list[int]) -> None:
    """The consignments, locked, then their events and unresolved alerts."""
    connection = session.connection()
    as_utc = _as_utc(connection)
    # Lists as comma-separated text (S10 numbers and ids hold no comma): psycopg dumps a list parameter
    # element by element in Python, string_to_array splits it in C.
    wanted = (",".join(trackings), ",".join(map(str, ids)))
    routes: dict[str, list[str]] = {}
    for row in connection.exec_driver_sql(_LOCK_PG, wanted).all():
        item = _item_pg(row, as_utc, routes)
        loaded.items[item.tracking] = item
        loaded.by_id[item.id] = item
        if row[_AREA] is not None:
            loaded.areas.setdefault(item.destination_code, Area(row[_AREA]))
    if not loaded.by_id:
        return
    locked = ",".join(map(str, loaded.by_id))
    facts, fingerprints = loaded.facts, loaded.fingerprints
    for cid, event_id, code, office, at, recorded_at, details, fingerprint in connection.exec_driver_sql(
        _FACTS_PG, (locked, locked)
    ).all():
        at = as_utc(at)
        if event_id is None:  # an unresolved alert: its kind and when it was opened
            kinds, kind = loaded.by_id[cid].open_kinds, _ALERT_KINDS[code]
            kinds[kind] = min(kinds[kind], at) if kind in kinds else at
        elif event_id not in fingerprints:
            fingerprints[event_id] = fingerprint
            fact = Fact(event_id, _EVENTS[code], at, office, as_utc(recorded_at), details or {})
            facts[cid].append(fact)


def _as_utc(connection: Any) -> Any:
    """How to make the driver's times UTC: nothing to do when the session's time zone already is."""
    zone = connection.connection.dbapi_connection.info.timezone
    offsets = {datetime(2026, month, 1, tzinfo=UTC).astimezone(zone).utcoffset() for month in (1, 7)}
    return _same if offsets == {timedelta(0)} else _utc


def _same(moment: Any) -> Any:
    return moment


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _item_pg(row: Any, as_utc: Any, routes: dict[str, list[str]]) -> Item:
    """An item from its locked row; ``routes`` holds the routes parsed so far (JSON text -> list)."""
    if as_utc is _same:  # the usual case (a UTC session): only the enums need converting
        values = list(row[:_AREA])
        for index, members in _CONVERTED:
            values[index] = members[values[index]]
    else:
        values = [
            _CONVERT[name][value] if name in _CONVERT else as_utc(value) if name in _TIMES else value
            for name, value in zip(ITEM_COLUMNS, row, strict=False)
        ]
    text = values[_ROUTE]
    route = routes.get(text)
    if route is None:
        route = routes[text] = orjson.loads(text) or []
    values[_ROUTE] = list(route)  # each item its own list
    return Item(*values)


_CONVERTED = [(ITEM_COLUMNS.index(name), members) for name, members in _CONVERT.items()]
_ROUTE = ITEM_COLUMNS.index("route")
_OFFICES_PG = "SELECT code, area FROM offices WHERE code = ANY(%s::varchar[])"


def _lock(session: Session, wanted: Any) -> list[int]:
    """Lock the consignments (in id order, so two batches take turns instead of deadlocking) and return
    their ids. This must be a statement of its own, before the events are read: when a lock had to wait,
    PostgreSQL re-reads the locked row but not the rows joined to it, so one statement that locks and joins
    would see the item as the other batch left it and its events as they were before that batch — and
    derive a status that ignores them. A new statement takes a new snapshot, after the other batch's commit.
    SQLite has no row locks: its writers take turns over the whole database.
    """
    query = select(C.c.id).where(wanted).order_by(C.c.id).with_for_update(key_share=True)
    return list(session.scalars(query))


def _read_row(loaded: Loaded, row: Any) -> None:
    item = loaded.by_id.get(row.id)
    if item is None:
        item = Item(**{name: getattr(row, name) for name in ITEM_COLUMNS})
        item.route = list(item.route or [])
        loaded.items[item.tracking] = item
        loaded.by_id[item.id] = item
    if row.alert_id is not None:
        kinds = item.open_kinds
        kind, opened_at = AlertKind(row.alert_kind), row.alert_opened_at
        kinds[kind] = min(kinds[kind], opened_at) if kind in kinds else opened_at
    if row.event_id is not None and row.event_id not in loaded.fingerprints:
        loaded.fingerprints[row.event_id] = row.fingerprint
        fact = Fact(row.event_id, row.event, row.at, row.office_code, row.recorded_at, row.details or {})
        loaded.facts[item.id].append(fact)


def _offices(session: Session, codes: set[str | None]) -> dict[str, Area]:
    wanted = sorted(c for c in codes if c)
    if not wanted:
        return {}
    if _postgres(session):
        rows = session.connection().exec_driver_sql(_OFFICES_PG, (wanted,))
        return {code: Area(area) for code, area in rows}
    rows = session.execute(select(Office.code, Office.area).where(Office.code.in_(wanted)))
    return dict(rows.all())  # dict(result) would read it as a mapping
