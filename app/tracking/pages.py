"""Web: the public tracking page, up to 20 numbers at once."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from app import db
from app.errors import Invalid
from app.extensions import configured_limit, limiter
from app.tracking.services import MAX_IDS, STAGES, lookup_many

bp = Blueprint("tracking_pages", __name__)


@bp.route("/track")
@limiter.limit(configured_limit("RATELIMIT_TRACK"))
def track() -> tuple[str, int]:
    raw = request.args.get("ids", "")
    try:
        results = lookup_many(db.session, raw)
        error = None
    except Invalid as exc:
        results, error = [], exc.detail
    status = 422 if error else 200
    return render_template(
        "tracking/track.html", ids=raw, results=results, error=error, stages=STAGES, max_ids=MAX_IDS
    ), status
