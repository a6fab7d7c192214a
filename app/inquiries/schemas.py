from __future__ import annotations

from marshmallow import fields, validate

from app import s10
from app.api.schemas import InputSchema, LocalDateTime, OutputSchema, PageQuery, page_schema
from models.base import utcnow
from models.inquiries import MAX_TEXT, InquiryState

STATES = [s.value for s in InquiryState]


class InquiryBody(InputSchema):
    question = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class AnswerBody(InputSchema):
    answer = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TEXT))


class InquiryQuery(PageQuery):
    state = fields.String(validate=validate.OneOf(STATES))
    office = fields.String(
        validate=validate.Length(max=32), metadata={"description": "routed to this office"}
    )


class InquirySchema(OutputSchema):
    id = fields.Integer()
    tracking = fields.Function(lambda i: i.consignment.tracking)
    tracking_text = fields.Function(
        lambda i: s10.group(i.consignment.tracking), metadata={"description": "grouped for people"}
    )
    question = fields.String()
    asked_by = fields.Function(lambda i: i.asked_by.username)
    asked_at = LocalDateTime()
    office = fields.String(
        attribute="office_code",
        metadata={"description": "the office it was routed to (where the item was last seen)"},
    )
    due_at = LocalDateTime(
        metadata={"description": "answer deadline: flash 2 h, very urgent 4 h, urgent 8 h, normal 24 h"}
    )
    overdue = fields.Function(lambda i: i.overdue(utcnow()))
    state = fields.Function(lambda i: i.state.value)
    answer = fields.String(allow_none=True)
    answered_by = fields.Function(lambda i: i.answered_by.username if i.answered_by else None)
    answered_at = LocalDateTime(allow_none=True)


InquiryPageSchema = page_schema(InquirySchema, "InquiryPage")
