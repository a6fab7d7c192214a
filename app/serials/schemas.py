from __future__ import annotations

from marshmallow import fields, validate

from app.api.schemas import InputSchema, LocalDateTime, OutputSchema


class SerialBlockIn(InputSchema):
    prefix = fields.String(required=True, validate=validate.Length(equal=2))
    first = fields.Integer(required=True, validate=validate.Range(min=0, max=99_999_999))
    last = fields.Integer(required=True, validate=validate.Range(min=0, max=99_999_999))
    country = fields.String(load_default="VN", validate=validate.Length(equal=2))


class SerialBlockOut(OutputSchema):
    id = fields.Function(lambda u: u.block.id)
    prefix = fields.Function(lambda u: u.block.prefix)
    country = fields.Function(lambda u: u.block.country)
    first = fields.Function(lambda u: u.block.first_serial)
    last = fields.Function(lambda u: u.block.last_serial)
    next = fields.Function(
        lambda u: u.block.next_serial, metadata={"description": "Next serial to be issued"}
    )
    remaining = fields.Integer()
    low = fields.Boolean(metadata={"description": "Under 10 % left: ask the operator for a new block"})
    exhausted = fields.Boolean()
    created_at = LocalDateTime(attribute="block.created_at")


class SerialBlockListOut(OutputSchema):
    items = fields.List(fields.Nested(SerialBlockOut))
