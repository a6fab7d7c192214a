"""Settings, read from HOATOC_* environment variables.

| variable | meaning | default |
|---|---|---|
| HOATOC_DATABASE_URL | SQLAlchemy URL | sqlite:///<instance>/hoatoc.db |
| HOATOC_SECRET_KEY | signs sessions and CSRF tokens | a development key (refused in production) |
| HOATOC_ENV | `production` or `development` | production |
| HOATOC_PUBLIC_URL | base URL printed in label QR codes | http://127.0.0.1:5000 |
| HOATOC_TOKEN_TTL_HOURS | lifetime of API tokens | 720 |
| HOATOC_TOKEN_CACHE_SECONDS | how long a worker trusts a token it checked (revocation delay; 0: off) | 5 |
| HOATOC_MAX_BODY_BYTES | largest request body accepted | 16 MiB |
| HOATOC_RATELIMIT_STORAGE | Flask-Limiter storage URI (redis://… across hosts) | memory:// |
| HOATOC_DB_POOL_SIZE | connections per worker (PostgreSQL) | 5 |
| HOATOC_RATELIMIT_LOGIN | sign-in and token requests per client | 20 per minute |
| HOATOC_RATELIMIT_TRACK | public tracking requests per client | 120 per minute |
| HOATOC_RATELIMIT_SETTLE_SECONDS | how often a worker adds its public-tracking counts to the shared counter (0: on every request) | 0.1 |
| HOATOC_TRACKING_FAST_PATH | answer plain public lookups in front of Flask (0: every lookup through the route) | 1 |
| HOATOC_METRICS_TOKEN | bearer token required by /metrics (unset: open) | unset |
| HOATOC_PROXY_HOPS | reverse proxies in front (trust X-Forwarded-* from that many) | 0 |
| HOATOC_ELECTION_PERIODS | duty periods beyond the calendar's election periods (/standards): START/END[,START/END…], local dates (end day included) or times | (none) |
| HOATOC_SERIAL_PREFIX | S10 service indicator of election documents (serial blocks of this prefix) | EB |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEV_SECRET = "dev-only-not-secret"  # noqa: S105 - a recognisable placeholder refused in production


class ConfigError(RuntimeError):
    """The service cannot start with these settings."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"HOATOC_{name}")
    return value if value not in (None, "") else default


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config from the environment, then apply explicit overrides (tests)."""
    env = _env("ENV", "production")
    default_db = "sqlite:///" + str(Path(instance_path) / "hoatoc.db")
    config: dict[str, Any] = {
        "HOATOC_ENV": env,
        "SECRET_KEY": _env("SECRET_KEY", DEV_SECRET),
        "DATABASE_URL": _env("DATABASE_URL", default_db),
        "DB_POOL_SIZE": int(_env("DB_POOL_SIZE", "5") or 5),
        "PUBLIC_URL": (_env("PUBLIC_URL", "http://127.0.0.1:5000") or "").rstrip("/"),
        "TOKEN_TTL_HOURS": int(_env("TOKEN_TTL_HOURS", "720") or 720),
        "TOKEN_CACHE_SECONDS": float(_env("TOKEN_CACHE_SECONDS", "5") or 0),
        "MAX_CONTENT_LENGTH": int(_env("MAX_BODY_BYTES", str(16 * 1024 * 1024)) or 0),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE", "memory://"),
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": _env("RATELIMIT_LOGIN", "20 per minute"),
        "RATELIMIT_TRACK": _env("RATELIMIT_TRACK", "120 per minute"),
        # app.ratelimit: the public-tracking limit is counted per worker and settled in batches.
        "RATELIMIT_SETTLE_SECONDS": float(_env("RATELIMIT_SETTLE_SECONDS", "0.1") or 0),
        "TRACKING_FAST_PATH": _env("TRACKING_FAST_PATH", "1") not in ("0", "false", "no"),
        # Added to the calendar's election periods by app.duty.periods.election_periods.
        "ELECTION_PERIODS": _env("ELECTION_PERIODS", ""),
        # S10 service indicator the numbers of election documents are drawn from (`hoatoc serials add`).
        "SERIAL_PREFIX": (_env("SERIAL_PREFIX", "EB") or "EB").upper(),
        "METRICS_TOKEN": _env("METRICS_TOKEN"),
        # Reverse proxies in front of the service (X-Forwarded-For is trusted from that many hops).
        "PROXY_HOPS": int(_env("PROXY_HOPS", "0") or 0),
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        # Sessions: only over HTTPS in production, never readable from scripts.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # CSRF is checked by our own before_request so that bearer-token API calls skip it.
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ["vi", "en"],
        # flask-smorest / OpenAPI
        "API_TITLE": "Hỏa tốc",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "v1/openapi.json",
        # No Swagger UI: it would take /api/docs from our own page (home.api_docs) and needs scripts from
        # a CDN that the content security policy refuses.
        "JSON_SORT_KEYS": False,
    }
    config.update(overrides or {})
    _check(config)
    return config


def _check(config: dict[str, Any]) -> None:
    if config["HOATOC_ENV"] not in ("production", "development", "testing"):
        raise ConfigError("HOATOC_ENV must be production, development or testing")
    # Command-line tools sign nothing; a server that signs sessions with a known key is an open door.
    serving = not config.get("HOATOC_CLI")
    if serving and config["HOATOC_ENV"] == "production" and config["SECRET_KEY"] in (DEV_SECRET, "", None):
        raise ConfigError("HOATOC_SECRET_KEY must be set to a long random value in production")
    from app.s10 import S10Error, check_prefix

    try:
        check_prefix(str(config["SERIAL_PREFIX"]))
    except S10Error as exc:
        raise ConfigError(f"HOATOC_SERIAL_PREFIX: {exc}") from exc
