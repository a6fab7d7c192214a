"""API: tokens and the current user."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from app import db
from app.auth.current import api_actor
from app.auth.schemas import MeSchema, TokenRequestSchema, TokenSchema
from app.auth.services import authenticate, issue_token
from app.errors import Unauthorized
from app.extensions import configured_limit, limiter
from models import User
from models.base import utcnow

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Authentication")


@blp.route("/tokens")
class Tokens(MethodView):
    decorators: ClassVar[list[Any]] = [limiter.limit(configured_limit("RATELIMIT_LOGIN"))]

    @blp.arguments(TokenRequestSchema)
    @blp.response(201, TokenSchema)
    @blp.doc(security=[])
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Exchange a username and password for a bearer token."""
        config = current_app.config
        try:
            user = authenticate(
                db.session,
                body["username"],
                body["password"],
                max_failures=config["LOGIN_MAX_FAILURES"],
                lock_minutes=config["LOGIN_LOCK_MINUTES"],
                now=utcnow(),
            )
        except Unauthorized:
            db.session.commit()  # the failure count must survive the error answer
            raise
        raw, token = issue_token(db.session, user, timedelta(hours=config["TOKEN_TTL_HOURS"]))
        return {"token": raw, "expires_at": token.expires_at}


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self) -> User:
        """Who the token or session belongs to."""
        return api_actor()
