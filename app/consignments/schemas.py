"""Request and response schemas of consignments and dispatches (the contract's shapes)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields, validate
from webargs.fields import DelimitedList

from app.api.schemas import InputSchema, LocalDateTime, OutputSchema, PageQuery, page_schema
from models import AlertKind, Confidentiality, Status, Urgency

MAX_RECIPIENTS = 5_000
CODE = validate.Length(min=1, max=32)
FLAGS = [k.value for k in AlertKind if k not in (AlertKind.DUTY_GAP, AlertKind.INQUIRY_OVERDUE)]


class DocumentIn(InputSchema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=64))
    date = fields.Date(load_default=None, allow_none=True)
    title = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class FreeRecipientIn(InputSchema):
    """A recipient that is not an election body of the reference data."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    office = fields.String(required=True, validate=CODE, metadata={"description": "Delivering post office"})


class RecipientField(fields.Field):
    """A body code, or ``{"name", "address", "office"}``; loads as ``{"code"}`` or the free recipient."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "oneOf": [
                {"type": "string", "description": "Code of an election body", "maxLength": 32},
                {
                    "type": "object",
                    "required": ["name", "office"],
                    "properties": {
                        "name": {"type": "string"},
                        "address": {"type": "string", "nullable": True},
                        "office": {"type": "string"},
                    },
                },
            ]
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, Any]:
        if isinstance(value, str):
            if not 1 <= len(value) <= 32:
                raise ValidationError(_("A body code of 1–32 characters."))
            return {"code": value}
        if isinstance(value, dict):
            return FreeRecipientIn().load(value)
        raise ValidationError(_("A body code, or an object with name, address and office."))


class _RegistrationIn(InputSchema):
    sender = fields.String(
        validate=CODE, metadata={"description": "Sending body; a board user's own body when omitted"}
    )
    document = fields.Nested(DocumentIn, required=True)
    urgency = fields.String(required=True, validate=validate.OneOf([u.value for u in Urgency]))
    deliver_by = LocalDateTime(
        load_default=None, allow_none=True, metadata={"description": "Hẹn giờ: agreed delivery time"}
    )
    confidentiality = fields.String(
        load_default=Confidentiality.NONE.value, validate=validate.OneOf([c.value for c in Confidentiality])
    )
    pieces = fields.Integer(load_default=1, validate=validate.Range(min=1, max=99))
    weight_g = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=30_000))
    origin = fields.String(
        load_default=None,
        allow_none=True,
        validate=CODE,
        metadata={"description": "Office where it is handed in: the clerk's own, else the sender's office"},
    )
    reference = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The sender's own reference; posting it again returns the first (200)"},
    )


class ConsignmentIn(_RegistrationIn):
    recipient = RecipientField(required=True)


class DispatchIn(_RegistrationIn):
    recipients = fields.List(
        RecipientField(),
        required=True,
        validate=validate.Length(min=1, max=MAX_RECIPIENTS),
        metadata={"description": "Body codes (or free recipients), in the order the consignments are made"},
    )


class CancelIn(InputSchema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class ConsignmentQuery(PageQuery):
    status = DelimitedList(
        fields.String(validate=validate.OneOf([s.value for s in Status])),
        metadata={"description": "One status or several, comma-separated"},
    )
    flag = DelimitedList(fields.String(validate=validate.OneOf(FLAGS)))
    sender = fields.String(validate=CODE)
    recipient = fields.String(validate=CODE)
    dispatch = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    origin = fields.String(validate=CODE)
    destination = fields.String(validate=CODE)
    q = fields.String(
        validate=validate.Length(min=1, max=64),
        metadata={"description": "A tracking number (or its start) or part of the document number"},
    )


class ImportFileIn(InputSchema):
    file = Upload(required=True, metadata={"description": "CSV, UTF-8 (docs/consignments-csv.md)"})


class ImportFormIn(InputSchema):
    sender = fields.String(validate=CODE, metadata={"description": "Default sender of rows without one"})
    origin = fields.String(validate=CODE, metadata={"description": "Default origin office"})


# --- responses ---------------------------------------------------------------------------------------------


class BodyRefOut(OutputSchema):
    code = fields.String()
    name = fields.String()


class RecipientOut(OutputSchema):
    code = fields.String(allow_none=True, metadata={"description": "null for a recipient outside the bodies"})
    name = fields.String()
    address = fields.String(allow_none=True)
    office = fields.String()


class DocumentOut(OutputSchema):
    number = fields.String()
    date = fields.Date(allow_none=True)
    title = fields.String(
        allow_none=True,
        metadata={"description": "null when classified, except for admins and the two bodies concerned"},
    )


class EventOut(OutputSchema):
    id = fields.String()
    event = fields.String()
    office = fields.String()
    at = LocalDateTime()
    recorded_at = LocalDateTime()
    by = fields.String(allow_none=True)
    details = fields.Dict()


class ConsignmentListItem(OutputSchema):
    tracking = fields.String()
    status = fields.String()
    flags = fields.List(fields.String())
    urgency = fields.String()
    confidentiality = fields.String()
    sender = fields.Nested(BodyRefOut)
    recipient = fields.Nested(RecipientOut)
    document = fields.Nested(DocumentOut)
    origin = fields.String()
    destination = fields.String()
    dispatch = fields.Integer(allow_none=True)
    registered_at = LocalDateTime()
    due_at = LocalDateTime()
    delivered_at = LocalDateTime(allow_none=True)


class ConsignmentOut(ConsignmentListItem):
    events = fields.List(fields.Nested(EventOut), metadata={"description": "Ordered by event time"})


ConsignmentPage = page_schema(ConsignmentListItem, "ConsignmentPage")


class DispatchItemOut(OutputSchema):
    recipient = fields.String(metadata={"description": "The body code given (a free recipient's name)"})
    tracking = fields.String()


class DispatchCreatedOut(OutputSchema):
    id = fields.Integer()
    consignments = fields.List(fields.Nested(DispatchItemOut))


class DispatchConsignmentOut(DispatchItemOut):
    recipient_name = fields.String()
    status = fields.String()
    due_at = LocalDateTime()


class DispatchOut(OutputSchema):
    id = fields.Integer()
    sender = fields.Nested(BodyRefOut)
    document = fields.Nested(DocumentOut)
    reference = fields.String(allow_none=True)
    created_at = LocalDateTime()
    consignments = fields.List(
        fields.Nested(DispatchConsignmentOut),
        metadata={"description": "Those you may see, in dispatch order"},
    )


class ImportRowOut(OutputSchema):
    row = fields.Integer()
    recipient = fields.String()
    tracking = fields.String()
    created = fields.Boolean(
        metadata={"description": "false when the row's reference was already registered"}
    )


class ImportOut(OutputSchema):
    rows = fields.Integer()
    created = fields.Integer()
    existing = fields.Integer()
    consignments = fields.List(fields.Nested(ImportRowOut))
