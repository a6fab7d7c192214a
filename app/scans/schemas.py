"""Scan requests and results. Each scan of a batch is read on its own: one bad scan never fails the batch."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from app import s10
from app.api.schemas import InputSchema, LocalDateTime, OutputSchema, PageQuery, page_schema
from app.bags.codes import BagCodeError, parse_bag_code
from app.bags.codes import normalise as normalise_bag
from app.errors import DomainError, flatten_errors
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


class TrackingField(fields.String):
    """An S10 number, spaces and case forgiven; the error says whether it is a typo or not a number."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return s10.parse(text)
        except s10.S10Error as exc:
            raise ValidationError(tracking_error(exc)) from None


class BagField(fields.String):
    """A bag id (BG + 9 digits + check digit), spaces and case forgiven; loaded as its canonical text."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = normalise_bag(super()._deserialize(value, attr, data, **kwargs))
        try:
            parse_bag_code(text)
        except BagCodeError as exc:
            raise ValidationError(bag_error(exc)) from None
        return text


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


def _check_details(details: dict[str, Any]) -> None:
    if len(details) > MAX_DETAIL_KEYS:
        raise ValidationError(_("At most %(n)d details.", n=MAX_DETAIL_KEYS))
    for key, value in details.items():
        if value is not None and not isinstance(value, str | int | float | bool):
            raise ValidationError(_("Details are plain values (text, numbers)."), key)
        if isinstance(value, str) and len(value) > MAX_DETAIL_TEXT:
            raise ValidationError(_("At most %(n)d characters.", n=MAX_DETAIL_TEXT), key)


class ScanSchema(InputSchema):
    """One scan. Give ``tracking`` or ``bag`` (a bag scan stands for every item in the bag)."""

    id = fields.UUID(
        required=True, metadata={"description": "Made by the scanning device; retries reuse it."}
    )
    tracking = TrackingField(metadata={"description": "S10 number, with or without spaces, any case."})
    bag = BagField(metadata={"description": "Bag id instead of a tracking number (EDD, EDE, EMG only)."})
    event = fields.String(required=True, validate=validate.OneOf([c.value for c in EventCode]))
    office = fields.String(
        validate=validate.Length(min=1, max=32), metadata={"description": "Defaults to the clerk's office."}
    )
    at = LocalDateTime(metadata={"description": "When it happened; defaults to when the server receives it."})
    details = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=32)),
        values=fields.Raw(allow_none=True),
        load_default=dict,
        validate=_check_details,
        metadata={"description": "EMH: reason, action. EMI: receiver. XHD: reason."},
    )

    @ma.pre_load
    def _upper_event(self, data: Any, **_kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("event"), str):
            data = {**data, "event": data["event"].strip().upper()}
        return data

    @ma.validates_schema
    def _check(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("tracking" in data) == ("bag" in data):
            raise ValidationError(_("Give either a tracking number or a bag id."), "tracking")
        required = REQUIRED_DETAILS.get(EventCode(data["event"]), {})
        details = data.get("details") or {}
        missing = {k: [str(why)] for k, why in required.items() if not str(details.get(k) or "").strip()}
        if missing:
            raise ValidationError({"details": missing})

    @ma.post_load
    def _make(self, data: dict[str, Any], **_kwargs: Any) -> ScanInput:
        return ScanInput(
            id=str(data["id"]),
            event=EventCode(data["event"]),
            tracking=data.get("tracking"),
            bag=data.get("bag"),
            office=data.get("office"),
            at=data.get("at"),
            details=dict(data.get("details") or {}),
        )


def _raw_id(value: Any) -> str | None:
    raw = value.get("id") if isinstance(value, dict) else None
    if not isinstance(raw, str):
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return raw[:64]


def _raw_tracking(value: Any) -> str | None:
    raw = value.get("tracking") if isinstance(value, dict) else None
    text = s10.normalise(raw) if isinstance(raw, str) else ""
    return text if len(text) == 13 else None


class EachScan(fields.Nested):
    """Loads one scan; a scan that cannot be read becomes a RejectedInput instead of failing the batch."""

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        try:
            return super().deserialize(value, attr, data, **kwargs)
        except ValidationError as err:
            messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
            return RejectedInput(_raw_id(value), _raw_tracking(value), flatten_errors(messages))


class ScanList(fields.List):
    """The scans of a batch; more than MAX_SCANS is refused before reading any of them (413)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list) and len(value) > MAX_SCANS:
            raise TooManyScans(
                _("At most %(n)d scans per request: send them in several requests.", n=MAX_SCANS),
                {"scans": _("%(got)d scans; at most %(n)d.", got=len(value), n=MAX_SCANS)},
            )
        return super()._deserialize(value, attr, data, **kwargs)


class ScanBatchSchema(InputSchema):
    scans = ScanList(EachScan(ScanSchema), required=True, metadata={"description": "At most 1,000."})


class ScanResultSchema(OutputSchema):
    id = fields.String(allow_none=True)
    result = fields.String(metadata={"description": "recorded | duplicate | rejected"})
    tracking = fields.String(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    bag = fields.String(metadata={"description": "For a bag scan: the bag id."})
    bag_items = fields.Integer(
        metadata={"description": "For a bag scan: events recorded or matched, one per item."}
    )
    event = fields.String()
    status = fields.String(metadata={"description": "The item's status after this request."})
    flags = fields.List(fields.String())
    recipient = fields.String(metadata={"description": "Who the item is for (never a document title)."})


class ScanResultsSchema(OutputSchema):
    results = fields.List(fields.Nested(ScanResultSchema))


class ScanQuery(PageQuery):
    tracking = TrackingField(required=True)


class ScanEventSchema(OutputSchema):
    id = fields.String()
    event = fields.Function(lambda e: e.event.value)
    office = fields.String(attribute="office_code")
    at = LocalDateTime()
    recorded_at = LocalDateTime()
    by = fields.Function(lambda e: e.by.username if e.by else None)
    details = fields.Dict()
    bag_scan = fields.String(attribute="bag_scan_id", allow_none=True)


ScanEventPageSchema = page_schema(ScanEventSchema, "ScanEventPage")
