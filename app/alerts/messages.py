"""Why an alert was raised, in words, in the reader's language.

The sweep stores a message key and its facts in ``Alert.data`` ({"message": "late", "due_at": …}) and
only a short English line in ``detail``; the words are put together when shown, so one alert reads in
Vietnamese or English as the reader asks. Alerts raised elsewhere with a finished ``detail`` (scanning
writes Vietnamese) are shown as written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _

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


def render_detail(alert: Alert, offices: dict[str, str] | None = None) -> str:
    data = alert.data or {}
    renderer = _RENDERERS.get(str(data.get("message") or ""))
    if renderer is None:
        return alert.detail
    return renderer(_facts(data, offices))


def render_resolution(alert: Alert) -> str | None:
    # The sweep stores its English resolution texts, which translate; other texts pass through unchanged.
    return _(alert.resolution) if alert.resolution else None
