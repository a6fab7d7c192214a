from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, current_app, redirect, render_template, request
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import db
from app.alerts.services import open_alert_count
from app.i18n import LANGUAGES, current_language
from app.vocabulary import template_helpers
from app.web.nav import nav_links, pages_for, role_label

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index() -> str:
    user = current_user._get_current_object()
    pages = pages_for(user)
    # The one number worth reading before choosing a page: what is waiting for someone to act.
    sees_alerts = any(page.endpoint == "alert_pages.index" for page in pages)
    alerts = open_alert_count(db.session, user) if sees_alerts else None
    return render_template("home.html", user=user, pages=pages, open_alerts=alerts)


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str) -> Response:
    target = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else "/"
    response = redirect(_without_language_choice(target))
    if code in LANGUAGES:
        response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _without_language_choice(url: str) -> str:
    """The page the choice was made on, without its ``?lang=``: that would win over the new cookie."""
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "lang"]
    return urlunsplit(parts._replace(query=urlencode(query)))


@bp.route("/api/docs")
def api_docs() -> str:
    spec = current_app.extensions["hoatoc.api"].spec.to_dict()
    return render_template("api_docs.html", spec=spec)


@bp.record_once
def _register_template_globals(state) -> None:
    # Globals (not a context processor) so that imported macros see them too.
    state.app.jinja_env.globals.update(template_helpers())


@bp.app_context_processor
def _layout_context() -> dict[str, object]:
    return {
        "languages": LANGUAGES,
        "lang": current_language(),
        "env": current_app.config["HOATOC_ENV"],
        "nav_links": nav_links,
        "role_label": role_label,
    }
