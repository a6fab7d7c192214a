from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from app.api.schemas import InputSchema
from app.printing.services import DPIS, MAX_BATCH


class LabelQuery(InputSchema):
    class Meta:
        unknown = ma.RAISE

    format = fields.String(load_default="pdf", validate=validate.OneOf(["pdf", "zpl"]))
    size = fields.String(load_default=None, validate=validate.OneOf(["a6", "100x150", "a4"]))
    dpi = fields.Integer(load_default=203, validate=validate.OneOf(DPIS))
    reason = fields.String(load_default=None, validate=validate.Length(max=500))


class LabelBatchSchema(InputSchema):
    trackings = fields.List(fields.String(), validate=validate.Length(min=1, max=MAX_BATCH))
    dispatch = fields.Integer(validate=validate.Range(min=1))
    format = fields.String(load_default="pdf", validate=validate.OneOf(["pdf", "zpl"]))
    size = fields.String(load_default=None, validate=validate.OneOf(["a6", "100x150", "a4"]))
    dpi = fields.Integer(load_default=203, validate=validate.OneOf(DPIS))
    reason = fields.String(load_default=None, validate=validate.Length(max=500))

    @ma.validates_schema
    def _one_source(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("trackings" in data) == ("dispatch" in data):
            raise ma.ValidationError("Give either trackings or dispatch.", "_schema")
