"""What statuses, events, urgencies and flags are called, for people (Vietnamese first, via Flask-Babel)."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from models import AlertKind, Confidentiality, EventCode, Status, Urgency

STATUS = {
    Status.REGISTERED: _l("Registered"),
    Status.ACCEPTED: _l("Accepted at the post office"),
    Status.IN_TRANSIT: _l("In transit"),
    Status.AT_DELIVERY_OFFICE: _l("At the delivery office"),
    Status.OUT_FOR_DELIVERY: _l("Out for delivery"),
    Status.DELIVERY_FAILED: _l("Delivery attempt failed"),
    Status.HELD: _l("Held"),
    Status.DELIVERED: _l("Delivered"),
    Status.RETURNED: _l("Returned to sender"),
    Status.CANCELLED: _l("Cancelled"),
}

EVENT = {
    EventCode.EMA: _l("Accepted at the origin office"),
    EventCode.EDD: _l("Arrived at a sorting centre"),
    EventCode.EDE: _l("Left a sorting centre"),
    EventCode.EMG: _l("Arrived at the delivery office"),
    EventCode.EDG: _l("Out for delivery"),
    EventCode.EMH: _l("Delivery attempt failed"),
    EventCode.EMI: _l("Delivered"),
    EventCode.EDF: _l("Held at the delivery office"),
    EventCode.EDH: _l("At a collection point for pick-up"),
    EventCode.XHD: _l("Held for a security check"),
    EventCode.XRL: _l("Released from the security check"),
    EventCode.XRS: _l("Returned to sender"),
}

# What a scanner's details say, by key: those the scan rules ask for (other keys are shown as sent).
DETAIL = {
    "reason": _l("Reason"),
    "action": _l("Action taken"),
    "receiver": _l("Received by"),
}

URGENCY = {
    Urgency.FLASH: _l("Hỏa tốc (flash)"),
    Urgency.VERY_URGENT: _l("Thượng khẩn (very urgent)"),
    Urgency.URGENT: _l("Khẩn (urgent)"),
    Urgency.NORMAL: _l("Ordinary"),
}

CONFIDENTIALITY = {
    Confidentiality.NONE: _l("Not classified"),
    Confidentiality.CONFIDENTIAL: _l("Mật (confidential, mark C)"),
    Confidentiality.SECRET: _l("Tối mật (secret, mark B)"),
    Confidentiality.TOP_SECRET: _l("Tuyệt mật (top secret, mark A)"),
}

FLAG = {
    AlertKind.LATE: _l("Late"),
    AlertKind.STALLED: _l("Not moving"),
    AlertKind.SUSPECTED_LOST: _l("Suspected lost"),
    AlertKind.MISSING_FROM_BAG: _l("Missing from its bag"),
    AlertKind.MISROUTED: _l("Off its route"),
    AlertKind.SEQUENCE_ANOMALY: _l("Scans out of sequence"),
    AlertKind.SECURITY_HOLD: _l("Security hold"),
    AlertKind.DUTY_GAP: _l("Nobody on duty"),
    AlertKind.INQUIRY_OVERDUE: _l("Inquiry unanswered"),
}

# How a status looks on a badge: ok (green), warn (amber), bad (red) or plain.
STATUS_TONE = {
    Status.DELIVERED: "ok",
    Status.DELIVERY_FAILED: "warn",
    Status.HELD: "bad",
    Status.RETURNED: "warn",
    Status.CANCELLED: "plain",
}

_TABLES: dict[type[StrEnum], dict] = {
    Status: STATUS,
    EventCode: EVENT,
    Urgency: URGENCY,
    Confidentiality: CONFIDENTIALITY,
    AlertKind: FLAG,
}


_WORDS: dict[tuple[type[StrEnum], str], dict[str, str]] = {}


def words(kind: type[StrEnum], language: str) -> dict[str, str]:
    """Every value of KIND -> its words in LANGUAGE, the language of the current request.

    For hot paths that name many values per request (public tracking): a translation through Flask-Babel
    costs a locale lookup each time, and the catalogs never change while the process runs, so each table
    is translated once per language, by the first request in that language.
    """
    table = _WORDS.get((kind, language))
    if table is None:
        table = {member.value: str(_TABLES[kind].get(member, member.value)) for member in kind}
        _WORDS[(kind, language)] = table
    return table


def label(value: StrEnum | str, kind: type[StrEnum]) -> str:
    """The words for an enum value (accepts the value as a string too)."""
    member = kind(value)
    return str(_TABLES[kind].get(member, member.value))


def status_label(value: Status | str) -> str:
    return label(value, Status)


def event_label(value: EventCode | str) -> str:
    return label(value, EventCode)


def flag_label(value: AlertKind | str) -> str:
    return label(value, AlertKind)


def urgency_label(value: Urgency | str) -> str:
    return label(value, Urgency)


STAGE = {
    "registered": _l("Registered"),
    "accepted": _l("Accepted"),
    "in_transit": _l("In transit"),
    "at_delivery_office": _l("At the delivery office"),
    "out_for_delivery": _l("Out for delivery"),
    "delivered": _l("Delivered"),
}


def template_helpers() -> dict[str, object]:
    """Jinja globals: ``status_label(c.status)`` and friends in every template."""
    from app.s10 import group

    return {
        "status_label": status_label,
        "event_label": event_label,
        "flag_label": flag_label,
        "urgency_label": urgency_label,
        "confidentiality_label": lambda v: label(v, Confidentiality),
        "status_tone": lambda v: STATUS_TONE.get(Status(v), "plain"),
        "group_tracking": group,
        "stage_label": lambda name: str(STAGE.get(name, name)),
    }
