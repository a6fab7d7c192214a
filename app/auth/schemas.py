from __future__ import annotations

from marshmallow import fields, validate

from app.api.schemas import InputSchema, LocalDateTime, OutputSchema


class TokenRequestSchema(InputSchema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class TokenSchema(OutputSchema):
    token = fields.String()
    expires_at = LocalDateTime()


class MeSchema(OutputSchema):
    username = fields.String()
    full_name = fields.String(allow_none=True)
    role = fields.Function(lambda u: u.role.value)
    office = fields.String(attribute="office_code", allow_none=True)
    body = fields.String(attribute="body_code", allow_none=True)
