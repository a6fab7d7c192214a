"""API: inquiries about consignments (the domestic counterpart of a CN 08), each with an answer deadline."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.api.pagination import paginate
from app.auth.current import api_actor
from app.inquiries import services
from app.inquiries.schemas import AnswerBody, InquiryBody, InquiryPageSchema, InquiryQuery, InquirySchema
from models.inquiries import Inquiry, InquiryState

blp = Blueprint(
    "inquiries",
    __name__,
    url_prefix="/api/v1",
    description="Inquiries: a question about a consignment, routed to the office where it was last seen"
    " (its origin before any scan) and due within 2 h (flash), 4 h (very urgent), 8 h (urgent) or 24 h"
    " (normal). Unanswered past the deadline, it raises an inquiry_overdue alert; the answer resolves it.",
)


@blp.route("/consignments/<tracking>/inquiries")
class ConsignmentInquiries(MethodView):
    @blp.arguments(InquiryQuery, location="query")
    @blp.response(200, InquiryPageSchema)
    def get(self, query: dict[str, Any], tracking: str) -> dict[str, Any]:
        """The exchange kept with a consignment: the inquiries about it the caller may see."""
        actor = api_actor()
        consignment = services.visible_consignment(db.session, actor, tracking)
        state = InquiryState(query["state"]) if query.get("state") else None
        select_ = services.inquiries_query(actor, state, query.get("office"), consignment.id)
        return paginate(db.session, select_, query["page"], query["per_page"])

    @blp.arguments(InquiryBody)
    @blp.response(201, InquirySchema)
    def post(self, body: dict[str, Any], tracking: str) -> Inquiry:
        """Ask about a consignment: board users of the sending or receiving body, clerks who see the
        item, admins. 404 when the caller cannot see the consignment."""
        return services.open_inquiry(db.session, api_actor(), tracking, body["question"])


@blp.route("/inquiries")
class Inquiries(MethodView):
    @blp.arguments(InquiryQuery, location="query")
    @blp.response(200, InquiryPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Open ones first (soonest deadline first), then answered ones. Boards see their items'
        inquiries, clerks those routed to their office, admins all."""
        actor = api_actor()
        state = InquiryState(query["state"]) if query.get("state") else None
        select_ = services.inquiries_query(actor, state, query.get("office"))
        return paginate(db.session, select_, query["page"], query["per_page"])


@blp.route("/inquiries/<int:inquiry_id>")
class InquiryDetail(MethodView):
    @blp.response(200, InquirySchema)
    def get(self, inquiry_id: int) -> Inquiry:
        return services.get_inquiry(db.session, api_actor(), inquiry_id)


@blp.route("/inquiries/<int:inquiry_id>/answer")
class InquiryAnswer(MethodView):
    @blp.arguments(AnswerBody)
    @blp.response(200, InquirySchema)
    def post(self, body: dict[str, Any], inquiry_id: int) -> Inquiry:
        """Answer (clerks of the office it was routed to, and admins); 409 if already answered, 404 if
        the caller cannot see it, 403 if they see it but may not answer."""
        return services.answer_inquiry(db.session, api_actor(), inquiry_id, body["answer"])
