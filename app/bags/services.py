"""Bags: create at the origin office, fill, seal, open at the destination and compare with the manifest.

Only the origin office's clerks fill and seal a bag; only the destination office's clerks open it.
Adding items is all or nothing, with each refused number named by its index. Opening reports every
listed item that is not there as ``missing_from_bag`` at once (an alert per item, the first sign of a
loss) and every item found that was not listed as unexpected, for the verification note (CN 43).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app import s10
from app.alerts.services import flags_of, open_alert
from app.audit.services import record
from app.auth.policy import is_admin, require_bag_destination, require_bag_origin, require_office
from app.bags.codes import BagCodeError, bag_code, parse_bag_code
from app.bags.codes import group as group_bag
from app.errors import Conflict, Invalid, NotFound
from app.i18n import local_time
from app.scans.inputs import tracking_error
from app.vocabulary import status_label
from models import AlertKind, Consignment, Office, Role, Status, User
from models.bags import Bag, BagItem, BagState
from models.base import utcnow

CLOSED = (Status.DELIVERED, Status.RETURNED, Status.CANCELLED)


def _with_items() -> Any:
    return selectinload(Bag.items).selectinload(BagItem.consignment)


def get_bag(session: Session, text: str, lock: bool = False) -> Bag:
    try:
        serial = parse_bag_code(text)
    except BagCodeError as exc:
        message = (
            _("The bag id's check digit does not match: probably a typing or reading mistake.")
            if exc.typo
            else _("Not a bag id: BG, 9 digits and a check digit (e.g. BG 000 000 001 3).")
        )
        raise NotFound(message, {"id": message}) from None
    query = select(Bag).where(Bag.id == serial).options(_with_items())
    if lock:
        query = query.with_for_update(of=Bag)
    bag = session.scalar(query)
    if bag is None:
        raise NotFound(_("No bag %(bag)s.", bag=group_bag(text)), {"id": _("Unknown bag.")})
    return bag


def bags_query(actor: User, office: str | None, state: str | None) -> Select[Any]:
    """The bags ``may_see_bag`` lets the actor open: a list never names a bag its detail would refuse."""
    query = select(Bag).order_by(Bag.id.desc())
    if actor.role == Role.CLERK:
        office = actor.office_code  # both ends of their own office's bags
    elif actor.role == Role.PRINTER:
        query, office = query.where(Bag.origin_code == actor.office_code), None
    elif not is_admin(actor):
        return query.where(false())  # election bodies follow items, not the post's bags
    if office:
        query = query.where(or_(Bag.origin_code == office, Bag.destination_code == office))
    if state:
        query = query.where(Bag.state == BagState(state))
    return query


def create_bag(
    session: Session, actor: User, origin: str | None, destination: str, now: datetime | None = None
) -> Bag:
    origin = origin or actor.office_code
    errors: dict[str, str] = {}
    if origin is None:
        errors["origin"] = _("Say which office the bag leaves from (administrators have no office).")
    elif session.get(Office, origin) is None:
        errors["origin"] = _("Unknown office %(code)s.", code=origin)
    if session.get(Office, destination) is None:
        errors["destination"] = _("Unknown office %(code)s.", code=destination)
    elif destination == origin:
        errors["destination"] = _("A bag goes to another office than the one it leaves from.")
    if errors:
        raise Invalid(_("The bag cannot be created."), errors)
    require_office(actor, origin)
    bag = Bag(
        origin_code=origin,
        destination_code=destination,
        state=BagState.FILLING,
        created_at=now or utcnow(),
        created_by_id=actor.id,
        unexpected=[],
    )
    session.add(bag)
    session.flush()
    record(session, actor, "bag.create", "bag", bag_code(bag.id), origin=origin, destination=destination)
    return bag


def _require_filling(bag: Bag) -> None:
    if bag.state != BagState.FILLING:
        raise Conflict(
            _(
                "Bag %(bag)s is sealed: nothing more goes in. Start a new bag.",
                bag=group_bag(bag_code(bag.id)),
            ),
            {"id": _("Sealed.")},
        )


def _parse_list(raw: list[Any], field: str) -> tuple[list[str], dict[str, list[str]]]:
    """Canonical numbers, and the errors of the unreadable ones by index."""
    parsed: list[str] = []
    errors: dict[str, list[str]] = {}
    for index, value in enumerate(raw):
        if not isinstance(value, str):
            errors[f"{field}.{index}"] = [_("A tracking number is text.")]
            continue
        try:
            parsed.append(s10.parse(value))
        except s10.S10Error as exc:
            errors[f"{field}.{index}"] = [tracking_error(exc)]
    return parsed, errors


def add_items(session: Session, actor: User, bag: Bag, raw: list[Any], now: datetime | None = None) -> Bag:
    require_bag_origin(actor, bag)
    _require_filling(bag)
    trackings, errors = _parse_list(raw, "trackings")
    found = {
        c.tracking: c for c in session.scalars(select(Consignment).where(Consignment.tracking.in_(trackings)))
    }
    busy = _active_bags(session, [c.id for c in found.values()], bag.id)
    flags = flags_of(session, [c.id for c in found.values()])
    inside = {item.consignment_id for item in bag.items}
    new: list[Consignment] = []
    for index, value in enumerate(raw):
        key = f"trackings.{index}"
        if key in errors:
            continue
        problem = _refusal(found.get(s10.parse(value)), busy, flags)
        if problem:
            errors[key] = [problem]
            continue
        consignment = found[s10.parse(value)]
        if consignment.id not in inside:  # scanning an item into its bag twice is harmless
            inside.add(consignment.id)
            new.append(consignment)
    if errors:
        raise Invalid(_("Nothing was added: fix the numbers listed and try again."), errors)
    _insert_items(session, actor, bag, new, now or utcnow())
    return bag


def _refusal(
    consignment: Consignment | None, busy: dict[int, int], flags: dict[int, list[str]]
) -> str | None:
    if consignment is None:
        return _("No consignment with this number was ever registered.")
    if consignment.status in CLOSED:
        return _(
            "This consignment is %(status)s: it cannot go into a bag.",
            status=status_label(consignment.status),
        )
    if consignment.status == Status.REGISTERED:
        # Only what the post has taken in travels: the bag's scans would otherwise stand for an item
        # still with its sender, and its delivery clock would start without an acceptance.
        return _("Not accepted yet: record its acceptance (EMA) first.")
    if AlertKind.SECURITY_HOLD.value in flags.get(consignment.id, []):
        return _("Held for a security check: it stays here until it is released.")
    if consignment.id in busy:
        return _(
            "Already in bag %(bag)s, which has not been opened yet.",
            bag=group_bag(bag_code(busy[consignment.id])),
        )
    return None


def _active_bags(session: Session, consignment_ids: list[int], this_bag: int) -> dict[int, int]:
    """consignment id -> the other unopened bag it is in."""
    if not consignment_ids:
        return {}
    rows = session.execute(
        select(BagItem.consignment_id, BagItem.bag_id).where(
            BagItem.consignment_id.in_(consignment_ids), BagItem.active.is_(True), BagItem.bag_id != this_bag
        )
    )
    return dict(rows.all())  # dict(result) would read it as a mapping


def _insert_items(session: Session, actor: User, bag: Bag, new: list[Consignment], now: datetime) -> None:
    if not new:
        return
    position = max((item.position for item in bag.items), default=0)
    try:
        with session.begin_nested():
            for offset, consignment in enumerate(new, start=1):
                bag.items.append(
                    BagItem(
                        consignment=consignment,
                        position=position + offset,
                        added_at=now,
                        added_by_id=actor.id,
                        active=True,
                    )
                )
            session.flush()
    except IntegrityError:
        # Another clerk put one of these items into another bag at the same moment.
        session.expire(bag, ["items"])
        raise Conflict(_("One of these items was just put into another bag: reload the bag.")) from None
    record(session, actor, "bag.add", "bag", bag_code(bag.id), trackings=[c.tracking for c in new])


def remove_item(session: Session, actor: User, bag: Bag, tracking: str) -> Bag:
    require_bag_origin(actor, bag)
    _require_filling(bag)
    try:
        canonical = s10.parse(tracking)
    except s10.S10Error as exc:
        raise Invalid(errors={"tracking": tracking_error(exc)}) from None
    item = next((i for i in bag.items if i.consignment.tracking == canonical), None)
    if item is None:
        raise NotFound(
            _("%(tracking)s is not in this bag.", tracking=s10.group(canonical)),
            {"tracking": _("Not in the bag.")},
        )
    bag.items.remove(item)
    session.flush()
    record(session, actor, "bag.remove", "bag", bag_code(bag.id), tracking=canonical)
    return bag


def seal_bag(session: Session, actor: User, bag: Bag, now: datetime | None = None) -> Bag:
    require_bag_origin(actor, bag)
    if bag.state == BagState.SEALED:
        return bag  # sealing again (a retry) changes nothing
    if bag.state == BagState.OPENED:
        raise Conflict(_("This bag was already opened at its destination."), {"id": _("Opened.")})
    if not bag.items:
        raise Conflict(_("An empty bag cannot be sealed: put items in it first."), {"id": _("Empty.")})
    bag.state = BagState.SEALED
    bag.sealed_at = now or utcnow()
    bag.sealed_by_id = actor.id
    session.flush()
    record(session, actor, "bag.seal", "bag", bag_code(bag.id), items=len(bag.items))
    return bag


def open_bag(
    session: Session, actor: User, bag: Bag, office: str | None, raw: list[Any], now: datetime | None = None
) -> dict[str, Any]:
    office = office or actor.office_code or bag.destination_code
    require_bag_destination(actor, bag)
    if office != bag.destination_code:
        raise Invalid(
            _("This bag is addressed to office %(code)s.", code=bag.destination_code),
            {"office": _("Not the bag's destination.")},
        )
    if bag.state == BagState.FILLING:
        raise Conflict(_("This bag has not been sealed yet."), {"id": _("Not sealed.")})
    if bag.state == BagState.OPENED:
        raise Conflict(
            _("This bag was already opened on %(when)s.", when=local_time(bag.opened_at)),
            {"id": _("Opened.")},
        )
    found, errors = _parse_list(raw, "found")
    if errors:
        raise Invalid(_("Nothing was recorded: fix the numbers listed and try again."), errors)
    now = now or utcnow()
    found_set = set(found)
    listed = {item.consignment.tracking for item in bag.items}
    missing = [item for item in bag.items if item.consignment.tracking not in found_set]
    unexpected = list(dict.fromkeys(t for t in found if t not in listed))
    for item in bag.items:
        item.found = item.consignment.tracking in found_set
        item.active = False
    bag.state, bag.opened_at, bag.opened_by_id, bag.unexpected = BagState.OPENED, now, actor.id, unexpected
    session.flush()
    _raise_missing(session, bag, missing, office, now)
    code = bag_code(bag.id)
    record(
        session,
        actor,
        "bag.open",
        "bag",
        code,
        office=office,
        missing=[i.consignment.tracking for i in missing],
        unexpected=unexpected,
    )
    return {
        "id": code,
        "missing": [i.consignment.tracking for i in missing],
        "unexpected": unexpected,
        "found": len(found_set & listed),
        "expected": len(bag.items),
    }


def _raise_missing(session: Session, bag: Bag, missing: list[BagItem], office: str, now: datetime) -> None:
    code = bag_code(bag.id)
    with force_locale("vi"):
        for item in missing:
            open_alert(
                session,
                AlertKind.MISSING_FROM_BAG,
                _(
                    "Missing from bag %(bag)s (%(origin)s → %(destination)s) when it was opened at %(office)s on %(at)s.",
                    bag=group_bag(code),
                    origin=bag.origin_code,
                    destination=bag.destination_code,
                    office=office,
                    at=local_time(now),
                ),
                consignment=item.consignment,
                office_code=office,
                cause_key=code,
                data={"bag": code, "origin": bag.origin_code, "destination": bag.destination_code},
                now=now,
            )
