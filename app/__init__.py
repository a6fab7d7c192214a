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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

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
    return app


def _ensure_instance_dir(app: Flask) -> None:
    from pathlib import Path

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def _api_blueprints() -> list[Any]:
    from app.audit.routes import blp as audit
    from app.auth.routes import blp as auth
    from app.reference.routes import blp as reference

    return [auth, reference, audit]


def _page_blueprints() -> list[Any]:
    from app.auth.pages import bp as auth_pages
    from app.web.pages import bp as home

    return [auth_pages, home]
