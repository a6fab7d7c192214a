"""The public lookup in front of Flask: ``GET /api/v1/track/<number>`` for a known item, answered directly.

The busiest endpoint on election day (anyone with a number, refreshing) and the cheapest to answer: one
read statement. Through Flask, flask-smorest and their hooks it cost the worker several times what the
statement does; here, in front of them, it costs about what a bare Flask endpoint costs. Only the plain
case is answered here: a well-formed number of an item that exists, on PostgreSQL. Everything else — a
mistyped or unknown number, ``?lang=`` (which sets a cookie), HEAD, a database that fails, SQLite — goes on
to the Flask route, which answers it with its problem+json and its one error handler, so every refusal is
written in one place. The tests compare this answer with the route's for the same items.

Every request under ``/api/v1/track/`` is counted against the public limit here, answered here or not
(``app.ratelimit``); a refusal is handed to the route with the environ key ``REFUSAL``, which raises it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from flask import Flask
from flask_babel import force_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from app import s10
from app.db import get_database
from app.edge import security_headers
from app.i18n import LANGUAGES
from app.metrics.services import LATENCY, REQUESTS
from app.ratelimit import SettledLimit
from app.tracking.schemas import public_document
from app.tracking.services import LOOKUP, item_from_rows
from app.vocabulary import words
from models import AlertKind, EventCode, Status

log = logging.getLogger(__name__)

PREFIX = "/api/v1/track/"
ENDPOINT = "tracking.Track"  # the route's endpoint name, for the request metrics
REFUSAL = "hoatoc.tracking.refusal"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class PublicLookupFront:
    """WSGI middleware around the Flask app's ``wsgi_app`` (inside ProxyFix, so addresses are the clients')."""

    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner
        config = app.config
        self.limit = (
            SettledLimit(
                config["RATELIMIT_TRACK"],
                config["RATELIMIT_STORAGE_URI"],
                "track",
                settle_seconds=config["RATELIMIT_SETTLE_SECONDS"],
            )
            if config["RATELIMIT_ENABLED"]
            else None
        )
        self.answering = bool(config["TRACKING_FAST_PATH"])
        self.headers = [("Content-Type", "application/json"), *security_headers(config["HOATOC_ENV"])]
        self._statement: tuple[str, dict[str, Any]] | None = None
        self._words: dict[str, tuple[dict[str, str], ...]] = {}
        self._languages: dict[str, str] = {}
        self._answered = REQUESTS.labels("GET", ENDPOINT, "200")  # label lookups done once
        self._latency = LATENCY.labels(ENDPOINT)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith(PREFIX):
            return self.inner(environ, start_response)
        began = time.perf_counter()
        if self.limit is not None:
            refusal = self.limit.hit(environ.get("REMOTE_ADDR") or "unknown")
            if refusal is not None:
                environ[REFUSAL] = refusal
                return self.inner(environ, start_response)
        body = self._answer(environ) if self.answering else None
        if body is None:
            return self.inner(environ, start_response)
        start_response("200 OK", [*self.headers, ("Content-Length", str(len(body)))])
        self._latency.observe(time.perf_counter() - began)
        self._answered.inc()
        return [body]

    def _answer(self, environ: dict[str, Any]) -> bytes | None:
        """The document of a known item, or None for the route to answer."""
        text = environ["PATH_INFO"][len(PREFIX) :]
        if environ["REQUEST_METHOD"] != "GET" or not text or "/" in text:
            return None
        if "lang=" in environ.get("QUERY_STRING", ""):
            return None  # the route remembers the choice in a cookie
        try:
            tracking = s10.parse(text)
        except s10.S10Error:
            return None
        rows = self._lookup(tracking)
        if not rows:
            return None
        language = self._language(environ)
        return orjson.dumps(public_document(item_from_rows(rows), *self._tables(language)))

    def _lookup(self, tracking: str) -> list[tuple] | None:
        database = get_database(self.app)
        # Only where the app reads through its own engine: a test or a CLI command binds sessions elsewhere.
        if database.reader is None or database.sessionmaker.kw.get("bind") is not database.engine:
            return None
        if self._statement is None:
            compiled = LOOKUP.compile(dialect=database.reader.dialect)
            self._statement = (str(compiled), dict(compiled.params))
        sql, params = self._statement
        try:
            connection = database.reader.raw_connection()  # the pool's checkout pings a doubtful connection
        except Exception:
            return None  # the route will say 503 and the pool recovers as it does for every request
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, {**params, "tracking": tracking})
                return cursor.fetchall()
        except Exception:
            log.warning("public lookup handed to the route after a database error", exc_info=True)
            connection.invalidate()  # its state is unknown: never hand it to another request
            return None
        finally:
            connection.close()

    def _language(self, environ: dict[str, Any]) -> str:
        """What ``app.i18n.select_locale`` chooses: the ``lang`` cookie, else Accept-Language, else Vietnamese."""
        cookies = environ.get("HTTP_COOKIE", "")
        if "lang=" in cookies:
            chosen = parse_cookie(cookies).get("lang")
            if chosen in LANGUAGES:
                return chosen
        header = environ.get("HTTP_ACCEPT_LANGUAGE", "")
        language = self._languages.get(header)
        if language is None:
            language = parse_accept_header(header, LanguageAccept).best_match(LANGUAGES) or "vi"
            if len(self._languages) < 1000:  # headers repeat; a flood of odd ones is not kept
                self._languages[header] = language
        return language

    def _tables(self, language: str) -> tuple[dict[str, str], ...]:
        """The words of statuses, events and flags, translated once per language in an app context."""
        tables = self._words.get(language)
        if tables is None:
            with self.app.app_context(), force_locale(language):
                tables = tuple(words(kind, language) for kind in (Status, EventCode, AlertKind))
            self._words[language] = tables
        return tables
