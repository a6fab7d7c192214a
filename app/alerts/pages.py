"""Web: the alerts page (open first, filters, acknowledge, refreshed every 30 seconds)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import db
from app.alerts import services
from app.alerts.present import present
from app.api.pagination import paginate
from app.auth import policy
from app.errors import Conflict, Forbidden, NotFound
from app.vocabulary import flag_label
from models import AlertKind, AlertState, Role, User
from models.base import utcnow

bp = Blueprint("alert_pages", __name__, url_prefix="/alerts")

PER_PAGE = 100
# The page's state filter: "unresolved" (the default) is open and acknowledged together.
STATE_FILTERS = {
    "unresolved": [AlertState.OPEN.value, AlertState.ACKNOWLEDGED.value],
    "open": [AlertState.OPEN.value],
    "acknowledged": [AlertState.ACKNOWLEDGED.value],
    "resolved": [AlertState.RESOLVED.value],
    "all": None,
}


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _filters() -> dict[str, Any]:
    state = request.args.get("state", "unresolved")
    kind = request.args.get("kind") or None
    page = request.args.get("page", "1")
    return {
        "state": state if state in STATE_FILTERS else "unresolved",
        "kind": kind if kind in {k.value for k in AlertKind} else None,
        "page": int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1,
    }


def _listing(actor: User, filters: dict[str, Any]) -> dict[str, Any]:
    query = services.alerts_query(
        db.session, actor, states=STATE_FILTERS[filters["state"]], kind=filters["kind"]
    )
    page = paginate(db.session, query, filters["page"], PER_PAGE)
    page["items"] = present(db.session, page["items"], utcnow())
    return page


@bp.route("")
@login_required
def index() -> str:
    actor = _actor()
    filters = _filters()
    listing = _listing(actor, filters)
    template = "alerts/_list.html" if request.headers.get("X-Partial") == "1" else "alerts/index.html"
    return render_template(
        template,
        listing=listing,
        filters=filters,
        kinds=[(k.value, flag_label(k)) for k in AlertKind],
        states=_state_labels(),
        is_admin=policy.is_admin(actor),
        takes_on_for_the_post=actor.role != Role.BOARD,
        now=utcnow(),
    )


def _state_labels() -> list[tuple[str, str]]:
    return [
        ("unresolved", _("Not resolved (open and acknowledged)")),
        ("open", _("Open (not acknowledged)")),
        ("acknowledged", _("Acknowledged")),
        ("resolved", _("Resolved")),
        ("all", _("All")),
    ]


@bp.route("/<int:alert_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(alert_id: int) -> Response:
    note = (request.form.get("note") or "").strip()[:1000] or None
    try:
        alert = services.acknowledge(db.session, _actor(), alert_id, note)
    except (Conflict, Forbidden, NotFound) as exc:
        db.session.rollback()
        flash(str(exc.detail or exc.title), "error")
    else:
        db.session.commit()
        flash(_("Alert %(id)s acknowledged: colleagues see that you are on it.", id=alert.id), "success")
    return redirect(url_for("alert_pages.index", **_back_args()))


def _back_args() -> dict[str, str]:
    return {k: v for k in ("state", "kind", "page") if (v := request.form.get(k) or "")}
