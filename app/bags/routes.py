"""API: bags. Clerks of the origin office create, fill and seal; clerks of the destination office open."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app import db
from app.api.pagination import paginate
from app.api.schemas import ProblemSchema
from app.auth.current import api_actor
from app.auth.policy import may_see_bag, require_scanner
from app.bags import documents, services
from app.bags.schemas import (
    BagCreateSchema,
    BagItemsSchema,
    BagOpeningSchema,
    BagOpenSchema,
    BagPageSchema,
    BagQuery,
    BagSchema,
    LabelQuery,
)
from app.errors import Forbidden
from models import User
from models.bags import Bag

blp = Blueprint("bags", __name__, url_prefix="/api/v1/bags", description="Bags (receptacles) of items")

_FILE_DOC = {
    "responses": {
        "200": {
            "description": "The file",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/zpl": {"schema": {"type": "string"}},
            },
        }
    }
}


def _visible(actor: User, code: str) -> Bag:
    bag = services.get_bag(db.session, code)
    if not may_see_bag(actor, bag):
        raise Forbidden(_("This bag neither leaves from nor arrives at your office."))
    return bag


def _writable(code: str) -> tuple[User, Bag]:
    actor = api_actor()
    require_scanner(actor)
    return actor, services.get_bag(db.session, code, lock=True)


def _file(content: tuple[bytes, str, str]) -> Response:
    data, mimetype, filename = content
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("")
class Bags(MethodView):
    @blp.arguments(BagCreateSchema)
    @blp.response(201, BagSchema)
    def post(self, body: dict[str, Any]) -> Bag:
        """Start a bag at the clerk's office (`origin` defaults to it) for `destination`."""
        actor = api_actor()
        require_scanner(actor)
        return services.create_bag(db.session, actor, body.get("origin"), body["destination"])

    @blp.arguments(BagQuery, location="query")
    @blp.response(200, BagPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Bags leaving or arriving at the user's office (any office for administrators), newest first."""
        actor = api_actor()
        select_ = services.bags_query(actor, query.get("office"), query.get("state"))
        return paginate(db.session, select_, query["page"], query["per_page"])


@blp.route("/<code>")
class BagDetail(MethodView):
    @blp.response(200, BagSchema)
    def get(self, code: str) -> Bag:
        """The bag, its items in manifest order and, once opened, what was missing or unexpected."""
        return _visible(api_actor(), code)


@blp.route("/<code>/items")
class BagItems(MethodView):
    @blp.arguments(BagItemsSchema)
    @blp.response(200, BagSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="The bag is sealed.")
    def post(self, body: dict[str, Any], code: str) -> Bag:
        """Put items into a bag being filled: all or nothing; each refused number is named by its index."""
        actor, bag = _writable(code)
        return services.add_items(db.session, actor, bag, body["trackings"])


@blp.route("/<code>/items/<tracking>")
class BagItemView(MethodView):
    @blp.response(200, BagSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="The bag is sealed.")
    def delete(self, code: str, tracking: str) -> Bag:
        """Take an item out of a bag that is still being filled."""
        actor, bag = _writable(code)
        return services.remove_item(db.session, actor, bag, tracking)


@blp.route("/<code>/seal")
class BagSeal(MethodView):
    @blp.response(200, BagSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="Empty, or already opened.")
    def post(self, code: str) -> Bag:
        """Seal the bag: nothing more goes in. Sealing a sealed bag again changes nothing."""
        actor, bag = _writable(code)
        return services.seal_bag(db.session, actor, bag)


@blp.route("/<code>/open")
class BagOpen(MethodView):
    @blp.arguments(BagOpenSchema)
    @blp.response(200, BagOpeningSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="Not sealed, or already opened.")
    def post(self, body: dict[str, Any], code: str) -> dict[str, Any]:
        """Open a sealed bag at its destination and say which items were `found` in it.

        Every listed item not found is `missing` and gets the flag `missing_from_bag` and an alert at
        once; every item found but not listed is `unexpected`. Both appear on the verification note.
        """
        actor, bag = _writable(code)
        return services.open_bag(db.session, actor, bag, body.get("office"), body["found"])


@blp.route("/<code>/label")
class BagLabelFile(MethodView):
    @blp.arguments(LabelQuery, location="query")
    @blp.doc(**_FILE_DOC)
    def get(self, query: dict[str, Any], code: str) -> Response:
        """The bag label (id as Code 128): `format=pdf` (a6, 100x150) or `zpl` (100x150, 203 or 300 dpi)."""
        bag = _visible(api_actor(), code)
        return _file(documents.label_file(bag, query["format"], query.get("size"), query["dpi"]))


@blp.route("/<code>/manifest")
class BagManifestFile(MethodView):
    @blp.doc(**_FILE_DOC)
    def get(self, code: str) -> Response:
        """The manifest (CN 33-like list of the items sealed in the bag), as PDF."""
        return _file(documents.manifest_file(_visible(api_actor(), code)))


@blp.route("/<code>/verification")
class BagVerificationFile(MethodView):
    @blp.doc(**_FILE_DOC)
    def get(self, code: str) -> Response:
        """The verification note (CN 43-like) made on opening: missing and unexpected items, as PDF."""
        return _file(documents.verification_file(_visible(api_actor(), code)))
