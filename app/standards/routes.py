"""API: the delivery standards (everyone signed in reads them; administrators change them)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.auth.current import api_actor
from app.auth.policy import require_admin
from app.standards import services
from app.standards.schemas import StandardsBody, StandardsSchema

blp = Blueprint(
    "standards",
    __name__,
    url_prefix="/api/v1",
    description="Delivery standards: hours by urgency × area, scan gaps, the calendar",
)


@blp.route("/standards")
class Standards(MethodView):
    @blp.response(200, StandardsSchema)
    def get(self) -> dict[str, Any]:
        """The standards in force. Hours count on the calendar: outside election periods weekends and
        holidays may not count; within them every hour does."""
        api_actor()
        return services.standards_document(db.session)

    @blp.arguments(StandardsBody)
    @blp.response(200, StandardsSchema)
    def put(self, body: dict[str, Any]) -> dict[str, Any]:
        """Change some or all sections (administrators). New hours apply to deadlines set from now on;
        scan gaps and the calendar apply at once to every open consignment at the next sweep."""
        actor = api_actor()
        require_admin(actor)
        services.update_standards(db.session, actor, body)
        return services.standards_document(db.session)
