"""What a scan is once read: a well-formed scan as sent, or a scan that could not be read; and the words
for what is wrong with a number."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import s10
from app.bags.codes import BagCodeError
from app.errors import DomainError
from models import EventCode

MAX_SCANS = 1000
MAX_DETAIL_KEYS = 16
MAX_DETAIL_TEXT = 500
# What each event must say in its details, and why (shown to the clerk when it is missing).
REQUIRED_DETAILS = {
    EventCode.EMH: {
        "reason": _l("Required for EMH: why the delivery failed."),
        "action": _l("Required for EMH: what was done (notice left, retry, held for pick-up)."),
    },
    EventCode.EMI: {"receiver": _l("Required for EMI: the name of the person who received the item.")},
    EventCode.XHD: {"reason": _l("Required for XHD: why the item is held for a security check.")},
}


class TooManyScans(DomainError):
    status = 413
    title = _l("Request too large")


def tracking_error(exc: s10.S10Error) -> str:
    if exc.typo:
        return _("The check digit does not match: probably a typing or reading mistake.")
    if exc.code == "reserved":
        return _("Not a valid number: its first letter is reserved by the UPU.")
    return _("Not a tracking number: two letters, 9 digits and two letters (e.g. EB 123 456 785 VN).")


def bag_error(exc: BagCodeError) -> str:
    if exc.typo:
        return _("The bag id's check digit does not match: probably a typing or reading mistake.")
    return _("Not a bag id: BG, 9 digits and a check digit (e.g. BG 000 000 001 3).")


@dataclass(frozen=True, slots=True)
class ScanInput:
    """One well-formed scan as sent; ``office`` and ``at`` are None when the device left them out."""

    id: str
    event: EventCode
    tracking: str | None
    bag: str | None
    office: str | None
    at: datetime | None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the scan as sent: a retry matches it, a different scan reusing the id does not.

        Defaults are not applied first (a retry received later must not differ by its default time).
        """
        canonical = {
            "tracking": self.tracking,
            "bag": self.bag,
            "event": self.event.value,
            "office": self.office,
            "at": self.at.astimezone(UTC).isoformat() if self.at else None,
            "details": self.details,
        }
        text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class RejectedInput:
    """A scan that could not even be read; rejected with its field errors, the others go on."""

    id: str | None
    tracking: str | None
    errors: dict[str, list[str]]


def raw_id(value: Any) -> str | None:
    raw = value.get("id") if isinstance(value, dict) else None
    if not isinstance(raw, str):
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return raw[:64]


def raw_tracking(value: Any) -> str | None:
    raw = value.get("tracking") if isinstance(value, dict) else None
    text = s10.normalise(raw) if isinstance(raw, str) else ""
    return text if len(text) == 13 else None
