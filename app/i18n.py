"""Languages: Vietnamese first, English available.

Catalogs are read from the ``.po`` sources directly (compiled in memory once per process),
so there is no build step and no binary ``.mo`` file to forget to regenerate.
"""

from __future__ import annotations

import io
import os
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, Response, has_request_context, request
from flask_babel import Babel, Domain, format_datetime, refresh

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
