"""Reading one scan of a batch quickly: the rules of ``ScanSchema``, without a schema load per scan.

A batch of 1,000 scans read through marshmallow spends most of the request in schema machinery. This
reader applies the same rules field by field (the id and the time through the very same marshmallow
fields) and reports errors under the same field names; ``ScanSchema`` stays the documented contract,
and ``tests/scans/test_reading.py`` checks on random input that both read every scan alike.
Text arrives already NFC-normalised and trimmed (the batch schema does it once for the whole body).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError, fields

from app import s10
from app.api.schemas import LOCAL_TZ, LocalDateTime
from app.bags.codes import BagCodeError, parse_bag_code
from app.bags.codes import normalise as normalise_bag
from app.errors import flatten_errors
from app.scans.inputs import (
    MAX_DETAIL_KEYS,
    MAX_DETAIL_TEXT,
    NUL_ERROR,
    OFFICE_CODE,
    OFFICE_CODE_ERROR,
    RejectedInput,
    ScanInput,
    bag_error,
    control_errors,
    has_control,
    raw_id,
    raw_tracking,
    required_detail_errors,
    tracking_error,
)
from models import EventCode

FIELDS = frozenset({"id", "tracking", "bag", "event", "office", "at", "details"})
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EVENTS = {code.value: code for code in EventCode}
_ID = fields.UUID()
_AT = LocalDateTime()

Errors = dict[str, list[str]]


def _text(value: Any, errors: Errors, name: str) -> str | None:
    if value is None:
        errors[name] = [_("Field may not be null.")]
        return None
    if not isinstance(value, str):
        errors[name] = [_("Not a valid string.")]
        return None
    return value


def _id(raw: dict[str, Any], errors: Errors) -> str | None:
    if "id" not in raw:
        errors["id"] = [_("Missing data for required field.")]
        return None
    value = raw["id"]
    if isinstance(value, str):  # what fields.UUID does with text, without its machinery
        if _CANONICAL_UUID.fullmatch(value):  # as devices send it: str(uuid.UUID(value)) is value itself
            return value
        try:
            return str(uuid.UUID(value))
        except ValueError:
            errors["id"] = [_("Not a valid UUID.")]
            return None
    try:
        return str(_ID.deserialize(value))
    except ValidationError as err:
        errors["id"] = [_(str(m)) for m in err.messages]  # type: ignore[union-attr]
        return None


def _tracking(raw: dict[str, Any], errors: Errors) -> str | None:
    if "tracking" not in raw:
        return None
    text = _text(raw["tracking"], errors, "tracking")
    if text is None:
        return None
    try:
        return s10.parse(text)
    except s10.S10Error as exc:
        errors["tracking"] = [tracking_error(exc)]
        return None


def _bag(raw: dict[str, Any], errors: Errors) -> str | None:
    if "bag" not in raw:
        return None
    text = _text(raw["bag"], errors, "bag")
    if text is None:
        return None
    code = normalise_bag(text)
    try:
        parse_bag_code(code)
    except BagCodeError as exc:
        errors["bag"] = [bag_error(exc)]
        return None
    return code


def _event(raw: dict[str, Any], errors: Errors) -> EventCode | None:
    if "event" not in raw:
        errors["event"] = [_("Missing data for required field.")]
        return None
    value = raw["event"]
    text = _text(value.strip().upper() if isinstance(value, str) else value, errors, "event")
    if text is None:
        return None
    if text not in EVENTS:
        errors["event"] = [_("Must be one of: %(choices)s.", choices=", ".join(EVENTS))]
        return None
    return EVENTS[text]


def _office(raw: dict[str, Any], errors: Errors) -> str | None:
    if "office" not in raw:
        return None
    text = _text(raw["office"], errors, "office")
    if text is not None and not OFFICE_CODE.match(text):
        errors["office"] = [str(OFFICE_CODE_ERROR)]
        return None
    return text


def _at(raw: dict[str, Any], errors: Errors) -> datetime | None:
    if "at" not in raw:
        return None
    value = raw["at"]
    if isinstance(value, str):  # what LocalDateTime does with text (fromisoformat), without its machinery
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            errors["at"] = [_("Not a valid datetime.")]
            return None
        if not 2000 <= parsed.year <= 2099:  # as LocalDateTime: also clear of the calendar's edges
            errors["at"] = [_("Use a date between the years 2000 and 2099.")]
            return None
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL_TZ)).astimezone(UTC)
    try:
        return _AT.deserialize(value)
    except ValidationError as err:
        errors["at"] = [_(str(m)) for m in err.messages]  # type: ignore[union-attr]
        return None


def _details(raw: dict[str, Any], errors: Errors) -> dict[str, Any]:
    value = raw.get("details", {})
    if value is None:
        errors["details"] = [_("Field may not be null.")]
        return {}
    if not isinstance(value, dict):
        errors["details"] = [_("Not a valid mapping type.")]
        return {}
    for key in value:
        if not isinstance(key, str):
            errors[f"details.{key}"] = [_("Not a valid string.")]
        elif not 1 <= len(key) <= 32:
            errors[f"details.{key}"] = [_("Length must be between %(min)d and %(max)d.", min=1, max=32)]
    if any(k.startswith("details") for k in errors):
        return {}
    if len(value) > MAX_DETAIL_KEYS:
        errors["details"] = [_("At most %(n)d details.", n=MAX_DETAIL_KEYS)]
    for key, item in value.items():
        if "\x00" in key or (isinstance(item, str) and "\x00" in item):
            errors["details"] = [str(NUL_ERROR)]
        elif item is not None and not isinstance(item, str | int | float | bool):
            errors["details"] = [_("Details are plain values (text, numbers).")]
        elif isinstance(item, str) and len(item) > MAX_DETAIL_TEXT:
            errors["details"] = [_("At most %(n)d characters.", n=MAX_DETAIL_TEXT)]
        if "details" in errors:
            break
    return dict(value)


def read_scan(raw: Any) -> ScanInput | RejectedInput:
    """One scan as sent, or why it cannot be read (errors by field path)."""
    if not isinstance(raw, dict):
        return RejectedInput(None, None, flatten_errors({"_schema": ["Invalid input type."]}))
    control = control_errors(raw) if has_control(raw) else {}
    if control:  # refused before anything else, as the schemas refuse such text
        return RejectedInput(raw_id(raw), raw_tracking(raw), control)
    errors: Errors = {key: [_("Unknown field.")] for key in raw if key not in FIELDS}
    scan_id = _id(raw, errors)
    tracking, bag = _tracking(raw, errors), _bag(raw, errors)
    event = _event(raw, errors)
    office, at, details = _office(raw, errors), _at(raw, errors), _details(raw, errors)
    if not errors:
        errors = _whole(raw, event, details)
    if errors or scan_id is None or event is None:
        return RejectedInput(raw_id(raw), raw_tracking(raw), errors)
    return ScanInput(scan_id, event, tracking, bag, office, at, details)


def _whole(raw: dict[str, Any], event: EventCode | None, details: dict[str, Any]) -> Errors:
    """Rules across fields, checked (as the schema does) only once every field is readable."""
    if ("tracking" in raw) == ("bag" in raw):
        return {"tracking": [_("Give either a tracking number or a bag id.")]}
    return required_detail_errors(event, details)
