"""API: public tracking, no sign-in, rate limited."""

from __future__ import annotations

from typing import ClassVar

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.extensions import configured_limit, limiter
from app.tracking.schemas import PublicTrackingSchema, public_json
from app.tracking.services import public_item

blp = Blueprint("tracking", __name__, url_prefix="/api/v1/track", description="Public tracking (no sign-in)")


@blp.route("/<tracking>")
class Track(MethodView):
    decorators: ClassVar[list] = [limiter.limit(configured_limit("RATELIMIT_TRACK"))]

    @blp.response(200, PublicTrackingSchema)
    @blp.doc(security=[])
    def get(self, tracking: str) -> Response:
        """Status, flags and timeline of one item. 422 when the number is malformed or mistyped, 404 when unknown."""
        # The busiest public endpoint: serialised directly (tests check it against PublicTrackingSchema).
        return jsonify(public_json(public_item(db.session, tracking)))
