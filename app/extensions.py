"""Extension objects that several domains decorate with at import time."""

from __future__ import annotations

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def _client_key() -> str:
    return get_remote_address() or request.remote_addr or "unknown"


limiter = Limiter(key_func=_client_key, default_limits=[])


def configured_limit(name: str):
    """A limit read from the app config at request time, so deployments and tests can tune it."""
    from flask import current_app

    return lambda: current_app.config[name]
