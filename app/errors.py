"""Domain errors and the one place that turns any error into a response.

Domain code raises the errors below and never an HTTP exception; the handler here turns
them, werkzeug's HTTP errors and anything unexpected into RFC 9457 problem+json for the
API (and into an error page for the web), without leaking internals.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError, UnsupportedMediaType

from app.i18n import translate_message

log = logging.getLogger(__name__)

FieldErrors = dict[str, list[str]]


class DomainError(Exception):
    status = 400
    title = _l("Bad request")
    headers: Mapping[str, str] = {}  # read only: a subclass sets its own per instance

    def __init__(
        self, detail: str | None = None, errors: Mapping[str, list[str] | str] | None = None
    ) -> None:
        super().__init__(detail or str(self.title))
        self.detail = detail
        self.errors: FieldErrors = {
            k: [v] if isinstance(v, str) else list(v) for k, v in (errors or {}).items()
        }


class Unauthorized(DomainError):
    status = 401
    title = _l("Authentication required")


class Forbidden(DomainError):
    status = 403
    title = _l("Not allowed")


class NotFound(DomainError):
    status = 404
    title = _l("Not found")


class Conflict(DomainError):
    status = 409
    title = _l("Conflict with the current state")


class Invalid(DomainError):
    status = 422
    title = _l("Invalid input")


def rate_limit_headers(limit: int, remaining: int, reset_at: float, retry_after: int) -> dict[str, str]:
    """What a refused client needs to know: when to come back, and the limit it ran into."""
    return {
        "Retry-After": str(retry_after),
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(reset_at),
    }


class TooManyRequests(DomainError):
    """A rate limit refused the request (one counted outside Flask-Limiter: app.ratelimit)."""

    status = 429
    title = _l("Too many requests")

    def __init__(self, limit: int, reset_at: float, retry_after: int) -> None:
        super().__init__(_("Too many requests: try again in %(seconds)d seconds.", seconds=retry_after))
        self.headers = rate_limit_headers(limit, 0, reset_at, retry_after)


class UnreadableBody(BadRequest):
    """A request body that cannot be read (400), with the reason to tell the client."""

    def __init__(self, reason: Any) -> None:
        super().__init__()
        self.reason = reason


class NotJsonBody(UnsupportedMediaType):
    """A body sent with another Content-Type to an endpoint that reads JSON (415)."""


HTTP_TITLES = {
    400: _l("Bad request"),
    401: _l("Authentication required"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict with the current state"),
    413: _l("Request too large"),
    415: _l("Unsupported media type"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Internal error"),
    503: _l("Service temporarily unavailable"),
}


def flatten_errors(messages: Any, prefix: str = "") -> FieldErrors:
    """Turn marshmallow's nested error dict into ``{"a.0.b": [messages]}``."""
    out: FieldErrors = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            for sub_path, msgs in flatten_errors(value, path).items():
                out.setdefault(sub_path, []).extend(msgs)
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "_schema"] = [translate_message(m) for m in messages]
        else:
            for item in messages:
                for sub_path, msgs in flatten_errors(item, prefix).items():
                    out.setdefault(sub_path, []).extend(msgs)
    elif messages is not None:
        out[prefix or "_schema"] = [translate_message(str(messages))]
    return out


def _webargs_field_errors(exc: HTTPException) -> FieldErrors:
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or data.get("errors") or {}
    errors: FieldErrors = {}
    # webargs nests messages by location (json, query, files...); the path is what clients care for.
    for location, fields in messages.items():
        flat = flatten_errors(fields)
        if location != "json":
            flat = {f"{location}.{k}" if k != "_schema" else location: v for k, v in flat.items()}
        errors.update(flat)
    return errors


def problem(
    status: int,
    title: str | None = None,
    detail: str | None = None,
    errors: FieldErrors | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {
        "type": "about:blank",
        "title": str(title or HTTP_TITLES.get(status, _l("Error"))),
        "status": status,
        "detail": detail or str(title or HTTP_TITLES.get(status, _l("Error"))),
        "errors": errors or {},
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def wants_problem() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best in (
        "application/json",
        "application/problem+json",
    )


def _respond(
    status: int,
    title: str,
    detail: str | None,
    errors: FieldErrors | None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if wants_problem():
        return problem(status, title, detail, errors, headers)
    try:
        html = render_template("error.html", status=status, title=title, detail=detail, errors=errors or {})
    except Exception:
        log.exception("error page failed to render")
        html = f"<!doctype html><title>{status}</title><h1>{status}</h1>"
    return Response(html, status=status, headers=dict(headers or {}), mimetype="text/html")


def handle_domain_error(exc: DomainError) -> Response:
    return _respond(exc.status, str(exc.title), exc.detail and str(exc.detail), exc.errors, exc.headers)


def handle_http_exception(exc: HTTPException) -> Response:
    original = getattr(exc, "original_exception", None)
    if (
        isinstance(exc, InternalServerError)
        and original is not None
        and not isinstance(original, HTTPException)
    ):
        # Flask wraps what fails after the view (the commit at the edge, in an after-request hook) in an
        # InternalServerError: judge the error itself, so that a database lost at commit is a 503 too.
        return handle_unexpected(original)
    status = exc.code or 500
    errors = _webargs_field_errors(exc)
    detail = None
    if status == 413:
        detail = _("The request body is larger than this service accepts.")
    elif isinstance(exc, UnreadableBody):
        detail = str(exc.reason)
        errors = {"body": [detail]}
    elif isinstance(exc, NotJsonBody):
        detail = _("The request body must be JSON, sent with Content-Type: application/json.")
        errors = {"body": [detail]}
    elif status == 400:
        detail = _("The request could not be read: send well-formed JSON encoded in UTF-8.")
        errors = {"body": [detail]} if errors else {}
    elif status == 422 and errors:
        detail = _("Some fields are invalid: see errors.")
    headers: dict[str, str] = {}
    valid_methods = getattr(exc, "valid_methods", None)
    if status == 405 and valid_methods:
        headers["Allow"] = ", ".join(valid_methods)
    retry_after = exc.response.headers.get("Retry-After") if exc.response is not None else None
    if retry_after:
        headers["Retry-After"] = retry_after
    return _respond(status, str(HTTP_TITLES.get(status, exc.name)), detail, errors, headers)


def handle_unexpected(exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    if isinstance(exc, OperationalError) and (_is_connection_error(exc) or _is_busy(exc)):
        log.warning("database unavailable: %s", exc.__class__.__name__)
        detail = _("The database is unavailable; try again shortly.")
        return _respond(503, str(HTTP_TITLES[503]), detail, None, {"Retry-After": "5"})
    if isinstance(exc, DataError):
        # Input the schemas let through but the database refuses (a path parameter, an odd byte): the
        # client's mistake, rolled back like any error, answered as invalid input.
        log.warning("database refused a value: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
        return _respond(422, str(HTTP_TITLES[422]), _("A value cannot be stored as given."), None)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _respond(500, str(HTTP_TITLES[500]), _("Something went wrong on our side; it was logged."), None)


def _is_connection_error(exc: OperationalError) -> bool:
    return bool(exc.connection_invalidated) or "connect" in str(exc.orig).lower()


def _is_busy(exc: OperationalError) -> bool:
    # Worth retrying, not a bug: SQLite under write contention past its busy timeout; PostgreSQL ending a
    # transaction that met another's (SQLSTATE class 40: a deadlock, a serialization failure).
    if str(getattr(exc.orig, "sqlstate", None) or "").startswith("40"):
        return True
    return "database is locked" in str(exc.orig).lower()


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
