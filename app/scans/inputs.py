"""What a scan is once read: a well-formed scan as sent, or a scan that could not be read; and the words
for what is wrong with a number."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import s10
from app.api.schemas import unreadable_text_error
from app.bags.codes import BagCodeError
from app.errors import DomainError
from models import EventCode

# Office codes as the reference data allows them (no NUL or other byte a database would choke on).
OFFICE_CODE = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
OFFICE_CODE_ERROR = _l("An office code: 1 to 32 letters, digits, '.', '-' or '_'.")
NUL_ERROR = _l("Text may not contain the NUL character.")
# C0 control characters but tab and line breaks (never meaningful in a scan; PostgreSQL refuses NUL), and
# half a surrogate pair standing alone (JSON can write one; no database can store it): text a scan may not
# hold. Found, they reject that scan alone.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _unreadable(text: str) -> str:
    return str(unreadable_text_error(text))  # the words every request schema uses


def has_control(value: Any) -> bool:
    """Whether any key or text in ``value`` holds a control character or a lone surrogate. Almost no scan does: its text is
    searched at once (joined by tabs, which are allowed) instead of field by field."""
    if isinstance(value, str):
        return CONTROL.search(value) is not None
    if isinstance(value, list):
        return any(has_control(item) for item in value)
    if not isinstance(value, dict):
        return False
    try:  # the usual scan: text keys, text values; one join, one search
        return CONTROL.search("\t".join((*value, *value.values()))) is not None
    except TypeError:  # a value that is not text (details, a number): key by key below
        pass
    texts: list[str] = []
    for key, item in value.items():
        if isinstance(key, str):
            texts.append(key)
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict | list) and has_control(item):
            return True
    return CONTROL.search("\t".join(texts)) is not None


def control_errors(value: Any, path: str = "") -> dict[str, list[str]]:
    """Field path -> error, for every key or text of a scan holding a control character or a lone surrogate."""
    found: dict[str, list[str]] = {}
    if isinstance(value, str):
        if CONTROL.search(value):
            found[path or "_schema"] = [_unreadable(value)]
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and CONTROL.search(key):
                found[where] = [_unreadable(key)]
            found.update(control_errors(item, where))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(control_errors(item, f"{path}.{index}" if path else str(index)))
    return found


MAX_SCANS = 1000
MAX_DETAIL_KEYS = 16
MAX_DETAIL_TEXT = 500
# What each event must say in its details, and why (shown to the clerk when it is missing); in the order the
# scan station shows the fields.
REQUIRED_DETAILS = {
    EventCode.EMH: {
        "reason": _l("Required for EMH: why the delivery failed."),
        "action": _l("Required for EMH: what was done (notice left, retry, held for pick-up)."),
    },
    EventCode.EMI: {"receiver": _l("Required for EMI: the name of the person who received the item.")},
    EventCode.XHD: {"reason": _l("Required for XHD: why the item is held for a security check.")},
}


# A required detail is what a person reads later (who received the item, why it failed, what was done):
# text, never a number or true/false that a device put there. No list of actions is kept (the demo and
# handhelds write them in words), so any text will do.
DETAIL_NOT_TEXT = _l("Must be text, not a number, true/false or a list.")


def required_detail_errors(event: EventCode | None, details: dict[str, Any]) -> dict[str, list[str]]:
    """``details.<key>`` -> errors, for each detail ``event`` requires that is missing, blank or not text."""
    errors: dict[str, list[str]] = {}
    for key, why in REQUIRED_DETAILS.get(event, {}).items() if event else ():
        value = details.get(key)
        if value is not None and not isinstance(value, str):
            errors[f"details.{key}"] = [str(DETAIL_NOT_TEXT), str(why)]
        elif not (value or "").strip():
            errors[f"details.{key}"] = [str(why)]
    return errors


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


# What json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":")) writes, with the encoder built
# once: json.dumps with options builds a new one per call, a fifth of a fingerprint's time.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


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
        return hashlib.sha256(canonical_json(canonical)).hexdigest()


def canonical_json(value: dict[str, Any]) -> bytes:
    """``_CANONICAL``'s text of a scan, as UTF-8. orjson writes the same bytes in a tenth of the time for
    text, integers, booleans and nulls (same escapes, keys sorted by code point; tested on random scans),
    so it writes those; a float (orjson writes 1e16 and NaN otherwise) or anything it refuses (an integer
    beyond 64 bits, a lone surrogate) goes the standard library's way, as every fingerprint stored so far."""
    details = value["details"]
    if not details or not any(isinstance(item, float) for item in details.values()):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass
    return _CANONICAL.encode(value).encode()


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
