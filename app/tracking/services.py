"""The public view of a consignment: what may be shown to anyone who has the number.

No names of people, no addresses, no document number or title (classified or not: the public page
is not the place for them), no user names, no event details (receivers' names live there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app import s10
from app.alerts.services import flags_of
from app.errors import Invalid, NotFound
from models import Consignment, Office, ScanEvent, Status

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
    origin: Office
    destination: Office
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


def public_item(session: Session, text: str) -> PublicItem:
    tracking = parse_or_explain(text)
    consignment = session.scalar(
        select(Consignment)
        .where(Consignment.tracking == tracking)
        .options(joinedload(Consignment.origin), joinedload(Consignment.destination))
    )
    if consignment is None:
        message = _("No item with this number is registered. If you have just sent it, try again later.")
        raise NotFound(message, {"tracking": message})
    return _to_public(session, consignment)


def _to_public(session: Session, consignment: Consignment) -> PublicItem:
    rows = session.execute(
        select(ScanEvent.event, ScanEvent.at, Office.code, Office.name)
        .join(Office, Office.code == ScanEvent.office_code)
        .where(ScanEvent.consignment_id == consignment.id)
        .order_by(ScanEvent.at, ScanEvent.recorded_at)
    )
    events = [PublicEvent(e.value, code, name, at) for e, at, code, name in rows]
    return PublicItem(
        tracking=consignment.tracking,
        status=consignment.status,
        flags=flags_of(session, [consignment.id])[consignment.id],
        urgency=consignment.urgency.value,
        origin=consignment.origin,
        destination=consignment.destination,
        registered_at=consignment.registered_at,
        due_at=consignment.due_at,
        delivered_at=consignment.delivered_at,
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
