"""Web (admins): the administration menu. Only sub-pages whose endpoint is registered are listed."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.auth import policy

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")

# (endpoint, title, what it is for), in menu order; other domains' pages appear once they exist.
SECTIONS = [
    (
        "serial_pages.index",
        _l("Serial number blocks"),
        _l("Tracking numbers left in each block from Vietnam Post"),
    ),
    ("standards_pages.index", _l("Delivery standards"), _l("Hours allowed by urgency and area")),
    ("webhook_pages.index", _l("Webhooks"), _l("Notifications sent to other systems")),
    ("user_pages.index", _l("Users"), _l("Accounts, roles and scopes")),
    ("audit_pages.index", _l("Audit log"), _l("Who changed what, and when")),
    ("duty_pages.index", _l("Duty roster"), _l("Who is on duty at each office")),
]


@bp.route("/")
@login_required
def index() -> str:
    policy.require_admin(current_user)
    endpoints = current_app.view_functions
    links = [(url_for(ep), str(title), str(hint)) for ep, title, hint in SECTIONS if ep in endpoints]
    return render_template("admin/index.html", links=links)
