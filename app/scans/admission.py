"""Whether one scan may be recorded: the id, the office, the time, the item, the delivery office, a security
hold.

Each check returns field errors (empty when the scan passes) and never touches the database: what it
needs was loaded for the whole batch (``app.scans.loading``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _

from app.auth.policy import may_work_at_office
from app.bags.codes import group as group_bag
from app.i18n import local_time
from app.scans.inputs import ScanInput
from app.scans.loading import Item, Loaded
from app.scans.status import DELIVERY_EVENTS, Fact, hold_in_force
from models import EventCode, Status, User
from models.bags import BagState

Errors = dict[str, list[str]]
# A device clock a little ahead is tolerated; further ahead is a wrong clock, not a scan.
MAX_AHEAD = timedelta(minutes=10)
# Registration and acceptance happen at the same counter within minutes; allow some clock difference.
BEFORE_REGISTRATION_SLACK = timedelta(minutes=10)
# A bag scan stands for its items only while they travel in it.
BAG_EVENTS = frozenset({EventCode.EDD, EventCode.EDE, EventCode.EMG})
# The final mile: only the office that delivers the item can take it out for delivery, fail to deliver it,
# deliver it, keep it for the recipient or hand it over at a collection point. Anywhere else such a scan
# would stop the item being watched (a document marked delivered by the wrong office is a loss hidden).
FINAL_MILE_EVENTS = frozenset({EventCode.EDG, EventCode.EMH, EventCode.EMI, EventCode.EDF, EventCode.EDH})


def office_errors(actor: User, office: str | None, loaded: Loaded) -> Errors:
    if office is None:
        return {"office": [_("Say at which office the scan was made (administrators have no office).")]}
    if office not in loaded.areas:
        return {"office": [_("Unknown office %(code)s.", code=office)]}
    if not may_work_at_office(actor, office):
        return {
            "office": [_("You may only scan at your own office (%(code)s).", code=actor.office_code or "")]
        }
    return {}


def time_errors(at: datetime, now: datetime) -> Errors:
    if at > now + MAX_AHEAD:
        return {
            "at": [
                _(
                    "More than %(n)d minutes in the future (%(at)s): check the scanner's clock.",
                    n=int(MAX_AHEAD.total_seconds() // 60),
                    at=local_time(at),
                )
            ]
        }
    return {}


def item_errors(item: Item | None, at: datetime, field: str = "tracking") -> Errors:
    if item is None:
        return {field: [_("No consignment with this number was ever registered.")]}
    if item.status == Status.CANCELLED or item.cancelled_at is not None:
        return {field: [_("This consignment was cancelled: it cannot be scanned.")]}
    if at < item.registered_at - BEFORE_REGISTRATION_SLACK:
        return {
            "at": [
                _(
                    "Before the item was registered (%(when)s): check the scanner's clock.",
                    when=local_time(item.registered_at),
                )
            ]
        }
    return {}


def delivery_office_errors(event: EventCode, office: str, item: Item) -> Errors:
    """A final-mile event at an office other than the item's delivery office is refused."""
    delivers = item.destination_code
    if event not in FINAL_MILE_EVENTS or not delivers or office == delivers:
        return {}
    return {
        "office": [
            _(
                "%(event)s is for the office that delivers this item, %(delivers)s; "
                "office %(office)s does not deliver it.",
                event=event.value,
                delivers=delivers,
                office=office,
            )
        ]
    }


def hold_errors(event: EventCode, at: datetime, facts: list[Fact]) -> Errors:
    if event not in DELIVERY_EVENTS:
        return {}
    hold = hold_in_force(facts, at)
    if hold is None:
        return {}
    return {
        "event": [
            _(
                "Held for a security check since %(when)s (%(reason)s): nothing may be delivered until it "
                "is released (XRL).",
                when=local_time(hold.at),
                reason=str(hold.details.get("reason") or ""),
            )
        ]
    }


def bag_errors(scan: ScanInput, loaded: Loaded) -> Errors:
    content = loaded.bags.get(scan.bag or "")
    if content is None:
        return {"bag": [_("No bag with this id.")]}
    if content.bag.state == BagState.FILLING:
        return {
            "bag": [
                _("Bag %(bag)s is not sealed yet: seal it before it travels.", bag=group_bag(scan.bag or ""))
            ]
        }
    if scan.event not in BAG_EVENTS:
        return {
            "event": [
                _(
                    "A bag scan can only be EDD, EDE or EMG: scan the items themselves for %(event)s.",
                    event=scan.event.value,
                )
            ]
        }
    return {}


def reused_id() -> Errors:
    return {"id": [_("This id was already used for a different scan: a new scan needs a new id.")]}
