"""The public view of a consignment: what may be shown to anyone who has the number.

No names of people, no addresses, no document number or title (classified or not: the public page
is not the place for them), no user names, no event details (receivers' names live there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app import s10
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
# The hot path of public tracking: plain columns (no ORM objects), flags aggregated by the database.
_ITEM = (
    select(
        _C.c.id, _C.c.tracking, _C.c.status, _C.c.urgency, _C.c.registered_at, _C.c.due_at, _C.c.delivered_at,
        _ORIGIN.c.code, _ORIGIN.c.name, _DESTINATION.c.code, _DESTINATION.c.name,
        select(func.aggregate_strings(_A.c.kind, ","))
        .where(_A.c.consignment_id == _C.c.id, _A.c.state != AlertState.RESOLVED.value)
        .scalar_subquery(),
    )
    .join(_ORIGIN, _ORIGIN.c.code == _C.c.origin_code)
    .join(_DESTINATION, _DESTINATION.c.code == _C.c.destination_code)
    .where(_C.c.tracking == bindparam("tracking"))
)  # fmt: skip
_EVENTS = (
    select(_E.c.event, _E.c.at, _AT.c.code, _AT.c.name)
    .join(_AT, _AT.c.code == _E.c.office_code)
    .where(_E.c.consignment_id == bindparam("consignment"))
    .order_by(_E.c.at, _E.c.recorded_at)
)


def public_item(session: Session, text: str) -> PublicItem:
    tracking = parse_or_explain(text)
    # Built once with bind parameters and run on the connection: no per-request statement building.
    connection = session.connection()
    row = connection.execute(_ITEM, {"tracking": tracking}).first()
    if row is None:
        message = _("No item with this number is registered. If you have just sent it, try again later.")
        raise NotFound(message, {"tracking": message})
    (
        cid,
        tracking,
        status,
        urgency,
        registered_at,
        due_at,
        delivered_at,
        o_code,
        o_name,
        d_code,
        d_name,
        flags,
    ) = row
    events = [
        PublicEvent(e.value if hasattr(e, "value") else e, code, name, at)
        for e, at, code, name in connection.execute(_EVENTS, {"consignment": cid})
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
