"""Bag requests and responses."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from app.api.schemas import InputSchema, LocalDateTime, OutputSchema, PageQuery, page_schema
from app.bags.codes import bag_code
from app.bags.codes import group as group_code
from app.scans.inputs import OFFICE_CODE, OFFICE_CODE_ERROR
from models.bags import BagState

MAX_TRACKINGS = 1000
OFFICE = validate.Regexp(OFFICE_CODE, error=OFFICE_CODE_ERROR)


class BagCreateSchema(InputSchema):
    origin = fields.String(validate=OFFICE, metadata={"description": "Defaults to the clerk's office."})
    destination = fields.String(required=True, validate=OFFICE)


class BagItemsSchema(InputSchema):
    # Read one by one in the service, so that each bad number is reported with its index.
    trackings = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1, max=MAX_TRACKINGS))


class BagOpenSchema(InputSchema):
    office = fields.String(validate=OFFICE, metadata={"description": "Defaults to the clerk's office."})
    found = fields.List(fields.Raw(), required=True, validate=validate.Length(max=5 * MAX_TRACKINGS))


class BagQuery(PageQuery):
    office = fields.String(
        validate=OFFICE, metadata={"description": "Bags leaving or arriving at this office."}
    )
    state = fields.String(validate=validate.OneOf([s.value for s in BagState]))


class LabelQuery(InputSchema):
    format = fields.String(load_default="pdf", validate=validate.OneOf(["pdf", "zpl"]))
    size = fields.String(validate=validate.OneOf(["a6", "100x150"]))
    dpi = fields.Integer(load_default=203, validate=validate.OneOf([203, 300]))


class BagItemSchema(OutputSchema):
    tracking = fields.Function(lambda i: i.consignment.tracking)
    recipient = fields.Function(lambda i: i.consignment.recipient_name)
    status = fields.Function(lambda i: i.consignment.status.value)
    found = fields.Boolean(allow_none=True)


def _user(user: Any) -> str | None:
    return user.username if user is not None else None


class BagSchema(OutputSchema):
    id = fields.Function(lambda b: bag_code(b.id), metadata={"description": "BG + 9 digits + check digit."})
    display = fields.Function(lambda b: group_code(bag_code(b.id)), metadata={"description": "For people."})
    origin = fields.String(attribute="origin_code")
    destination = fields.String(attribute="destination_code")
    state = fields.Function(lambda b: b.state.value)
    created_at = LocalDateTime()
    created_by = fields.Function(lambda b: _user(b.created_by))
    sealed_at = LocalDateTime(allow_none=True)
    sealed_by = fields.Function(lambda b: _user(b.sealed_by))
    opened_at = LocalDateTime(allow_none=True)
    opened_by = fields.Function(lambda b: _user(b.opened_by))
    items = fields.List(fields.Nested(BagItemSchema))
    missing = fields.Function(
        lambda b: [i.consignment.tracking for i in b.items if i.found is False],
        metadata={"description": "After opening: listed but not found."},
    )
    unexpected = fields.List(
        fields.String(), metadata={"description": "After opening: found but not listed."}
    )


class BagSummarySchema(OutputSchema):
    id = fields.Function(lambda b: bag_code(b.id))
    origin = fields.String(attribute="origin_code")
    destination = fields.String(attribute="destination_code")
    state = fields.Function(lambda b: b.state.value)
    created_at = LocalDateTime()
    sealed_at = LocalDateTime(allow_none=True)
    opened_at = LocalDateTime(allow_none=True)


class BagOpeningSchema(OutputSchema):
    id = fields.String()
    missing = fields.List(fields.String())
    unexpected = fields.List(fields.String())
    found = fields.Integer()
    expected = fields.Integer()


BagPageSchema = page_schema(BagSummarySchema, "BagPage")
