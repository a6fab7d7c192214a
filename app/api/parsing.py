"""Reading request bodies for every API route, in one place: the webargs parser of every flask-smorest Blueprint.

Each domain's ``@blp.arguments(...)`` reads its body through this parser, so what no body may carry is
refused here once, before any schema (including those that read faster than marshmallow, like scans).
"""

from __future__ import annotations

import re
from typing import Any

import flask
import marshmallow as ma
from flask_babel import lazy_gettext as _l
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from app.api.schemas import surrogate_error, text_errors
from app.errors import UnreadableBody

# Far more than any body of the contract nests (a scan's details: 4 levels), and far less than what would
# exhaust the interpreter's stack in the decoder or in the schemas' recursive checks after it.
MAX_JSON_DEPTH = 64

# A lone surrogate can only arrive as a \u escape (its UTF-8 bytes fail decoding): without one, no need to look.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class ApiParser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        try:
            data = core.parse_json(raw)
        except RecursionError:
            raise _too_deep() from None
        if _nested_deeper_than(data, MAX_JSON_DEPTH):
            raise _too_deep()
        if SURROGATE_ESCAPE.search(raw):
            _refuse_lone_surrogates(data)
        return data


def _refuse_lone_surrogates(data: Any) -> None:
    """422 naming every field whose text is not valid Unicode: no driver could store it (a 500 later)."""
    errors = text_errors(data, surrogate_error)
    if errors:
        raise ma.ValidationError(errors if isinstance(errors, dict) else {"_schema": errors})


def _too_deep() -> UnreadableBody:
    return UnreadableBody(_l("The JSON body is nested more than %(n)d levels deep.", n=MAX_JSON_DEPTH))


def _nested_deeper_than(data: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than ``limit``; iterative, so that no depth can overflow it."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
