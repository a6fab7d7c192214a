"""API: register consignments (one, a dispatch, a CSV), read them within scope, cancel before acceptance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from flask import Request, current_app
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError

from app import db
from app.api.pagination import paginate
from app.api.parsing import ApiParser
from app.auth.current import api_actor
from app.consignments import drafts, imports, present, queries, services
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
from app.errors import Invalid
from models.base import utcnow

blp = Blueprint(
    "consignments",
    __name__,
    url_prefix="/api/v1",
    description=(
        "Registering election documents as priority consignments. A consignment outside your scope "
        "answers 404, like an unknown number."
    ),
)


# The field naming the recipients, by registration schema.
RECIPIENTS_KEY = {ConsignmentIn: "recipient", DispatchIn: "recipients"}


class RegistrationParser(ApiParser):
    """Names every invalid field of a registration at once: a body the schema refuses is also checked
    against the reference data (unknown bodies and offices, dates), as far as the schema could read it."""

    def handle_error(
        self,
        error: ValidationError,
        req: Request,
        schema: Schema,
        *,
        error_status_code: int | None,
        error_headers: Mapping[str, str] | None,
    ) -> NoReturn:
        key = RECIPIENTS_KEY.get(type(schema))
        messages = error.messages.get("json") if isinstance(error.messages, dict) else None
        readable = isinstance(error.valid_data, dict)  # not for a body refused before its schema ran
        if key is None or messages is None or not readable or not current_user.is_authenticated:
            super().handle_error(
                error, req, schema, error_status_code=error_status_code, error_headers=error_headers
            )
        actor = current_user._get_current_object()
        body_error = ValidationError(messages, valid_data=error.valid_data)
        errors = drafts.every_error(db.session, actor, body_error, key, utcnow())
        raise Invalid(_("Some fields are invalid: see errors."), errors)


blp.ARGUMENTS_PARSER = RegistrationParser()  # this blueprint's only: the others keep the shared parser


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
