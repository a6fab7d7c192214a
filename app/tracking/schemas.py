from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import fields

from app.api.schemas import LOCAL_TZ, LocalDateTime, OutputSchema
from app.i18n import current_language
from app.tracking.services import PublicItem
from app.vocabulary import event_label, flag_label, status_label, words
from models import AlertKind, EventCode, Status


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


def _local(value: datetime | None) -> str | None:
    return value.astimezone(LOCAL_TZ).isoformat() if value is not None else None


def public_json(item: PublicItem) -> dict[str, Any]:
    """The same document as PublicTrackingSchema, built directly for the hot path (words looked up once)."""
    language = current_language()
    return public_document(
        item, words(Status, language), words(EventCode, language), words(AlertKind, language)
    )


def public_document(
    item: PublicItem, statuses: dict[str, str], events: dict[str, str], flags: dict[str, str]
) -> dict[str, Any]:
    """The public document of ITEM with the words of its statuses, events and flags in one language."""
    return {
        "tracking": item.tracking,
        "status": item.status.value,
        "status_text": statuses[item.status.value],
        "flags": item.flags,
        "flags_text": [flags[f] for f in item.flags],
        "urgency": item.urgency,
        "origin": {"code": item.origin.code, "name": item.origin.name},
        "destination": {"code": item.destination.code, "name": item.destination.name},
        "registered_at": _local(item.registered_at),
        "due_at": _local(item.due_at),
        "delivered_at": _local(item.delivered_at),
        "events": [
            {
                "event": e.event, "description": events[e.event], "office": e.office_code,
                "office_name": e.office_name, "at": _local(e.at),
            }
            for e in item.events
        ],
    }  # fmt: skip
