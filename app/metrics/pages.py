"""GET /metrics for Prometheus, and the per-request timing that feeds it."""

from __future__ import annotations

import hmac
import time

from flask import Blueprint, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST

from app import db
from app.errors import Unauthorized
from app.metrics.services import LATENCY, REQUESTS, exposition

bp = Blueprint("metrics", __name__)


@bp.before_app_request
def _start_timer() -> None:
    g._metrics_start = time.perf_counter()


@bp.after_app_request
def _observe(response: Response) -> Response:
    start = g.pop("_metrics_start", None)
    # The endpoint name, not the path: paths carry tracking numbers and would explode the label set.
    endpoint = request.endpoint or "unmatched"
    if start is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - start)
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    return response


@bp.route("/metrics")
def metrics() -> Response:
    expected = current_app.config.get("METRICS_TOKEN")
    if expected:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized()
    return Response(exposition(db.session), mimetype=CONTENT_TYPE_LATEST)
