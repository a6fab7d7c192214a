"""Extension objects that several domains decorate with at import time."""

from __future__ import annotations

import time

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from app.errors import rate_limit_headers


def _client_key() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_key, default_limits=[])


def configured_limit(name: str):
    """A limit read from the app config at request time, so deployments and tests can tune it."""
    from flask import current_app

    return lambda: current_app.config[name]


def init_limiter(app: Flask) -> None:
    """Rate limits, with their headers on refusals only.

    Flask-Limiter's own headers (RATELIMIT_HEADERS_ENABLED) read the window back from the storage on every
    limited response: two more Redis round trips per public lookup or sign-in. A client needs them when it
    is refused, to know when to come back, so a 429 carries Retry-After and the X-RateLimit-* figures.
    """
    app.config["RATELIMIT_HEADERS_ENABLED"] = False
    limiter.init_app(app)
    # Every limit here is a route's own (decorators), checked by the decorator when the route runs. The
    # app-wide before-request check looks for default and application limits, of which there are none: it
    # would only cost time on every request. (Should Flask-Limiter rename it, remove() fails at start-up.)
    if limiter.enabled:  # a disabled limiter registers no hook
        app.before_request_funcs[None].remove(limiter._check_request_limit)
    app.after_request(_headers_on_refusal)


def _headers_on_refusal(response: Response) -> Response:
    current = limiter.current_limit if response.status_code == 429 else None
    if current is not None:
        reset_at = current.reset_at
        retry_after = max(1, int(reset_at - time.time()))
        response.headers.update(
            rate_limit_headers(current.limit.amount, current.remaining, reset_at, retry_after)
        )
    return response
