from __future__ import annotations

from marshmallow import fields

from app.api.schemas import LocalDateTime, OutputSchema
from app.vocabulary import event_label, flag_label, status_label


class PublicOfficeSchema(OutputSchema):
    code = fields.String()
    name = fields.String()


class PublicEventSchema(OutputSchema):
    event = fields.String()
    description = fields.Function(lambda e: event_label(e.event))
    office = fields.String(attribute="office_code")
    office_name = fields.String()
    at = LocalDateTime()


class PublicTrackingSchema(OutputSchema):
    """What anyone with the number may see: no names, addresses, document numbers or titles."""

    tracking = fields.String()
    status = fields.Function(lambda i: i.status.value)
    status_text = fields.Function(lambda i: status_label(i.status))
    flags = fields.List(fields.String())
    flags_text = fields.Function(lambda i: [flag_label(f) for f in i.flags])
    urgency = fields.String()
    origin = fields.Nested(PublicOfficeSchema)
    destination = fields.Nested(PublicOfficeSchema)
    registered_at = LocalDateTime()
    due_at = LocalDateTime()
    delivered_at = LocalDateTime(allow_none=True)
    events = fields.List(fields.Nested(PublicEventSchema))
