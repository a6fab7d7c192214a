"""Webhooks API schemas. The secret goes in, never out."""

from __future__ import annotations

from marshmallow import fields, validate

from app.api.schemas import InputSchema, LocalDateTime, OutputSchema, PageQuery, page_schema
from models.webhooks import DeliveryState, WebhookEventType

EVENT_TYPES = [t.value for t in WebhookEventType]


class WebhookBody(InputSchema):
    url = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    events = fields.List(
        fields.String(validate=validate.OneOf(EVENT_TYPES)),
        required=True,
        validate=validate.Length(min=1, max=len(EVENT_TYPES)),
        metadata={"description": ", ".join(EVENT_TYPES)},
    )
    secret = fields.String(
        required=True,
        validate=validate.Length(min=16, max=255),
        load_only=True,
        metadata={
            "description": "signs every delivery: X-Hoatoc-Signature: sha256=<hex HMAC-SHA256 of the body>"
        },
    )


class WebhookSchema(OutputSchema):
    id = fields.Integer()
    url = fields.String()
    events = fields.List(fields.String())
    created_at = LocalDateTime()
    created_by = fields.Function(lambda w: w.created_by.username if w.created_by else None)


class DeliveryQuery(PageQuery):
    webhook = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    state = fields.String(validate=validate.OneOf([s.value for s in DeliveryState]))


class AttemptSchema(OutputSchema):
    at = LocalDateTime()
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer()


class DeliverySchema(OutputSchema):
    id = fields.Integer()
    event_id = fields.String(metadata={"description": "stable across retries (header X-Hoatoc-Event-Id)"})
    event = fields.Function(lambda d: d.event.type)
    webhook = fields.Integer(attribute="webhook_id")
    url = fields.Function(lambda d: d.webhook.url)
    state = fields.Function(lambda d: d.state.value)
    attempts = fields.Integer()
    next_attempt_at = LocalDateTime(allow_none=True)
    last_attempt_at = LocalDateTime(allow_none=True)
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    delivered_at = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()


class DeliveryDetailSchema(DeliverySchema):
    body = fields.Function(lambda d: d.event.body, metadata={"description": "exactly the bytes sent"})
    tries = fields.List(fields.Nested(AttemptSchema))


WebhookPageSchema = page_schema(WebhookSchema, "WebhookPage")
DeliveryPageSchema = page_schema(DeliverySchema, "WebhookDeliveryPage")
