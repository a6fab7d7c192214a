"""The acting user at the request edge. Only routes read this; services get the user as an argument."""

from __future__ import annotations

from flask import Flask, Request, current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from app import db
from app.auth.token_cache import TokenCache
from app.errors import Unauthorized, wants_problem
from models import User

login_manager = LoginManager()
csrf = CSRFProtect()
BEARER_USERS_KEY = "hoatoc.bearer_users"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The only API endpoints open without a token (the contract's token exchange, public tracking, the spec).
PUBLIC_API_ENDPOINTS = frozenset({"auth.Tokens", "tracking.Track", "api-docs.openapi_json"})


def bearer_token(req: Request) -> str | None:
    header = req.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


@login_manager.user_loader
def _load_session_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


@login_manager.request_loader
def _load_bearer_user(req: Request) -> User | None:
    raw = bearer_token(req)
    return current_app.extensions[BEARER_USERS_KEY].user(db.session, raw) if raw else None


@login_manager.unauthorized_handler
def _unauthorized():
    if wants_problem():
        raise Unauthorized(_("Sign in or send a valid bearer token."))
    return redirect(url_for("auth_pages.login", next=request.full_path))


def api_actor() -> User:
    """The authenticated user of an API request, or 401."""
    if request.headers.get("Authorization") and bearer_token(request) is None:
        raise Unauthorized(_("Malformed Authorization header: use 'Bearer <token>'."))
    if not current_user.is_authenticated:
        raise Unauthorized(_("Sign in or send a valid bearer token."))
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _check_csrf() -> None:
    # Bearer-token clients (scanners, boards' tools) cannot be forged by a browser; cookie sessions can.
    if request.method in SAFE_METHODS or bearer_token(request):
        return
    if request.path.startswith("/api/") and "session" not in request.cookies:
        return
    csrf.protect()


def _authenticate_api() -> None:
    """Every API request is authenticated before anything reads its body: no token is 401, whatever it sent."""
    if (
        request.path.startswith("/api/v1/")
        and request.endpoint
        and request.endpoint not in PUBLIC_API_ENDPOINTS
    ):
        api_actor()


def _forget_cached_user() -> None:
    # Flask-Login caches the user on the app context; a CLI command or a test that makes several requests
    # within one context must not see the previous request's user.
    g.pop("_login_user", None)


def init_app(app: Flask) -> None:
    app.extensions[BEARER_USERS_KEY] = TokenCache(app.config["TOKEN_CACHE_SECONDS"])
    app.before_request(_forget_cached_user)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.before_request(_authenticate_api)
