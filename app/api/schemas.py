"""Schemas every domain builds on: NFC-normalised input, local times, pages, problems."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_PER_PAGE = 500
MAX_PAGE = 1_000_000


def normalise_text(value: Any) -> Any:
    """NFC-normalise and trim every string in a JSON-like structure."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, dict):
        return {normalise_text(k): normalise_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise_text(v) for v in value]
    return value


# C0 control characters other than tab and newlines: never meaningful in our text, and NUL is refused
# by PostgreSQL itself. Refused here so that the answer names the field instead of failing later.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_ERROR = _l("Contains a control character, which text may not hold.")
# Half of a UTF-16 surrogate pair standing alone: JSON can write one ("\\ud800"), but it is not a character,
# and no database driver can encode it. A pair written as two escapes is decoded into one character.
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")
SURROGATE_ERROR = _l("Not valid Unicode text: it holds half of a surrogate pair (U+D800 to U+DFFF).")


def unreadable_text_error(text: str) -> Any:
    """Why ``text`` cannot be stored (a control character, a lone surrogate), or None."""
    if CONTROL_CHARACTERS.search(text):
        return CONTROL_ERROR
    return surrogate_error(text)


def surrogate_error(text: str) -> Any:
    return SURROGATE_ERROR if LONE_SURROGATES.search(text) else None


def text_errors(value: Any, check: Callable[[str], Any] = unreadable_text_error) -> Any:
    """Nested marshmallow-style errors for every key or string that ``check`` refuses, or None."""
    if isinstance(value, str):
        error = check(value)
        return [error] if error is not None else None
    if isinstance(value, dict):
        found = {}
        for key, item in value.items():
            error = text_errors(key, check) or text_errors(item, check)
            if error is not None:
                found[key] = error
        return found or None
    if isinstance(value, list):
        found = {i: e for i, v in enumerate(value) if (e := text_errors(v, check)) is not None}
        return found or None
    return None


class InputSchema(ma.Schema):
    """Base of every request schema: unknown fields are errors, text is NFC and trimmed, no control characters
    and no lone surrogates (in keys or values)."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        errors = text_errors(data)
        if errors:
            raise ma.ValidationError(errors if isinstance(errors, dict) else {"_schema": errors})
        return normalise_text(data)


class OutputSchema(ma.Schema):
    """Base of every response schema: a marker, so that input and output schemas are told apart at a glance."""


class LocalDateTime(fields.DateTime):
    """RFC 3339 in and out: a time without offset means Asia/Ho_Chi_Minh; stored as UTC, shown at +07:00."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=LOCAL_TZ)
        if not 2000 <= parsed.year <= 2099:
            # Also keeps clear of the calendar's edges, where converting time zones overflows.
            raise ma.ValidationError(_l("Use a date between the years 2000 and 2099."))
        return parsed.astimezone(UTC)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.astimezone(LOCAL_TZ).isoformat()


class PageQuery(InputSchema):
    class Meta:
        unknown = ma.EXCLUDE  # domain filters are declared by subclasses; others are ignored

    # Bounded so that page * per_page always fits the database's integer offset.
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The list envelope of the contract: items, page, per_page, total."""
    return ma.Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "total": fields.Integer(),
        },
        name=name,
    )


class ProblemSchema(ma.Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
