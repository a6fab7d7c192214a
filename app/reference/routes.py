"""API: offices and election bodies (any signed-in user may read them)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.api.pagination import paginate
from app.auth.current import api_actor
from app.reference import services
from app.reference.schemas import (
    BodyPageSchema,
    BodyQuery,
    BodySchema,
    OfficePageSchema,
    OfficeQuery,
    OfficeSchema,
)
from models import Body, Office

blp = Blueprint("reference", __name__, url_prefix="/api/v1", description="Post offices and election bodies")


@blp.route("/offices")
class Offices(MethodView):
    @blp.arguments(OfficeQuery, location="query")
    @blp.response(200, OfficePageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        api_actor()
        select_ = services.offices_query(query.get("kind"), query.get("area"), query.get("q"))
        return paginate(db.session, select_, query["page"], query["per_page"])


@blp.route("/offices/<code>")
class OfficeDetail(MethodView):
    @blp.response(200, OfficeSchema)
    def get(self, code: str) -> Office:
        api_actor()
        return services.get_office(db.session, code)


@blp.route("/bodies")
class Bodies(MethodView):
    @blp.arguments(BodyQuery, location="query")
    @blp.response(200, BodyPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        api_actor()
        select_ = services.bodies_query(query.get("kind"), query.get("office"), query.get("q"))
        return paginate(db.session, select_, query["page"], query["per_page"])


@blp.route("/bodies/<code>")
class BodyDetail(MethodView):
    @blp.response(200, BodySchema)
    def get(self, code: str) -> Body:
        api_actor()
        return services.get_body(db.session, code)
