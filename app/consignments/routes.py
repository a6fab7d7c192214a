"""API: register consignments (one, a dispatch, a CSV), read them within scope, cancel before acceptance."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.api.pagination import paginate
from app.auth.current import api_actor
from app.consignments import imports, present, queries, services
from app.consignments.schemas import (
    CancelIn,
    ConsignmentIn,
    ConsignmentOut,
    ConsignmentPage,
    ConsignmentQuery,
    DispatchCreatedOut,
    DispatchIn,
    DispatchOut,
    ImportFileIn,
    ImportFormIn,
    ImportOut,
)

blp = Blueprint(
    "consignments",
    __name__,
    url_prefix="/api/v1",
    description=(
        "Registering election documents as priority consignments. A consignment outside your scope "
        "answers 404, like an unknown number."
    ),
)


def serial_prefix() -> str:
    return str(current_app.config["SERIAL_PREFIX"])


@blp.route("/consignments")
class Consignments(MethodView):
    @blp.arguments(ConsignmentIn)
    @blp.response(201, ConsignmentOut, description="Registered")
    @blp.alt_response(200, schema=ConsignmentOut, description="Already registered with this reference")
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """Register one consignment (boards for their body, clerks at their counter)."""
        actor = api_actor()
        consignment, created = services.register_consignment(db.session, actor, body, prefix=serial_prefix())
        return present.consignment_out(db.session, actor, consignment), 201 if created else 200

    @blp.arguments(ConsignmentQuery, location="query")
    @blp.response(200, ConsignmentPage)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Consignments you may see, newest first; classified titles are never listed."""
        actor = api_actor()
        page = paginate(
            db.session, queries.list_query(db.session, actor, query), query["page"], query["per_page"]
        )
        page["items"] = present.list_out(db.session, actor, page["items"])
        return page


@blp.route("/consignments/import")
class ConsignmentImport(MethodView):
    @blp.arguments(ImportFormIn, location="form")
    @blp.arguments(ImportFileIn, location="files")
    @blp.response(201, ImportOut)
    def post(self, form: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        """Register the rows of a CSV file (docs/consignments-csv.md), all or nothing."""
        actor = api_actor()
        data = files["file"].read()
        return imports.import_csv(
            db.session,
            actor,
            data,
            sender=form.get("sender"),
            origin=form.get("origin"),
            prefix=serial_prefix(),
        )


@blp.route("/consignments/<tracking>")
class ConsignmentDetail(MethodView):
    @blp.response(200, ConsignmentOut)
    def get(self, tracking: str) -> dict[str, Any]:
        """One consignment and its timeline; spaces and letter case in the number are forgiven."""
        actor = api_actor()
        return present.consignment_out(db.session, actor, queries.get_visible(db.session, actor, tracking))


@blp.route("/consignments/<tracking>/cancel")
class ConsignmentCancel(MethodView):
    @blp.arguments(CancelIn, required=False)
    @blp.response(200, ConsignmentOut)
    def post(self, body: dict[str, Any], tracking: str) -> dict[str, Any]:
        """Cancel a registration before the post accepts the item (409 afterwards); twice is harmless."""
        actor = api_actor()
        consignment = services.cancel_consignment(db.session, actor, tracking, body.get("reason"))
        return present.consignment_out(db.session, actor, consignment)


@blp.route("/dispatches")
class Dispatches(MethodView):
    @blp.arguments(DispatchIn)
    @blp.response(201, DispatchCreatedOut, description="Registered")
    @blp.alt_response(200, schema=DispatchCreatedOut, description="Already registered with this reference")
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """One document to many recipients: all or nothing, consignments in the order given."""
        actor = api_actor()
        result = services.register_dispatch(db.session, actor, body, prefix=serial_prefix())
        out = {
            "id": result.dispatch.id,
            "consignments": [{"recipient": r, "tracking": t} for r, t in result.items],
        }
        return out, 201 if result.created else 200


@blp.route("/dispatches/<int:dispatch_id>")
class DispatchDetail(MethodView):
    @blp.response(200, DispatchOut)
    def get(self, dispatch_id: int) -> dict[str, Any]:
        """A dispatch and those of its consignments you may see."""
        actor = api_actor()
        dispatch, consignments = queries.get_dispatch(db.session, actor, dispatch_id)
        return present.dispatch_out(actor, dispatch, consignments)
