"""What newly recorded events change on their consignment: status, dates, deadline, flags, audit.

The consignment's state is re-derived from all its events (``app.scans.status``); the alerts follow:
anomalies, a scan off the route and a security hold are raised; stalled / suspected-lost / missing clear
when the item is seen again, and late clears when it is delivered. Alert texts are stored in Vietnamese
(the record) with every fact of the words in ``data``: app.alerts.messages words them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.alerts.estimate import estimate
from app.alerts.services import open_alert, resolve_alerts
from app.audit.services import record
from app.i18n import local_time
from app.scans.loading import Item
from app.scans.status import Anomaly, AnomalyKind, Derived, Fact, derive_change, new_anomalies
from app.standards.calendar import Calendar
from app.standards.services import deadline_standards
from models import AlertKind, Area, Consignment, EventCode, Status, Urgency, User


class Deadlines:
    """The delivery deadline of each acceptance of a batch, and each item's revised estimate. The standards
    and the calendar are read in one statement, the first time a batch needs them, and looked up in plain
    dicts after that: a batch of 500 acceptances spent half its time building the same standard query again
    for every item.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._standards: tuple[Calendar, dict[Urgency, dict[Area, int]]] | None = None

    def due(self, item: Item, area: Area, start: datetime) -> datetime:
        # As app.standards.services.due_at: an agreed delivery time wins, else counting hours.
        if item.deliver_by is not None:
            return item.deliver_by
        calendar, hours = self._read()
        return calendar.add_hours(start, hours[item.urgency][area])

    def expected(self, item: Item, area: Area, now: datetime) -> datetime | None:
        """The revised estimate (app.alerts.estimate), from the same standards and calendar."""
        _calendar, hours = self._read()  # also what load_calendar answers for this session from now on
        return estimate(self.session, item, now, area, hours)

    def _read(self) -> tuple[Calendar, dict[Urgency, dict[Area, int]]]:
        if self._standards is None:
            self._standards = deadline_standards(self.session)
        return self._standards


@dataclass
class Change:
    """One consignment touched by a batch: its events before, the ones this batch recorded."""

    item: Item
    before: list[Fact]
    new: list[Fact]


class Applier:
    def __init__(self, session: Session, actor: User, now: datetime, areas: dict[str, Area]) -> None:
        self.session = session
        self.actor = actor
        self.now = now
        self.areas = areas
        self.deadlines = Deadlines(session)

    def apply_all(self, changes: Sequence[Change]) -> None:
        with force_locale("vi"):
            for change in changes:
                self.apply(change)

    def apply(self, change: Change) -> None:
        # Derived before and after this batch's events, the earlier events read once when the new ones
        # come after them (most batches): deriving twice from all events was a tenth of a batch's CPU.
        before, after = derive_change(change.before, change.new)
        self._update(change.item, after)
        self._anomalies(change.item, new_anomalies(before, after))
        self._route(change, after)
        self._hold(change, before, after)
        self._clear(change, before, after)

    def _update(self, item: Item, after: Derived) -> None:
        item.status = after.status
        if after.accepted_at is not None and after.accepted_at != item.accepted_at:
            # Acceptance starts the delivery clock (a late-arriving earlier EMA restarts it earlier).
            item.accepted_at = after.accepted_at
            area = self.areas.get(item.destination_code, Area.RURAL)
            item.due_at = self.deadlines.due(item, area, after.accepted_at)
        item.delivered_at = after.delivered_at
        item.delivered_to = after.delivered_to
        item.last_event_at = after.last_event_at
        item.last_office_code = after.last_office
        item.changed_at = self.now
        # Revised as it moves: the share of the standard still ahead of it from where it was last seen.
        area = self.areas.get(item.destination_code, Area.RURAL)
        item.expected_at = self.deadlines.expected(item, area, self.now)

    # --- alerts: they need the ORM consignment, loaded only for the few items that raise or clear one ---

    def _consignment(self, item: Item) -> Consignment:
        return self.session.get_one(Consignment, item.id)

    def _open(self, item: Item, kind: AlertKind, detail: str, **kwargs: object) -> None:
        opened = open_alert(
            self.session, kind, detail, consignment=self._consignment(item), now=self.now, **kwargs
        )  # type: ignore[arg-type]
        if opened is not None:
            item.open_kinds.setdefault(kind, self.now)

    def _resolve(self, item: Item, kinds: list[AlertKind], text: Callable[[], str]) -> None:
        # The words are made only when something is resolved: most scans clear nothing.
        wanted = [k for k in kinds if k in item.open_kinds]
        if wanted and resolve_alerts(self.session, self._consignment(item), wanted, text(), now=self.now):
            for kind in wanted:
                item.open_kinds.pop(kind, None)

    def _anomalies(self, item: Item, anomalies: list[Anomaly]) -> None:
        for anomaly in anomalies:
            data = {
                "anomaly": anomaly.kind.value,
                "event_id": anomaly.event_id,
                "event": anomaly.event.value,
                "earlier_event_id": anomaly.earlier.id if anomaly.earlier else None,
                # The facts of the words, so that app.alerts.messages says them in the reader's language.
                "earlier_event": anomaly.earlier.event.value if anomaly.earlier else None,
                "earlier_at": anomaly.earlier.at.isoformat() if anomaly.earlier else None,
            }
            self._open(
                item, AlertKind.SEQUENCE_ANOMALY, anomaly_text(anomaly), cause_key=anomaly.event_id, data=data
            )

    def _route(self, change: Change, after: Derived) -> None:
        item = change.item
        if not item.route:
            return
        for fact in (f for f in change.new if f.office not in item.route):
            text = _(
                "Scanned at office %(office)s (%(event)s, %(at)s), which is not on its route %(route)s.",
                office=fact.office,
                event=fact.event.value,
                at=local_time(fact.at),
                route=" → ".join(item.route),
            )
            data = {
                "event_id": fact.id,
                "office": fact.office,
                "route": item.route,
                "event": fact.event.value,
                "at": fact.at.isoformat(),
            }
            self._open(item, AlertKind.MISROUTED, text, office_code=fact.office, data=data)
        if after.last_office in item.route:
            office = after.last_office
            self._resolve(
                item,
                [AlertKind.MISROUTED],
                lambda: _("Back on its route: scanned at office %(office)s.", office=office),
            )

    def _hold(self, change: Change, before: Derived, after: Derived) -> None:
        item = change.item
        for fact in change.new:
            if fact.event in (EventCode.XHD, EventCode.XRL):
                action = "consignment.hold" if fact.event == EventCode.XHD else "consignment.release"
                record(
                    self.session, self.actor, action, "consignment", item.tracking,
                    event_id=fact.id, office=fact.office, at=fact.at.isoformat(),
                    reason=fact.details.get("reason"),
                )  # fmt: skip
        hold = after.hold
        if hold is not None and any(f.event == EventCode.XHD for f in change.new):
            text = _(
                "Held for a security check at office %(office)s since %(at)s: %(reason)s",
                office=hold.office,
                at=local_time(hold.at),
                reason=str(hold.details.get("reason") or ""),
            )
            data = {"event_id": hold.id, "reason": hold.details.get("reason"), "at": hold.at.isoformat()}
            self._open(item, AlertKind.SECURITY_HOLD, text, office_code=hold.office, data=data)
        elif hold is None and (before.held or AlertKind.SECURITY_HOLD in item.open_kinds):
            self._resolve(item, [AlertKind.SECURITY_HOLD], lambda: _("Released from the security hold."))

    def _clear(self, change: Change, before: Derived, after: Derived) -> None:
        item = change.item
        if after.status == Status.DELIVERED and before.status != Status.DELIVERED:
            kinds = [AlertKind.LATE, AlertKind.STALLED, AlertKind.SUSPECTED_LOST, AlertKind.MISSING_FROM_BAG]
            self._resolve(item, kinds, lambda: _("Delivered on %(at)s.", at=local_time(after.delivered_at)))
            return
        moved = after.last_event_at is not None and (
            before.last_event_at is None or after.last_event_at > before.last_event_at
        )
        if moved:
            self._resolve(item, [AlertKind.STALLED, AlertKind.SUSPECTED_LOST], lambda: _seen(after))
        missing_since = item.open_kinds.get(AlertKind.MISSING_FROM_BAG)
        found = [f for f in change.new if missing_since is not None and f.at > missing_since]
        if found:
            self._resolve(item, [AlertKind.MISSING_FROM_BAG], lambda: _found(found[-1]))


def _seen(after: Derived) -> str:
    return _(
        "Seen again: scanned at office %(office)s on %(at)s.",
        office=after.last_office,
        at=local_time(after.last_event_at),
    )


def _found(fact: Fact) -> str:
    return _("Found: scanned at office %(office)s on %(at)s.", office=fact.office, at=local_time(fact.at))


def anomaly_text(anomaly: Anomaly) -> str:
    earlier = anomaly.earlier
    when = local_time(earlier.at) if earlier else ""
    code = anomaly.event.value
    if anomaly.kind == AnomalyKind.DELIVERED_TWICE:
        return _("Delivered twice: %(code)s again after the delivery of %(when)s.", code=code, when=when)
    if anomaly.kind == AnomalyKind.AFTER_FINAL:
        return _(
            "Scanned %(code)s after it was already %(outcome)s on %(when)s.",
            code=code,
            outcome=_("delivered")
            if earlier and earlier.event == EventCode.EMI
            else _("returned to the sender"),
            when=when,
        )
    if anomaly.kind == AnomalyKind.ACCEPTED_TWICE:
        return _("Accepted (EMA) twice: it was already accepted on %(when)s.", when=when)
    if anomaly.kind == AnomalyKind.ACCEPTED_AFTER_MOVING:
        return _(
            "Accepted (EMA) after it had already moved on (%(earlier)s on %(when)s).",
            earlier=earlier.event.value if earlier else "",
            when=when,
        )
    return _("Released (XRL) although no security hold was in force.")
