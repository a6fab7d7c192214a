"""The words people see for statuses, urgencies, classifications, flags and scan events."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS = {
    "registered": _l("Registered"),
    "accepted": _l("Accepted by the post"),
    "in_transit": _l("In transit"),
    "at_delivery_office": _l("At the delivery office"),
    "out_for_delivery": _l("Out for delivery"),
    "delivery_failed": _l("Delivery attempt failed"),
    "held": _l("Held at the office"),
    "delivered": _l("Delivered"),
    "returned": _l("Returned to sender"),
    "cancelled": _l("Cancelled"),
}
# Badge colour of a status: ok (done), warn (needs attention), bad (problem), or plain.
STATUS_TONE = {
    "delivered": "ok",
    "delivery_failed": "warn",
    "held": "warn",
    "returned": "bad",
    "cancelled": "",
}
URGENCY = {
    "flash": _l("Hỏa tốc (flash)"),
    "very_urgent": _l("Thượng khẩn (very urgent)"),
    "urgent": _l("Khẩn (urgent)"),
    "normal": _l("Ordinary"),
}
CONFIDENTIALITY = {
    "none": _l("Not classified"),
    "confidential": _l("Mật (confidential, mark C)"),
    "secret": _l("Tối mật (secret, mark B)"),
    "top_secret": _l("Tuyệt mật (top secret, mark A)"),
}
FLAG = {
    "late": _l("Late"),
    "stalled": _l("Not moving"),
    "suspected_lost": _l("Suspected lost"),
    "missing_from_bag": _l("Missing from its bag"),
    "misrouted": _l("Misrouted"),
    "sequence_anomaly": _l("Scans out of order"),
    "security_hold": _l("Security hold"),
}
EVENT = {
    "EMA": _l("Accepted at the origin office"),
    "EDD": _l("Into a sorting centre"),
    "EDE": _l("Out of a sorting centre"),
    "EMG": _l("Arrived at the delivery office"),
    "EDG": _l("Out for delivery"),
    "EMH": _l("Delivery attempt failed"),
    "EMI": _l("Delivered"),
    "EDF": _l("Held at the delivery office"),
    "EDH": _l("At a collection point"),
    "XHD": _l("Held for a security check"),
    "XRL": _l("Released from the security hold"),
    "XRS": _l("Returned to sender"),
}
BODY_KIND = {
    "national_council": _l("National Election Council"),
    "province_commission": _l("Provincial election commissions"),
    "commune_commission": _l("Commune election commissions"),
    "election_board": _l("Election boards"),
    "polling_team": _l("Polling teams"),
    "agency": _l("Other agencies"),
}


def words(table: dict[str, object], key: str | None) -> str:
    return str(table.get(key or "", key or ""))
