"""API: one label, or one file of many labels in the order asked. Every print is recorded."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.auth.current import api_actor
from app.printing import render, services
from app.printing.schemas import LabelBatchSchema, LabelQuery
from models import Consignment, User

blp = Blueprint("printing", __name__, url_prefix="/api/v1", description="Labels (PDF and ZPL)")

FILE_RESPONSES = {
    200: {
        "description": "PDF (application/pdf) or ZPL (application/zpl, UTF-8, one ^XA…^XZ per label)",
        "content": {"application/pdf": {}, "application/zpl": {}},
    }
}


def options_from(args: dict[str, Any]) -> services.PrintOptions:
    size = args.get("size") or ("a6" if args["format"] == "pdf" else "100x150")
    options = services.PrintOptions(args["format"], size, args["dpi"])
    options.check()
    return options


def _print(
    actor: User,
    consignments: list[Consignment],
    options: services.PrintOptions,
    reason: str | None,
    name: str,
) -> Response:
    copies = services.record_prints(db.session, actor, consignments, options, reason, require_reason=False)
    labels = services.label_data(db.session, consignments, copies, current_app.config["PUBLIC_URL"])
    out, count, warnings = render.render(labels, options)
    return render.file_response(out, count, warnings, options, name)


@blp.route("/consignments/<tracking>/label")
class ConsignmentLabel(MethodView):
    @blp.arguments(LabelQuery, location="query")
    @blp.doc(responses=FILE_RESPONSES)
    def get(self, args: dict[str, Any], tracking: str) -> Response:
        """The label of one consignment; a reprint says so on the label ("IN LẠI n")."""
        actor = api_actor()
        options = options_from(args)
        consignment = services.consignment_to_print(db.session, actor, tracking)
        return _print(actor, [consignment], options, args.get("reason"), consignment.tracking)


@blp.route("/labels")
class LabelBatch(MethodView):
    @blp.arguments(LabelBatchSchema)
    @blp.doc(responses=FILE_RESPONSES)
    def post(self, body: dict[str, Any]) -> Response:
        """One file with one label per consignment (per piece), in the order asked, each consignment once."""
        actor = api_actor()
        options = options_from(body)
        if "dispatch" in body:
            consignments = services.dispatch_to_print(db.session, actor, body["dispatch"])
            name = f"dispatch-{body['dispatch']}"
        else:
            consignments = services.consignments_to_print(db.session, actor, body["trackings"])
            name = "labels"
        return _print(actor, consignments, options, body.get("reason"), name)
