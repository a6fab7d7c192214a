"""API: public tracking, no sign-in, rate limited.

Most lookups are answered in front of Flask by ``app.tracking.fastpath``, which also counts every request
here against the public limit; this route answers the rest (mistyped and unknown numbers, refusals, ``?lang=``,
a failing database) and is the reference the front is tested against.
"""

from __future__ import annotations

import time

from flask import Response, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.errors import TooManyRequests
from app.tracking.fastpath import REFUSAL
from app.tracking.schemas import PublicTrackingSchema, public_json
from app.tracking.services import public_item

blp = Blueprint("tracking", __name__, url_prefix="/api/v1/track", description="Public tracking (no sign-in)")


@blp.route("/<tracking>")
class Track(MethodView):
    @blp.response(200, PublicTrackingSchema)
    @blp.alt_response(429, description="Too many requests from this address: see Retry-After.")
    @blp.doc(security=[])
    def get(self, tracking: str) -> Response:
        """Status, flags and timeline of one item. 422 when the number is malformed or mistyped, 404 when unknown."""
        refusal = request.environ.get(REFUSAL)
        if refusal is not None:
            raise TooManyRequests(refusal.limit, refusal.reset_at, refusal.retry_after(time.time()))
        # Serialised directly (tests check it against PublicTrackingSchema).
        return jsonify(public_json(public_item(db.session, tracking)))
