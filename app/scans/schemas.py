"""Scan requests and results. Each scan of a batch is read on its own: one bad scan never fails the batch."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import ValidationError, fields, validate

from app import s10
from app.api.schemas import InputSchema, LocalDateTime, OutputSchema, PageQuery, normalise_text, page_schema
from app.bags.codes import BagCodeError, parse_bag_code
from app.bags.codes import normalise as normalise_bag
from app.scans.inputs import (
    MAX_DETAIL_KEYS,
    MAX_DETAIL_TEXT,
    MAX_SCANS,
    NUL_ERROR,
    OFFICE_CODE,
    OFFICE_CODE_ERROR,
    ScanInput,
    TooManyScans,
    bag_error,
    required_detail_errors,
    tracking_error,
)
from models import EventCode


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


def _check_details(details: dict[str, Any]) -> None:
    if len(details) > MAX_DETAIL_KEYS:
        raise ValidationError(_("At most %(n)d details.", n=MAX_DETAIL_KEYS))
    for key, value in details.items():
        if "\x00" in key or (isinstance(value, str) and "\x00" in value):
            raise ValidationError(str(NUL_ERROR), key)
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
        validate=validate.Regexp(OFFICE_CODE, error=OFFICE_CODE_ERROR),
        metadata={"description": "Defaults to the clerk's office."},
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
        wrong = required_detail_errors(EventCode(data["event"]), data.get("details") or {})
        if wrong:
            raise ValidationError({"details": {path.split(".", 1)[1]: why for path, why in wrong.items()}})

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


class EachScan(fields.Nested):
    """One scan of a batch, read by ``app.scans.reading.read_scan`` (the rules of ScanSchema, faster).

    Documented as ScanSchema; a scan that cannot be read becomes a RejectedInput instead of failing
    the whole batch.
    """

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        from app.scans.reading import read_scan

        return read_scan(value)


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
    # Text a scan may not hold (control characters, lone surrogates) rejects that scan alone (reading.py).
    TEXT_CHECKED_PER_ITEM = True

    scans = ScanList(EachScan(ScanSchema), required=True, metadata={"description": "At most 1,000."})

    @ma.pre_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        # Only normalised here: text a scan may not hold (control characters) rejects that scan alone,
        # in app.scans.reading, instead of the whole batch.
        return normalise_batch(data)


def normalise_batch(data: Any) -> Any:
    """``normalise_text`` of a batch, with the common case inlined: a scan's plain text fields (ASCII
    text is NFC already) are trimmed without a call per value; anything else goes the general way."""
    if not isinstance(data, dict):
        return normalise_text(data)
    return {
        normalise_text(k): [_normalise_scan(s) for s in v]
        if k == "scans" and isinstance(v, list)
        else normalise_text(v)
        for k, v in data.items()
    }


def _normalise_scan(scan: Any) -> Any:
    if not isinstance(scan, dict):
        return normalise_text(scan)
    try:  # the usual scan: ASCII text keys and values, checked in one go; then trimming is all there is
        if "".join((*scan, *scan.values())).isascii():
            return {k.strip(): v.strip() for k, v in scan.items()}
    except TypeError:  # a value that is not text (details, a number, null): value by value below
        pass
    return {
        (k.strip() if isinstance(k, str) and k.isascii() else normalise_text(k)): (
            v.strip() if isinstance(v, str) and v.isascii() else normalise_text(v)
        )
        for k, v in scan.items()
    }


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
