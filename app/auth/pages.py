"""Web: sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from app import db
from app.auth.forms import LoginForm
from app.auth.services import authenticate
from app.errors import Unauthorized
from app.extensions import configured_limit, limiter
from models.base import utcnow

bp = Blueprint("auth_pages", __name__)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login is a phishing tool.
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(configured_limit("RATELIMIT_LOGIN"), methods=["POST"])
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = authenticate(
                db.session,
                form.username.data or "",
                form.password.data or "",
                max_failures=config["LOGIN_MAX_FAILURES"],
                lock_minutes=config["LOGIN_LOCK_MINUTES"],
                now=utcnow(),
            )
        except Unauthorized as exc:
            db.session.commit()  # keep the failure count even though the answer is an error
            flash(str(exc.detail), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth_pages.login"))
