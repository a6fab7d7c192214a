"""The flask-smorest Api whose errors are problem+json, like every other error here."""

from __future__ import annotations

import http
from typing import Any

from flask import Flask, Response
from flask_smorest import Api as _SmorestApi
from flask_smorest.utils import prepare_response
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

    def _register_responses(self) -> None:
        """Document every error response as RFC 9457 problem+json, which is what the service sends."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Error (RFC 9457 problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


PROBLEM_JSON = "application/problem+json"
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
