from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.api.pagination import paginate
from app.audit.schemas import AuditPageSchema, AuditQuery
from app.audit.services import entries_query
from app.auth.current import api_actor
from app.auth.policy import require_admin

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit log (administrators)")


@blp.route("")
class AuditList(MethodView):
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, AuditPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        require_admin(api_actor())
        select_ = entries_query(query.get("object_type"), query.get("object_id"))
        return paginate(db.session, select_, query["page"], query["per_page"])
