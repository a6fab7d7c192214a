"""Web: the clerk's scan station (/scan), for a barcode scanner that types like a keyboard.

The page records through the JSON API with the session cookie (and the X-CSRFToken header); scans
wait in the browser's storage while the network is down and go out when it returns.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app import db
from app.auth.policy import is_admin, require_scanner
from app.scans.admission import BAG_EVENTS
from app.scans.inputs import MAX_SCANS, REQUIRED_DETAILS
from app.scans.strings import station_strings
from app.vocabulary import event_label, flag_label, status_label
from models import AlertKind, EventCode, Office, Status
from models.base import utcnow

bp = Blueprint("scan_pages", __name__)

# Station order: the UPU codes on F1–F9 in the order an item meets them, then the extensions.
STATION_EVENTS = [
    EventCode.EMA,
    EventCode.EDD,
    EventCode.EDE,
    EventCode.EMG,
    EventCode.EDG,
    EventCode.EMH,
    EventCode.EMI,
    EventCode.EDF,
    EventCode.EDH,
    EventCode.XHD,
    EventCode.XRL,
    EventCode.XRS,
]


def _events() -> list[dict[str, Any]]:
    return [
        {
            "code": code.value,
            "label": event_label(code),
            "key": f"F{number}" if number <= 9 else None,
            # In the order the page shows the fields: the first one missing is the one focused.
            "needs": list(REQUIRED_DETAILS.get(code, {})),
            "bag": code in BAG_EVENTS,
        }
        for number, code in enumerate(STATION_EVENTS, start=1)
    ]


@bp.route("/scan")
@login_required
def station() -> str:
    user = current_user._get_current_object()
    require_scanner(user)
    offices = db.session.scalars(select(Office).order_by(Office.code)).all()
    config = {
        "user": user.username,
        "office": user.office_code,
        "admin": is_admin(user),
        "serverTime": utcnow().isoformat(),
        "maxScans": MAX_SCANS,
        "events": _events(),
        "strings": station_strings(),
        "statuses": {status.value: status_label(status) for status in Status},
        "flags": {kind.value: flag_label(kind) for kind in AlertKind},
        "api": {"scans": "/api/v1/scans", "bags": "/api/v1/bags", "me": "/api/v1/me"},
    }
    return render_template(
        "scans/station.html",
        config=config,
        events=config["events"],
        offices=offices,
        user=user,
        title=_("Scan station"),
    )
