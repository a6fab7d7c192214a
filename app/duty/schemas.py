from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate

from app.api.schemas import InputSchema, LocalDateTime, OutputSchema, PageQuery, page_schema
from app.duty.labels import kind_label
from models.duty import MAX_SHIFT, DutyKind

KINDS = [k.value for k in DutyKind]
MAX_GAP_WINDOW = timedelta(days=31)
# Rosters are for this century: a year 1 or 9999 is a typing mistake, and at the ends of the calendar
# converting to UTC or adding a week would overflow.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


class RosterTime(LocalDateTime):
    """A LocalDateTime between 2000 and 2099; anything else is a field error, never an overflow."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        try:
            parsed = super()._deserialize(value, attr, data, **kwargs)
        except OverflowError as exc:
            raise ma.ValidationError(_("Give a date between 2000 and 2099.")) from exc
        if not FIRST_DAY <= parsed.date() <= LAST_DAY:
            raise ma.ValidationError(_("Give a date between 2000 and 2099."))
        return parsed


class RosterDate(fields.Date):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_DAY <= parsed <= LAST_DAY:
            raise ma.ValidationError(_("Give a date between 2000 and 2099."))
        return parsed


class DutyShiftBody(InputSchema):
    office = fields.String(required=True, validate=validate.Length(min=1, max=32))
    user = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "username"}
    )
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    starts_at = RosterTime(required=True, metadata={"description": "RFC 3339; no offset means Vietnam time"})
    ends_at = RosterTime(
        required=True, metadata={"description": "exclusive: a shift ending at 14:00 is not on duty at 14:00"}
    )
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "how to reach the person (a phone number), printed on the roster"},
    )

    @ma.validates_schema
    def _order(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            raise ma.ValidationError(_("Must be after starts_at."), field_name="ends_at")
        if start and end and end - start > MAX_SHIFT:
            raise ma.ValidationError(
                _("A shift lasts at most %(days)d days.", days=MAX_SHIFT.days), "ends_at"
            )


class DutyQuery(PageQuery):
    office = fields.String(validate=validate.Length(max=32))
    at = RosterTime(metadata={"description": "who is on duty at this instant (default: now)"})
    from_ = RosterTime(data_key="from", metadata={"description": "shifts overlapping [from, to)"})
    to = RosterTime()
    kind = fields.String(validate=validate.OneOf(KINDS))
    user = fields.String(validate=validate.Length(max=64))

    @ma.validates_schema
    def _one_way(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("at") and (data.get("from_") or data.get("to")):
            raise ma.ValidationError(_("Give either at, or from and to, not both."), field_name="at")
        if data.get("from_") and data.get("to") and data["to"] <= data["from_"]:
            raise ma.ValidationError(_("Must be after from."), field_name="to")


class GapQuery(PageQuery):
    from_ = RosterTime(data_key="from", required=True)
    to = RosterTime(required=True)
    office = fields.String(validate=validate.Length(max=32))
    kind = fields.String(validate=validate.OneOf(KINDS))
    required = fields.Boolean(
        metadata={"description": "only the duty each office must have (true) or only the rest (false)"}
    )

    @ma.validates_schema
    def _window(self, data: dict[str, Any], **_kwargs: Any) -> None:
        start, end = data.get("from_"), data.get("to")
        if start and end and end <= start:
            raise ma.ValidationError(_("Must be after from."), field_name="to")
        if start and end and end - start > MAX_GAP_WINDOW:
            raise ma.ValidationError(_("At most %(days)d days at once.", days=MAX_GAP_WINDOW.days), "to")


class CopyWeekBody(InputSchema):
    office = fields.String(required=True, validate=validate.Length(min=1, max=32))
    week = RosterDate(
        required=True, metadata={"description": "a day of the week to fill (its Monday is used)"}
    )


class DutyShiftSchema(OutputSchema):
    id = fields.Integer()
    office = fields.String(attribute="office_code")
    office_name = fields.Function(lambda s: s.office.name)
    user = fields.Function(lambda s: s.user.username)
    full_name = fields.Function(lambda s: s.user.full_name)
    kind = fields.Function(lambda s: s.kind.value)
    kind_text = fields.Function(lambda s: kind_label(s.kind))
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    note = fields.String(allow_none=True)
    created_by = fields.Function(lambda s: s.created_by.username if s.created_by else None)
    created_at = LocalDateTime()


class GapSchema(OutputSchema):
    office = fields.String(attribute="office_code")
    kind = fields.Function(lambda g: g.kind.value)
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    required = fields.Boolean(
        metadata={"description": "duty the office must have (its gaps raise duty_gap alerts)"}
    )


class CopyResultSchema(OutputSchema):
    week = fields.Date()
    copied = fields.Integer()
    skipped = fields.Integer(
        metadata={"description": "already on the roster, or the person may no longer hold it"}
    )


DutyShiftPageSchema = page_schema(DutyShiftSchema, "DutyShiftPage")
GapPageSchema = page_schema(GapSchema, "DutyGapPage")
