"""Why an alert was raised, in words, in the reader's language.

The sweep stores a message key and its facts in ``Alert.data`` ({"message": "late", "due_at": …}) and
only a short English line in ``detail``; the words are put together when shown, so one alert reads in
Vietnamese or English as the reader asks. Alerts raised elsewhere (scanning, opening bags, the duty and
inquiry checks) store a finished Vietnamese ``detail`` for the record, and their facts in ``data``: they
are worded here from those facts by kind too. ``detail`` is shown as written only for rows whose data
lacks a fact the words need (rows written before the fact was stored).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _

from app import s10
from app.bags.codes import group as group_bag
from app.duty.labels import kind_label
from app.i18n import local_time
from models import Alert, AlertKind


def moment(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _facts(data: dict[str, Any], offices: dict[str, str] | None) -> dict[str, Any]:
    office = str(data.get("office") or "")
    name = (offices or {}).get(office)
    return {
        "due": local_time(moment(data.get("due_at"))),
        "seen": local_time(moment(data.get("seen_at"))),
        "office": f"{office} ({name})" if name else office,
        "stall": int(data.get("stall_hours") or 0),
        "loss": int(data.get("loss_hours") or 0),
        "scanned": bool(data.get("scanned")),
    }


def _late(f: dict[str, Any]) -> str:
    if f["scanned"]:
        return _(
            "Not delivered by its deadline, %(due)s. Last seen at office %(office)s on %(seen)s.",
            due=f["due"],
            office=f["office"],
            seen=f["seen"],
        )
    return _(
        "Not delivered by its deadline, %(due)s, and never scanned since it was registered on %(seen)s.",
        due=f["due"],
        seen=f["seen"],
    )


def _stalled(f: dict[str, Any]) -> str:
    if f["scanned"]:
        return _(
            "Not scanned for more than %(hours)d hours: last seen at office %(office)s on %(seen)s.",
            hours=f["stall"],
            office=f["office"],
            seen=f["seen"],
        )
    return _(
        "Registered on %(seen)s and not scanned within %(hours)d hours: has it been handed in at office %(office)s?",
        hours=f["stall"],
        office=f["office"],
        seen=f["seen"],
    )


def _lost(f: dict[str, Any]) -> str:
    if f["scanned"]:
        return _(
            "No scan for %(hours)d hours or more since office %(office)s on %(seen)s: suspected lost.",
            hours=f["loss"],
            office=f["office"],
            seen=f["seen"],
        )
    return _(
        "Registered on %(seen)s and never scanned in %(hours)d hours: suspected lost.",
        hours=f["loss"],
        seen=f["seen"],
    )


_RENDERERS = {
    AlertKind.LATE.value: _late,
    AlertKind.STALLED.value: _stalled,
    AlertKind.SUSPECTED_LOST.value: _lost,
}


# --- alerts worded by kind: each returns None when a fact it needs is missing (an older row) ---


def _missing_from_bag(alert: Alert, data: dict[str, Any]) -> str | None:
    if not data.get("bag") or not alert.office_code:
        return None
    return _(
        "Missing from bag %(bag)s (%(origin)s → %(destination)s) when it was opened at %(office)s on %(at)s.",
        bag=group_bag(str(data["bag"])),
        origin=str(data.get("origin") or ""),
        destination=str(data.get("destination") or ""),
        office=alert.office_code,
        at=local_time(alert.opened_at),  # the bag was opened when the alert was raised
    )


def _security_hold(alert: Alert, data: dict[str, Any]) -> str | None:
    held_at = moment(data.get("at"))
    if held_at is None or not alert.office_code:
        return None
    return _(
        "Held for a security check at office %(office)s since %(at)s: %(reason)s",
        office=alert.office_code,
        at=local_time(held_at),
        reason=str(data.get("reason") or ""),
    )


def _misrouted(alert: Alert, data: dict[str, Any]) -> str | None:
    scanned_at = moment(data.get("at"))
    route = data.get("route")
    if scanned_at is None or not data.get("office") or not data.get("event") or not isinstance(route, list):
        return None
    return _(
        "Scanned at office %(office)s (%(event)s, %(at)s), which is not on its route %(route)s.",
        office=str(data["office"]),
        event=str(data["event"]),
        at=local_time(scanned_at),
        route=" → ".join(str(code) for code in route),
    )


def _sequence_anomaly(alert: Alert, data: dict[str, Any]) -> str | None:
    anomaly = data.get("anomaly")
    if anomaly == "release_without_hold":
        return _("Released (XRL) although no security hold was in force.")
    earlier_at = moment(data.get("earlier_at"))
    if earlier_at is None:
        return None
    when = local_time(earlier_at)
    earlier = str(data.get("earlier_event") or "")
    if anomaly == "delivered_twice":
        code = str(data.get("event") or "")
        return _("Delivered twice: %(code)s again after the delivery of %(when)s.", code=code, when=when)
    if anomaly == "after_final":
        outcome = _("delivered") if earlier == "EMI" else _("returned to the sender")
        return _(
            "Scanned %(code)s after it was already %(outcome)s on %(when)s.",
            code=str(data.get("event") or ""),
            outcome=outcome,
            when=when,
        )
    if anomaly == "accepted_twice":
        return _("Accepted (EMA) twice: it was already accepted on %(when)s.", when=when)
    if anomaly == "accepted_after_moving":
        return _(
            "Accepted (EMA) after it had already moved on (%(earlier)s on %(when)s).",
            earlier=earlier,
            when=when,
        )
    return None


def _inquiry_overdue(alert: Alert, data: dict[str, Any]) -> str | None:
    due = moment(data.get("due_at"))
    if due is None or not data.get("tracking") or not alert.office_code:
        return None
    return _(
        "Inquiry about %(tracking)s routed to office %(office)s is unanswered since its deadline %(due)s.",
        tracking=s10.group(str(data["tracking"])),
        office=alert.office_code,
        due=local_time(due),
    )


def _duty_gap(alert: Alert, data: dict[str, Any]) -> str | None:
    start, end = moment(data.get("starts_at")), moment(data.get("ends_at"))
    if start is None or end is None or not data.get("office") or not data.get("kind"):
        return None
    try:
        kind = kind_label(str(data["kind"])).lower()
    except ValueError:
        return None
    return _(
        "Nobody on %(kind)s at office %(office)s from %(start)s to %(end)s.",
        kind=kind,
        office=str(data["office"]),
        start=local_time(start),
        end=local_time(end),
    )


_BY_KIND: dict[AlertKind, Callable[[Alert, dict[str, Any]], str | None]] = {
    AlertKind.MISSING_FROM_BAG: _missing_from_bag,
    AlertKind.SECURITY_HOLD: _security_hold,
    AlertKind.MISROUTED: _misrouted,
    AlertKind.SEQUENCE_ANOMALY: _sequence_anomaly,
    AlertKind.INQUIRY_OVERDUE: _inquiry_overdue,
    AlertKind.DUTY_GAP: _duty_gap,
}


def render_detail(alert: Alert, offices: dict[str, str] | None = None) -> str:
    """Why the alert was raised, in the current language; the stored text when its facts are incomplete."""
    data = alert.data if isinstance(alert.data, dict) else {}
    renderer = _RENDERERS.get(str(data.get("message") or ""))
    if renderer is not None:
        return renderer(_facts(data, offices))
    by_kind = _BY_KIND.get(alert.kind)
    worded = by_kind(alert, data) if by_kind is not None else None
    return worded if worded is not None else alert.detail


def render_resolution(alert: Alert) -> str | None:
    # The sweep stores its English resolution texts, which translate; other texts pass through unchanged.
    return _(alert.resolution) if alert.resolution else None
