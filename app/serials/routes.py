"""API (admins): the serial blocks, what each has left, and registering a new one."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.auth import policy
from app.auth.current import api_actor
from app.serials import services
from app.serials.schemas import SerialBlockIn, SerialBlockListOut, SerialBlockOut

blp = Blueprint("serials", __name__, url_prefix="/api/v1", description="S10 serial blocks (administrators)")


@blp.route("/serial-blocks")
class SerialBlocks(MethodView):
    @blp.response(200, SerialBlockListOut)
    def get(self) -> dict[str, Any]:
        """Every block with the numbers it has left; ``low`` under 10 %."""
        policy.require_admin(api_actor())
        return {"items": services.block_usages(db.session)}

    @blp.arguments(SerialBlockIn)
    @blp.response(201, SerialBlockOut)
    def post(self, body: dict[str, Any]) -> services.BlockUsage:
        """Register a block handed out by the operator; 409 if it overlaps a known block."""
        actor = api_actor()
        policy.require_admin(actor)
        block = services.add_block(
            db.session, actor, body["prefix"], body["first"], body["last"], body["country"]
        )
        return services.BlockUsage(block)
