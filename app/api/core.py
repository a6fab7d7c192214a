"""The flask-smorest Api whose errors are problem+json, like every other error here."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask_smorest import Api as _SmorestApi
from werkzeug.exceptions import HTTPException

from app.api.schemas import ProblemSchema
from app.errors import handle_http_exception


class Api(_SmorestApi):
    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        return handle_http_exception(error)

    def _register_error_handlers(self) -> None:
        # app.errors registers the handlers for the whole application.
        pass


BEARER_SCHEME = {"type": "http", "scheme": "bearer", "description": "Token from POST /api/v1/tokens"}


def init_app(app: Flask, blueprints: list[Any]) -> Api:
    # One Api per application: its OpenAPI spec collects the blueprints of that app only.
    api = Api()
    app.extensions["hoatoc.api"] = api
    api.init_app(app, spec_kwargs={"info": {"description": "Hỏa tốc — theo dõi tài liệu bầu cử hỏa tốc"}})
    api.spec.components.security_scheme("bearer", BEARER_SCHEME)
    api.spec.options["security"] = [{"bearer": []}]
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    return api
