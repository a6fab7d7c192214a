"""What newly recorded events change on their consignment: status, dates, deadline, flags, audit.

The consignment's state is re-derived from all its events (``app.scans.status``); the alerts follow:
anomalies, a scan off the route and a security hold are raised; stalled / suspected-lost / missing clear
when the item is seen again, and late clears when it is delivered. Alert texts are stored in Vietnamese
(what the people reading them use) with the facts in ``data`` for any other rendering.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.alerts.services import UNRESOLVED, open_alert, resolve_alerts
from app.audit.services import record
from app.i18n import local_time
from app.scans.status import Anomaly, AnomalyKind, Derived, Fact, derive, new_anomalies
from app.standards.services import due_at
from models import Alert, AlertKind, Area, Consignment, EventCode, Office, Status, Urgency, User

# The kinds this module may clear; read once per batch for all its consignments.
CLEARABLE = (
    AlertKind.STALLED,
    AlertKind.SUSPECTED_LOST,
    AlertKind.MISSING_FROM_BAG,
    AlertKind.LATE,
    AlertKind.MISROUTED,
    AlertKind.SECURITY_HOLD,
)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class Deadlines:
    """``due_at`` from the standards table, asked once per (urgency, area) in a batch."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._offsets: dict[tuple[Urgency, Area], timedelta] = {}

    def due(self, consignment: Consignment, area: Area, start: datetime) -> datetime:
        if consignment.deliver_by is not None:  # an agreed time (Hẹn giờ) needs no table
            return due_at(self.session, consignment.urgency, area, start, consignment.deliver_by)
        key = (consignment.urgency, area)
        if key not in self._offsets:
            self._offsets[key] = due_at(self.session, consignment.urgency, area, _EPOCH) - _EPOCH
        return start + self._offsets[key]


def unresolved_alerts(
    session: Session, consignment_ids: Sequence[int]
) -> dict[int, dict[AlertKind, datetime]]:
    """consignment id -> kind -> when its unresolved alert of that kind was opened (earliest)."""
    found: dict[int, dict[AlertKind, datetime]] = defaultdict(dict)
    if not consignment_ids:
        return found
    rows = session.execute(
        select(Alert.consignment_id, Alert.kind, Alert.opened_at).where(
            Alert.consignment_id.in_(consignment_ids), Alert.state.in_(UNRESOLVED), Alert.kind.in_(CLEARABLE)
        )
    )
    for consignment_id, kind, opened_at in rows:
        previous = found[consignment_id].get(kind)
        found[consignment_id][kind] = min(previous, opened_at) if previous else opened_at
    return found


@dataclass
class Change:
    """One consignment touched by a batch: its events before, the ones this batch recorded."""

    consignment: Consignment
    before: list[Fact]
    new: list[Fact]


class Applier:
    def __init__(self, session: Session, actor: User, now: datetime, offices: dict[str, Office]) -> None:
        self.session = session
        self.actor = actor
        self.now = now
        self.offices = offices
        self.deadlines = Deadlines(session)

    def apply_all(self, changes: Sequence[Change]) -> None:
        open_kinds = unresolved_alerts(self.session, [c.consignment.id for c in changes])
        # No flush half-way (a deadline lookup would write the first item alone): the caller flushes
        # every consignment in one executemany at the end.
        with force_locale("vi"), self.session.no_autoflush:
            for change in changes:
                self.apply(change, open_kinds.get(change.consignment.id, {}))

    def apply(self, change: Change, open_kinds: dict[AlertKind, datetime]) -> None:
        before = derive(change.before)
        after = derive([*change.before, *change.new])
        self._update(change.consignment, after)
        self._anomalies(change.consignment, new_anomalies(before, after))
        self._route(change, after, open_kinds)
        self._hold(change, before, after, open_kinds)
        self._clear(change, before, after, open_kinds)

    def _update(self, item: Consignment, after: Derived) -> None:
        item.status = after.status
        if after.accepted_at is not None and after.accepted_at != item.accepted_at:
            # Acceptance starts the delivery clock (a late-arriving earlier EMA restarts it earlier).
            item.accepted_at = after.accepted_at
            office = self.offices.get(item.destination_code)
            area = office.area if office is not None else Area.RURAL
            item.due_at = self.deadlines.due(item, area, after.accepted_at)
            item.expected_at = item.due_at
        item.delivered_at = after.delivered_at
        item.delivered_to = after.delivered_to
        item.last_event_at = after.last_event_at
        item.last_office_code = after.last_office
        item.changed_at = self.now

    def _anomalies(self, item: Consignment, anomalies: list[Anomaly]) -> None:
        for anomaly in anomalies:
            open_alert(
                self.session,
                AlertKind.SEQUENCE_ANOMALY,
                anomaly_text(anomaly),
                consignment=item,
                office_code=None,
                cause_key=anomaly.event_id,
                data={
                    "anomaly": anomaly.kind.value,
                    "event_id": anomaly.event_id,
                    "event": anomaly.event.value,
                    "earlier_event_id": anomaly.earlier.id if anomaly.earlier else None,
                },
                now=self.now,
            )

    def _route(self, change: Change, after: Derived, open_kinds: dict[AlertKind, datetime]) -> None:
        item = change.consignment
        route = list(item.route or [])
        if not route:
            return
        off_route = [f for f in change.new if f.office not in route]
        for fact in off_route:
            opened = open_alert(
                self.session,
                AlertKind.MISROUTED,
                _(
                    "Scanned at office %(office)s (%(event)s, %(at)s), which is not on its route %(route)s.",
                    office=fact.office,
                    event=fact.event.value,
                    at=local_time(fact.at),
                    route=" → ".join(route),
                ),
                consignment=item,
                office_code=fact.office,
                data={"event_id": fact.id, "office": fact.office, "route": route},
                now=self.now,
            )
            if opened is not None:
                open_kinds.setdefault(AlertKind.MISROUTED, self.now)
        if AlertKind.MISROUTED in open_kinds and after.last_office in route:
            self._resolve(
                item,
                [AlertKind.MISROUTED],
                _("Back on its route: scanned at office %(office)s.", office=after.last_office),
            )

    def _hold(
        self, change: Change, before: Derived, after: Derived, open_kinds: dict[AlertKind, datetime]
    ) -> None:
        item = change.consignment
        for fact in change.new:
            if fact.event in (EventCode.XHD, EventCode.XRL):
                action = "consignment.hold" if fact.event == EventCode.XHD else "consignment.release"
                record(
                    self.session, self.actor, action, "consignment", item.tracking,
                    event_id=fact.id, office=fact.office, at=fact.at.isoformat(),
                    reason=fact.details.get("reason"),
                )  # fmt: skip
        if after.hold is not None and any(f.event == EventCode.XHD for f in change.new):
            open_alert(
                self.session,
                AlertKind.SECURITY_HOLD,
                _(
                    "Held for a security check at office %(office)s since %(at)s: %(reason)s",
                    office=after.hold.office,
                    at=local_time(after.hold.at),
                    reason=str(after.hold.details.get("reason") or ""),
                ),
                consignment=item,
                office_code=after.hold.office,
                data={"event_id": after.hold.id, "reason": after.hold.details.get("reason")},
                now=self.now,
            )
        elif after.hold is None and (before.held or AlertKind.SECURITY_HOLD in open_kinds):
            self._resolve(item, [AlertKind.SECURITY_HOLD], _("Released from the security hold."))

    def _clear(
        self, change: Change, before: Derived, after: Derived, open_kinds: dict[AlertKind, datetime]
    ) -> None:
        item = change.consignment
        if after.status == Status.DELIVERED and before.status != Status.DELIVERED:
            kinds = [AlertKind.LATE, AlertKind.STALLED, AlertKind.SUSPECTED_LOST, AlertKind.MISSING_FROM_BAG]
            self._resolve_open(
                item, kinds, open_kinds, _("Delivered on %(at)s.", at=local_time(after.delivered_at))
            )
            return
        moved = after.last_event_at is not None and (
            before.last_event_at is None or after.last_event_at > before.last_event_at
        )
        if moved:
            text = _(
                "Seen again: scanned at office %(office)s on %(at)s.",
                office=after.last_office,
                at=local_time(after.last_event_at),
            )
            self._resolve_open(item, [AlertKind.STALLED, AlertKind.SUSPECTED_LOST], open_kinds, text)
        missing_since = open_kinds.get(AlertKind.MISSING_FROM_BAG)
        found = [f for f in change.new if missing_since is not None and f.at > missing_since]
        if found:
            text = _(
                "Found: scanned at office %(office)s on %(at)s.",
                office=found[-1].office,
                at=local_time(found[-1].at),
            )
            self._resolve(item, [AlertKind.MISSING_FROM_BAG], text)

    def _resolve_open(
        self, item: Consignment, kinds: list[AlertKind], open_kinds: dict[AlertKind, datetime], text: str
    ) -> None:
        wanted = [k for k in kinds if k in open_kinds]
        if wanted:
            self._resolve(item, wanted, text)

    def _resolve(self, item: Consignment, kinds: list[AlertKind], text: str) -> None:
        resolve_alerts(self.session, item, kinds, text, now=self.now)


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
