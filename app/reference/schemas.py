from __future__ import annotations

from marshmallow import fields, validate

from app.api.schemas import OutputSchema, PageQuery, page_schema
from models import Area, BodyKind, OfficeKind


class OfficeQuery(PageQuery):
    kind = fields.String(validate=validate.OneOf([k.value for k in OfficeKind]))
    area = fields.String(validate=validate.OneOf([a.value for a in Area]))
    q = fields.String(validate=validate.Length(max=100))


class BodyQuery(PageQuery):
    kind = fields.String(validate=validate.OneOf([k.value for k in BodyKind]))
    office = fields.String(validate=validate.Length(max=32))
    q = fields.String(validate=validate.Length(max=100))


class OfficeSchema(OutputSchema):
    code = fields.String()
    name = fields.String()
    kind = fields.Function(lambda o: o.kind.value)
    parent = fields.String(attribute="parent_code", allow_none=True)
    area = fields.Function(lambda o: o.area.value)
    commune = fields.String(allow_none=True)


class BodySchema(OutputSchema):
    code = fields.String()
    name = fields.String()
    kind = fields.Function(lambda b: b.kind.value)
    address = fields.String(allow_none=True)
    commune = fields.String(allow_none=True)
    office = fields.String(attribute="office_code")


OfficePageSchema = page_schema(OfficeSchema, "OfficePage")
BodyPageSchema = page_schema(BodySchema, "BodyPage")
