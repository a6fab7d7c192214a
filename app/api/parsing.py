"""Reading request bodies for every API route, in one place: the webargs parser of every flask-smorest Blueprint.

Each domain's ``@blp.arguments(...)`` reads its body through this parser, so what no body may carry is
refused here once, before any schema (including those that read faster than marshmallow, like scans).
"""

from __future__ import annotations

import re
import threading
from typing import Any

import flask
import marshmallow as ma
from flask_babel import lazy_gettext as _l
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from app.api.schemas import surrogate_error, text_errors
from app.errors import NotJsonBody, UnreadableBody

# Far more than any body of the contract nests (a scan's details: 4 levels), and far less than what would
# exhaust the interpreter's stack in the decoder or in the schemas' recursive checks after it.
MAX_JSON_DEPTH = 64

# A lone surrogate can only arrive as a \u escape (its UTF-8 bytes fail decoding): without one, no need to look.
SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class ApiParser(FlaskParser):
    def parse(self, argmap: Any, req: Any = None, *, location: str | None = None, **kwargs: Any) -> Any:
        if (location or self.location) == "json":
            # A batch whose items are each accepted or rejected (scans) refuses unreadable text item by
            # item itself: one bad scan must not turn away the 999 others of a handheld's upload.
            flask.g.hoatoc_text_checked_per_item = getattr(argmap, "TEXT_CHECKED_PER_ITEM", False)
            argmap = _json_body_schema(argmap)
        return super().parse(argmap, req, location=location, **kwargs)

    def _raw_load_json(self, req: flask.Request) -> Any:
        raw = req.get_data(cache=True)
        if not is_json_request(req):
            # A body this endpoint would read as JSON, labelled as something else: say so (415) rather
            # than ignore it and answer that every field is missing. No body at all: nothing to read.
            if raw:
                raise NotJsonBody()
            return core.missing
        try:
            data = core.parse_json(raw)
        except RecursionError:
            raise _too_deep() from None
        if nested_deeper_than(data, MAX_JSON_DEPTH):
            raise _too_deep()
        if SURROGATE_ESCAPE.search(raw) and not flask.g.get("hoatoc_text_checked_per_item"):
            _refuse_lone_surrogates(data)
        return data


_strict_lock = threading.RLock()  # re-entered for nested schemas
_json_schemas: dict[type[ma.Schema], ma.Schema] = {}


def _json_body_schema(argmap: Any) -> Any:
    """The schema that reads a JSON body, its integers strict: one instance per schema class (webargs
    would otherwise make a new one per request, without the strictness)."""
    if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
        schema = _json_schemas.get(argmap)
        if schema is None:
            schema = argmap()
            strict_integers(schema)
            _json_schemas[argmap] = schema
        return schema
    if isinstance(argmap, ma.Schema):
        strict_integers(argmap)
    return argmap


def strict_integers(schema: ma.Schema) -> None:
    """Make every integer field of ``schema`` (nested ones too) accept JSON integers only.

    marshmallow's Integer casts by default: "1" and 1.5 would become 1. Query strings and form posts
    hold nothing but text, so only the schemas that read a JSON body are made strict, on their first use
    (flask-smorest makes one instance per ``@blp.arguments``; marshmallow copies fields per instance).
    """
    if getattr(schema, "_json_integers_strict", False):
        return
    with _strict_lock:
        for field in schema.fields.values():
            _strict_field(field)
        schema._json_integers_strict = True  # type: ignore[attr-defined]


def _strict_field(field: ma.fields.Field) -> None:
    if isinstance(field, ma.fields.Integer):
        field.strict = True
    elif isinstance(field, ma.fields.Nested):
        strict_integers(field.schema)
    elif isinstance(field, ma.fields.List):
        _strict_field(field.inner)
    elif isinstance(field, ma.fields.Tuple):
        for item in field.tuple_fields:
            _strict_field(item)
    elif isinstance(field, ma.fields.Mapping) and field.value_field is not None:
        _strict_field(field.value_field)


def _refuse_lone_surrogates(data: Any) -> None:
    """422 naming every field whose text is not valid Unicode: no driver could store it (a 500 later)."""
    errors = text_errors(data, surrogate_error)
    if errors:
        raise ma.ValidationError(errors if isinstance(errors, dict) else {"_schema": errors})


def _too_deep() -> UnreadableBody:
    return UnreadableBody(_l("The JSON body is nested more than %(n)d levels deep.", n=MAX_JSON_DEPTH))


def nested_deeper_than(data: Any, limit: int) -> bool:
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
