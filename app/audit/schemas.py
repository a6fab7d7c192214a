from __future__ import annotations

from marshmallow import fields

from app.api.schemas import LocalDateTime, OutputSchema, PageQuery, page_schema


class AuditQuery(PageQuery):
    object_type = fields.String()
    object_id = fields.String()


class AuditEntrySchema(OutputSchema):
    id = fields.Integer()
    at = LocalDateTime()
    actor = fields.Function(lambda e: e.actor.username if getattr(e, "actor", None) else None)
    action = fields.String()
    object_type = fields.String()
    object_id = fields.String()
    details = fields.Dict()


AuditPageSchema = page_schema(AuditEntrySchema, "AuditPage")
