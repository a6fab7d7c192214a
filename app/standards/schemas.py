"""Delivery standards API: one document, read whole and changed by section."""

from __future__ import annotations

from marshmallow import fields, validate

from app.api.schemas import InputSchema, OutputSchema
from models import Area, Urgency

URGENCIES = [u.value for u in Urgency]
AREAS = [a.value for a in Area]


class HoursSchema(OutputSchema):
    urgency = fields.String(validate=validate.OneOf(URGENCIES))
    area = fields.String(validate=validate.OneOf(AREAS))
    hours = fields.Integer(metadata={"description": "counting hours from acceptance to delivery"})


class ScanGapSchema(OutputSchema):
    urgency = fields.String(validate=validate.OneOf(URGENCIES))
    stall_hours = fields.Integer(metadata={"description": "longest time allowed between two scans"})
    loss_hours = fields.Integer(metadata={"description": "no scan for this long: suspected lost"})


class HolidaySchema(OutputSchema):
    date = fields.Date()
    name = fields.String()


class ElectionPeriodSchema(OutputSchema):
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date(metadata={"description": "included"})


class CalendarSchema(OutputSchema):
    weekends_count = fields.Boolean(metadata={"description": "outside election periods"})
    holidays_count = fields.Boolean(metadata={"description": "outside election periods"})
    holidays = fields.List(fields.Nested(HolidaySchema))
    election_periods = fields.List(fields.Nested(ElectionPeriodSchema))


class StandardsSchema(OutputSchema):
    hours = fields.List(fields.Nested(HoursSchema))
    scan_gaps = fields.List(fields.Nested(ScanGapSchema))
    calendar = fields.Nested(CalendarSchema)


class HoursBody(InputSchema):
    urgency = fields.String(required=True, validate=validate.OneOf(URGENCIES))
    area = fields.String(required=True, validate=validate.OneOf(AREAS))
    hours = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=720))


class ScanGapBody(InputSchema):
    urgency = fields.String(required=True, validate=validate.OneOf(URGENCIES))
    stall_hours = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=720))
    loss_hours = fields.Integer(required=True, strict=True, validate=validate.Range(min=2, max=2160))


class HolidayBody(InputSchema):
    date = fields.Date(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))


class ElectionPeriodBody(InputSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class CalendarBody(InputSchema):
    weekends_count = fields.Boolean()
    holidays_count = fields.Boolean()
    holidays = fields.List(
        fields.Nested(HolidayBody),
        validate=validate.Length(max=366),
        metadata={"description": "replaces all"},
    )
    election_periods = fields.List(
        fields.Nested(ElectionPeriodBody),
        validate=validate.Length(max=50),
        metadata={"description": "replaces all"},
    )


class StandardsBody(InputSchema):
    """Any of the three sections; only what is sent changes. Lists of holidays and periods replace the old."""

    hours = fields.List(fields.Nested(HoursBody), validate=validate.Length(max=12))
    scan_gaps = fields.List(fields.Nested(ScanGapBody), validate=validate.Length(max=4))
    calendar = fields.Nested(CalendarBody)
