"""API: the alerts a user may see, and acknowledging them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app import db, s10
from app.alerts import services
from app.alerts.present import present
from app.alerts.schemas import AcknowledgeBody, AlertPageSchema, AlertQuery, AlertSchema
from app.api.pagination import paginate
from app.auth.current import api_actor
from models.base import utcnow

blp = Blueprint(
    "alerts",
    __name__,
    url_prefix="/api/v1",
    description="Alerts: late, stalled, suspected lost, missing from a bag… Open first, gravest first.",
)


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.arguments(AlertQuery, location="query")
    @blp.response(200, AlertPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Alerts in the caller's scope: admins all; boards their body's consignments; clerks their office's.

        Unresolved first, then by gravity (suspected lost and missing items first), urgency (Hỏa tốc
        first) and age (newest first). Resolved alerts stay listed: the history is never deleted.
        """
        actor = api_actor()
        tracking = s10.parse(query["tracking"]) if query.get("tracking") else None
        select_ = services.alerts_query(
            db.session,
            actor,
            state=query.get("state"),
            kind=query.get("kind"),
            office=query.get("office"),
            tracking=tracking,
        )
        page = paginate(db.session, select_, query["page"], query["per_page"])
        page["items"] = present(db.session, page["items"], utcnow())
        return page


@blp.route("/alerts/<int:alert_id>")
class AlertDetail(MethodView):
    @blp.response(200, AlertSchema)
    def get(self, alert_id: int) -> dict[str, Any]:
        """One alert (403 if it concerns neither the caller's body nor office)."""
        alert = services.get_alert(db.session, api_actor(), alert_id)
        return present(db.session, [alert], utcnow())[0]


@blp.route("/alerts/<int:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @blp.arguments(AcknowledgeBody)
    @blp.response(200, AlertSchema)
    def post(self, body: dict[str, Any], alert_id: int) -> dict[str, Any]:
        """Say that someone is acting on an open alert (who and when are recorded). 409 once resolved or
        already acknowledged; the alert still resolves by itself when its cause clears."""
        alert = services.acknowledge(db.session, api_actor(), alert_id, body.get("note"))
        return present(db.session, [alert], utcnow())[0]
