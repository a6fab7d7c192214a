"""Hỏa tốc: priority postal tracking of election documents.

``create_app`` builds the Flask service; each domain is a package with the same file names
(``routes.py`` for the API, ``pages.py`` for web pages, ``schemas.py``, ``services.py``).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from app import db as db  # re-exported: ``from app import db`` then ``db.session``
from app.config import load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(app.instance_path, config))
    _ensure_instance_dir(app)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("app").setLevel(logging.INFO)

    from app import edge, errors, i18n
    from app.api import core
    from app.auth import current
    from app.extensions import limiter

    db.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    current.init_app(app)
    limiter.init_app(app)
    core.init_app(app, _api_blueprints())
    for blueprint in _page_blueprints():
        app.register_blueprint(blueprint)
    edge.init_app(app)
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
