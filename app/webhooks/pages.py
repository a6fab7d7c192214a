"""Web: webhooks and their delivery log (administrators)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import db
from app.auth.policy import require_admin
from app.errors import Invalid, NotFound
from app.webhooks import services
from models import User

bp = Blueprint("webhook_pages", __name__, url_prefix="/webhooks")

LOG_SIZE = 100


def _actor() -> User:
    actor: User = current_user._get_current_object()  # type: ignore[assignment]
    require_admin(actor)
    return actor


def _render(errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    html = render_template(
        "webhooks/index.html",
        webhooks=db.session.scalars(services.webhooks_query()).all(),
        deliveries=db.session.scalars(services.deliveries_query().limit(LOG_SIZE)).all(),
        event_types=services.EVENT_TYPES,
        errors=errors or {},
        form=request.form,
    )
    return html, status


@bp.route("", methods=["GET"])
@login_required
def index() -> tuple[str, int]:
    _actor()
    return _render()


@bp.route("", methods=["POST"])
@login_required
def create() -> Response | tuple[str, int]:
    actor = _actor()
    try:
        services.create_webhook(
            db.session,
            actor,
            (request.form.get("url") or "").strip(),
            request.form.getlist("events"),
            request.form.get("secret") or "",
        )
    except Invalid as exc:
        db.session.rollback()
        flash(str(exc.detail or exc.title), "error")
        return _render(exc.errors, 422)
    db.session.commit()
    flash(_("Webhook added: deliveries start with the next event."), "success")
    return redirect(url_for("webhook_pages.index"))


@bp.route("/<int:webhook_id>/delete", methods=["POST"])
@login_required
def delete(webhook_id: int) -> Response:
    actor = _actor()
    try:
        services.delete_webhook(db.session, actor, webhook_id)
    except NotFound as exc:
        db.session.rollback()
        flash(str(exc.detail), "error")
    else:
        db.session.commit()
        flash(_("Webhook removed; its delivery log is kept."), "success")
    return redirect(url_for("webhook_pages.index"))


@bp.route("/deliveries/<int:delivery_id>")
@login_required
def delivery(delivery_id: int) -> str:
    _actor()
    return render_template(
        "webhooks/delivery.html", delivery=services.delivery_with_attempts(db.session, delivery_id)
    )
