"""Alerts API schemas: separate query, body and response shapes (the response is built by present.py)."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates

from app import s10
from app.api.schemas import InputSchema, LocalDateTime, OutputSchema, PageQuery, page_schema
from models import AlertKind, AlertState, Urgency


class AlertQuery(PageQuery):
    state = fields.String(
        validate=validate.OneOf([s.value for s in AlertState]),
        metadata={"description": "open, acknowledged or resolved; all when absent (unresolved listed first)"},
    )
    kind = fields.String(validate=validate.OneOf([k.value for k in AlertKind]))
    office = fields.String(
        validate=validate.Length(min=1, max=32), metadata={"description": "office concerned"}
    )
    tracking = fields.String(
        validate=validate.Length(max=40), metadata={"description": "one consignment's alerts"}
    )

    @validates("tracking")
    def _tracking(self, value: str, **_kwargs: object) -> None:
        if not s10.is_valid(value):
            raise ValidationError("Not a valid tracking number.")


class AcknowledgeBody(InputSchema):
    note = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata={"description": "What is being done about it (who was called, what was found)."},
    )


class ReasonSchema(OutputSchema):
    message = fields.String(metadata={"description": "key of the reason: late, stalled, suspected_lost…"})
    due_at = LocalDateTime(allow_none=True)
    seen_at = LocalDateTime(allow_none=True)
    office = fields.String(allow_none=True)
    stall_hours = fields.Integer(allow_none=True)
    loss_hours = fields.Integer(allow_none=True)


class AlertSchema(OutputSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "a consignment flag, duty_gap or inquiry_overdue"})
    kind_label = fields.String(metadata={"description": "the kind in the request's language"})
    tracking = fields.String(allow_none=True)
    urgency = fields.String(allow_none=True, validate=validate.OneOf([u.value for u in Urgency]))
    office = fields.String(allow_none=True, metadata={"description": "the office it concerns"})
    opened_at = LocalDateTime()
    state = fields.String()
    detail = fields.String(metadata={"description": "why, in words, in the request's language (?lang=)"})
    reason = fields.Nested(ReasonSchema, allow_none=True, metadata={"description": "the facts behind detail"})
    severity = fields.Integer(metadata={"description": "0 gravest"})
    on_duty = fields.List(
        fields.String(),
        metadata={
            "description": "usernames on duty at the office now; for a duty_gap, those it reaches during the gap"
        },
    )
    acknowledged_by = fields.String(allow_none=True)
    acknowledged_at = LocalDateTime(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "the acknowledgement's note"})
    resolved_at = LocalDateTime(allow_none=True)
    resolution = fields.String(allow_none=True)


AlertPageSchema = page_schema(AlertSchema, "AlertPage")
