"""Reading request bodies for every API route, in one place: the webargs parser of every flask-smorest Blueprint.

Each domain's ``@blp.arguments(...)`` reads its body through this parser, so what no body may carry is
refused here once, before any schema (including those that read faster than marshmallow, like scans).
"""

from __future__ import annotations

import re
from typing import Any

import flask
import marshmallow as ma
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from app.api.schemas import surrogate_error, text_errors

# A lone surrogate can only arrive as a \u escape (its UTF-8 bytes fail decoding): without one, no need to look.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class ApiParser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        data = core.parse_json(raw)
        if SURROGATE_ESCAPE.search(raw):
            _refuse_lone_surrogates(data)
        return data


def _refuse_lone_surrogates(data: Any) -> None:
    """422 naming every field whose text is not valid Unicode: no driver could store it (a 500 later)."""
    errors = text_errors(data, surrogate_error)
    if errors:
        raise ma.ValidationError(errors if isinstance(errors, dict) else {"_schema": errors})
