"""The public view of a consignment: what may be shown to anyone who has the number.

No names of people, no addresses, no document number or title (classified or not: the public page
is not the place for them), no user names, no event details (receivers' names live there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session

from app import s10
from app.db import read_connection
from app.errors import Invalid, NotFound
from models import Alert, AlertState, Consignment, Office, ScanEvent, Status

MAX_IDS = 20

# The stages a person recognises, in order, for the progress picture.
STAGES = (
    ("registered", (Status.REGISTERED,)),
    ("accepted", (Status.ACCEPTED,)),
    ("in_transit", (Status.IN_TRANSIT,)),
    ("at_delivery_office", (Status.AT_DELIVERY_OFFICE, Status.HELD, Status.DELIVERY_FAILED)),
    ("out_for_delivery", (Status.OUT_FOR_DELIVERY,)),
    ("delivered", (Status.DELIVERED,)),
)


@dataclass(frozen=True)
class PublicOffice:
    code: str
    name: str


@dataclass
class PublicEvent:
    event: str
    office_code: str
    office_name: str
    at: datetime


@dataclass
class PublicItem:
    tracking: str
    status: Status
    flags: list[str]
    urgency: str
    origin: PublicOffice
    destination: PublicOffice
    registered_at: datetime
    due_at: datetime
    delivered_at: datetime | None
    events: list[PublicEvent] = field(default_factory=list)

    @property
    def stage_index(self) -> int:
        for index, (_name, statuses) in enumerate(STAGES):
            if self.status in statuses:
                return index
        return -1  # returned or cancelled: off the usual path


@dataclass
class LookupResult:
    """One number asked for: the item, or why there is none (``problem`` is ``typo``, ``invalid`` or ``unknown``)."""

    asked: str
    item: PublicItem | None = None
    problem: str | None = None
    message: str | None = None


def parse_or_explain(text: str) -> str:
    try:
        return s10.parse(text)
    except s10.S10Error as exc:
        if exc.typo:
            message = _("The check digit does not match: this number was probably mistyped. Check it again.")
        else:
            message = _("This is not a valid tracking number (e.g. EB 123 456 785 VN).")
        raise Invalid(message, {"tracking": message}) from exc


_C, _A, _E = Consignment.__table__, Alert.__table__, ScanEvent.__table__
_ORIGIN, _DESTINATION, _AT = (
    Office.__table__.alias("origin"),
    Office.__table__.alias("destination"),
    Office.__table__.alias("at_office"),
)
# The hot path of public tracking is one statement: the item (flags aggregated by the database) in a
# materialised CTE, so its flags are computed once and not once per event row, then its events joined to it,
# one row each (a row of NULL events when there is none). Plain columns, no ORM objects, built once.
_ITEM = (
    select(
        _C.c.id, _C.c.tracking, _C.c.status, _C.c.urgency, _C.c.registered_at, _C.c.due_at, _C.c.delivered_at,
        _ORIGIN.c.code.label("o_code"), _ORIGIN.c.name.label("o_name"),
        _DESTINATION.c.code.label("d_code"), _DESTINATION.c.name.label("d_name"),
        select(func.aggregate_strings(_A.c.kind, ","))
        .where(_A.c.consignment_id == _C.c.id, _A.c.state != AlertState.RESOLVED.value)
        .scalar_subquery()
        .label("flags"),
    )
    .join(_ORIGIN, _ORIGIN.c.code == _C.c.origin_code)
    .join(_DESTINATION, _DESTINATION.c.code == _C.c.destination_code)
    .where(_C.c.tracking == bindparam("tracking"))
    .cte("item")
    .prefix_with("MATERIALIZED")
)  # fmt: skip
LOOKUP = (
    select(_ITEM, _E.c.event, _E.c.at, _AT.c.code, _AT.c.name)
    .select_from(
        _ITEM.outerjoin(_E.join(_AT, _AT.c.code == _E.c.office_code), _E.c.consignment_id == _ITEM.c.id)
    )
    .order_by(_E.c.at, _E.c.recorded_at)
)


def public_item(session: Session, text: str) -> PublicItem:
    tracking = parse_or_explain(text)
    rows = read_connection(session).execute(LOOKUP, {"tracking": tracking}).all()
    if not rows:
        message = _("No item with this number is registered. If you have just sent it, try again later.")
        raise NotFound(message, {"tracking": message})
    return item_from_rows(rows)


def item_from_rows(rows: Sequence[Row] | Sequence[tuple]) -> PublicItem:
    """The item from the first row (every row repeats it), its events from every row that has one."""
    (_cid, tracking, status, urgency, registered_at, due_at, delivered_at, o_code, o_name, d_code, d_name,
     flags) = rows[0][:12]  # fmt: skip
    events = [
        PublicEvent(e.value if hasattr(e, "value") else e, code, name, at)
        for e, at, code, name in (row[12:] for row in rows)
        if e is not None
    ]
    return PublicItem(
        tracking=tracking,
        status=Status(status),
        flags=sorted(set(flags.split(","))) if flags else [],
        urgency=urgency.value if hasattr(urgency, "value") else urgency,
        origin=PublicOffice(o_code, o_name),
        destination=PublicOffice(d_code, d_name),
        registered_at=registered_at,
        due_at=due_at,
        delivered_at=delivered_at,
        events=events,
    )


def split_ids(raw: str | None) -> list[str]:
    """'EB 123 456 785 VN, eb000000005vn' -> the numbers as typed, one per comma, newline or semicolon."""
    if not raw:
        return []
    parts = [p.strip() for chunk in raw.replace(";", ",").splitlines() for p in chunk.split(",")]
    return [p for p in parts if p]


def lookup_many(session: Session, raw: str | None) -> list[LookupResult]:
    asked = split_ids(raw)
    if len(asked) > MAX_IDS:
        message = _("At most %(n)d numbers at once.", n=MAX_IDS)
        raise Invalid(message, {"ids": message})
    results = []
    for text in asked:
        try:
            results.append(LookupResult(text, item=public_item(session, text)))
        except Invalid as exc:
            results.append(
                LookupResult(text, problem="typo" if _is_typo(text) else "invalid", message=exc.detail)
            )
        except NotFound as exc:
            results.append(LookupResult(text, problem="unknown", message=exc.detail))
    return results


def _is_typo(text: str) -> bool:
    try:
        s10.parse(text)
    except s10.S10Error as exc:
        return exc.typo
    return False
