"""Languages: Vietnamese first, English available.

Catalogs are read from the ``.po`` sources directly (compiled in memory once per process),
so there is no build step and no binary ``.mo`` file to forget to regenerate.
"""

from __future__ import annotations

import io
import os
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, has_request_context, request
from flask_babel import Babel, Domain, format_datetime, gettext, refresh

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LANGUAGES = ("vi", "en")


@cache
def load_catalog(locale: str) -> support.Translations:
    """Merge every ``.po`` of a locale (one file per domain, so parallel work does not collide)."""
    merged = support.Translations()
    for po_path in sorted((TRANSLATIONS_DIR / locale / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        merged.merge(support.Translations(buffer))
    return merged


class PoDomain(Domain):
    def get_translations(self) -> support.Translations:  # type: ignore[override]
        from flask_babel import get_locale

        locale = get_locale()
        return load_catalog(str(locale.language) if locale else "vi")


def select_locale() -> str:
    if not has_request_context():
        return os.environ.get("HOATOC_LANG", "vi") if os.environ.get("HOATOC_LANG") in LANGUAGES else "vi"
    asked = request.args.get("lang") or request.cookies.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or "vi"


def _remember_language(response: Response) -> Response:
    """A language chosen with ?lang= stays chosen for the pages that follow (forms, links)."""
    asked = request.args.get("lang")
    if asked in LANGUAGES and request.cookies.get("lang") != asked:
        response.set_cookie("lang", asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def current_language() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "vi"


def local_time(value: datetime | None, fmt: str = "dd/MM/yyyy HH:mm") -> str:
    """Format an aware UTC datetime in Asia/Ho_Chi_Minh for people."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


# marshmallow's built-in messages that carry values (its validators: Range, Length, OneOf...). They reach the
# error handler already formatted in English ("Must be greater than or equal to 1 and less than or equal to
# 500."), so each is matched back to its template here and translated with the same values. Written as
# marshmallow words them (tests/foundation/test_validation_messages.py checks every one against marshmallow).
FORMATTED_MESSAGES = (
    "Must be greater than or equal to %(min)s and less than or equal to %(max)s.",
    "Must be greater than or equal to %(min)s and less than %(max)s.",
    "Must be greater than %(min)s and less than or equal to %(max)s.",
    "Must be greater than %(min)s and less than %(max)s.",
    "Must be greater than or equal to %(min)s.",
    "Must be greater than %(min)s.",
    "Must be less than or equal to %(max)s.",
    "Must be less than %(max)s.",
    "Shorter than minimum length %(min)s.",
    "Longer than maximum length %(max)s.",
    "Length must be between %(min)s and %(max)s.",
    "Length must be %(equal)s.",
    "Must be equal to %(other)s.",
    "Must be one of: %(values)s.",
    "One or more of the choices you made was not in: %(choices)s.",
    "One or more of the choices you made was in: %(values)s.",
)
# Its messages without values, translated by their text like any other (these have no other use in the code).
PLAIN_MESSAGES = (
    "Invalid value.",
    "Invalid type.",
    "Invalid input.",
    "Not a valid tuple.",
    "Not a valid utf-8 string.",
    "Number too large.",
    "Special numeric values (nan or infinity) are not permitted.",
    "Not a valid email address.",
    "String does not match expected pattern.",
    "Not a valid delimited list.",  # webargs' DelimitedList
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _as_pattern(template: str) -> re.Pattern[str]:
    """The template as a regular expression, each %(name)s a named group."""
    literals = _PLACEHOLDER.split(template)
    parts = [re.escape(text) if i % 2 == 0 else f"(?P<{text}>.+?)" for i, text in enumerate(literals)]
    return re.compile("".join(parts))


# The most specific first: two values before one, "greater than or equal to" before "greater than".
_FORMATTED = sorted(
    ((_as_pattern(t), t) for t in FORMATTED_MESSAGES),
    key=lambda pair: (-pair[0].groups, -len(_PLACEHOLDER.sub("", pair[1]))),
)


def translate_message(message: str) -> str:
    """A validation message in the current language: by its text, or by its template and values."""
    translated = gettext(message)
    if translated != message:
        return translated
    for pattern, template in _FORMATTED:
        match = pattern.fullmatch(message)
        if match:
            return gettext(template, **match.groupdict())
    return translated


class PoBabel(Babel):
    @property
    def domain_instance(self) -> Domain:
        return _PO_DOMAIN


_PO_DOMAIN = PoDomain()


def init_app(app: Flask) -> Babel:
    babel = PoBabel(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on the app context, which a CLI command or a test may share across
    # requests: choose it afresh for every request.
    app.before_request(refresh)
    app.after_request(_remember_language)
    app.jinja_env.filters["localtime"] = local_time
    return babel
