"""API: recording scans (clerks at their office, administrators anywhere) and reading an item's events."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.views import MethodView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy.exc import OperationalError

from app import db
from app.api.pagination import paginate
from app.api.schemas import ProblemSchema
from app.auth.current import api_actor
from app.auth.policy import require_scanner
from app.errors import DomainError
from app.scans import services
from app.scans.schemas import ScanBatchSchema, ScanEventPageSchema, ScanQuery, ScanResultsSchema

blp = Blueprint("scans", __name__, url_prefix="/api/v1", description="Scan events from post offices")


class Busy(DomainError):
    status = 503
    title = _l("Service temporarily unavailable")


@blp.route("/scans")
class Scans(MethodView):
    @blp.arguments(ScanBatchSchema)
    @blp.response(200, ScanResultsSchema)
    @blp.alt_response(403, schema=ProblemSchema, description="Board and printer users cannot scan.")
    @blp.alt_response(413, schema=ProblemSchema, description="More than 1,000 scans in one request.")
    def post(self, body: dict[str, Any]) -> Response:
        """Record up to 1,000 scans; one result per scan, in the order sent.

        Each result is `recorded`, `duplicate` (the same id with the same content was recorded before:
        retries are harmless) or `rejected` with `errors` naming the field; a rejected scan does not stop
        the others. `office` defaults to the clerk's office and `at` to the time of receipt; a time
        without offset is Vietnam time, and one more than 10 minutes ahead is rejected. A scan of a `bag`
        (EDD, EDE or EMG of a sealed bag) records one event per item, with ids derived from the bag
        scan's id so that its retries are harmless too. More than 1,000 scans: 413, nothing recorded.
        """
        actor = api_actor()
        require_scanner(actor)
        # The session itself, not the db.session proxy: a batch touches it thousands of times (the calendar
        # of each item's estimate), and each touch through the proxy looks it up in the app context again.
        session = db.session._get_current_object()  # type: ignore[attr-defined]
        try:
            results = services.record_scans(session, actor, body["scans"])
        except OperationalError as exc:
            # SQLite (development) lets one writer at a time; a retry is harmless, so say so.
            if "locked" in str(exc.orig).lower():
                raise Busy(_("The database is busy: send the same scans again shortly.")) from None
            raise
        # Dumped here rather than through ScanResultsSchema (which documents it): a batch of 1,000
        # results spent longer in the schema than in the database.
        # orjson: what json.dumps(ensure_ascii=False) writes, in a tenth of the time for 1,000 results.
        return Response(orjson.dumps({"results": results}), mimetype="application/json")

    @blp.arguments(ScanQuery, location="query")
    @blp.response(200, ScanEventPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The events of one item (`tracking` required), ordered by event time."""
        actor = api_actor()
        require_scanner(actor)
        return paginate(
            db.session, services.events_query(query["tracking"]), query["page"], query["per_page"]
        )
