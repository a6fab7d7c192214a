"""Hỏa tốc: priority postal tracking of election documents.

``create_app`` builds the Flask service; each domain is a package with the same file names
(``routes.py`` for the API, ``pages.py`` for web pages, ``schemas.py``, ``services.py``).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from app import db as db  # re-exported: ``from app import db`` then ``db.session``
from app.config import load_config


class Service(Flask):
    """Flask, remembering which hooks and views are plain functions.

    Flask asks ``ensure_sync`` of every before/after-request hook, teardown and view on every request (about
    twenty here), and each answer inspects the function's code flags; the answer never changes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        try:
            return self._sync[func]
        except KeyError:
            self._sync[func] = synced = super().ensure_sync(func)
            return synced
        except TypeError:  # an unhashable callable: ask Flask every time
            return super().ensure_sync(func)


class _CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building a signer for requests that carry no session cookie
    (scanners, public tracking, every API client with a bearer token): their session starts empty anyway."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Service(__name__, instance_relative_config=True)
    app.session_interface = _CookieSessions()
    app.config.update(load_config(app.instance_path, config))
    _ensure_instance_dir(app)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(logging.INFO)

    from app import edge, errors, i18n
    from app.api import core
    from app.auth import current
    from app.extensions import init_limiter

    db.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    current.init_app(app)
    init_limiter(app)
    core.init_app(app, _api_blueprints())
    for blueprint in _page_blueprints():
        app.register_blueprint(blueprint)
    edge.init_app(app)
    from app.tracking.fastpath import PublicLookupFront

    # Inside ProxyFix (below): the front counts the limit by the client's address.
    app.wsgi_app = PublicLookupFront(app, app.wsgi_app)  # type: ignore[method-assign]
    if app.config["PROXY_HOPS"]:
        # Behind nginx or a load balancer: client addresses (rate limits, logs) come from X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _ensure_instance_dir(app: Flask) -> None:
    from pathlib import Path

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def _domain_modules(name: str) -> list[Any]:
    """``app.<domain>.<name>`` for every domain package that has one, in a stable order."""
    import importlib
    import importlib.util
    import pkgutil

    import app as package

    modules = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.ispkg and importlib.util.find_spec(f"app.{info.name}.{name}") is not None:
            modules.append(importlib.import_module(f"app.{info.name}.{name}"))
    return modules


def _api_blueprints() -> list[Any]:
    # Each domain's routes.py exposes ``blp`` (a flask-smorest Blueprint).
    return [m.blp for m in _domain_modules("routes")]


def _page_blueprints() -> list[Any]:
    # Each domain's pages.py exposes ``bp`` (a Flask Blueprint of web pages).
    return [m.bp for m in _domain_modules("pages")]
