"""Web: the board of an election body, its dispatch matrices with exports, and its pictures."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from app import db
from app.alerts.present import details
from app.auth.policy import is_admin
from app.board import charts, exports, services, stats
from app.board.report import delivery_report
from app.errors import NotFound
from app.vocabulary import status_label, urgency_label
from labels.reports import render_delivery_report_pdf
from models import Body, Status, User
from models.base import utcnow

bp = Blueprint("board_pages", __name__, url_prefix="/board")


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


@bp.app_template_global()
def status_strip(title: str, counts: dict[str, int], statuses: list[Status]) -> Markup:
    if not any(counts.get(s.value) for s in statuses):
        return Markup('<p class="muted">%s</p>') % _("Nothing here yet.")  # an empty bar says nothing
    segments = [(status_label(s), counts.get(s.value, 0), charts.STATUS_COLOURS[s.value]) for s in statuses]
    return Markup(charts.strip(title, segments))  # noqa: S704 - built by charts.py, every text escaped there


@bp.route("")
@login_required
def board() -> str:
    actor = _actor()
    body = services.board_body(db.session, actor, request.args.get("body"))
    q = (request.args.get("q") or "").strip()[:64]
    alerts = services.open_alerts(db.session, body.code)
    context = {
        "body": body,
        "q": q,
        "counts_sent": services.status_counts(db.session, body.code, services.SENT),
        "counts_received": services.status_counts(db.session, body.code, services.RECEIVED),
        "alerts": alerts,
        "alert_count": services.open_alert_count(db.session, body.code),
        "details": details(db.session, alerts),
        "dispatches": services.recent_dispatches(db.session, body.code),
        "sent": services.consignment_rows(db.session, body.code, services.SENT, q),
        "received": services.consignment_rows(db.session, body.code, services.RECEIVED, q),
        "bodies": _bodies_for(actor),
        "statuses": [s for s in Status if s is not Status.CANCELLED],
        "now": utcnow(),
    }
    template = "board/_live.html" if request.headers.get("X-Partial") == "1" else "board/board.html"
    return render_template(template, **context)


def _bodies_for(actor: User) -> list[Body]:
    if not is_admin(actor):
        return []
    return list(db.session.scalars(select(Body).order_by(Body.kind, Body.name)))


@bp.route("/dispatches/<int:dispatch_id>")
@login_required
def matrix(dispatch_id: int) -> str:
    matrix = services.dispatch_matrix(db.session, _actor(), dispatch_id)
    return render_template("board/matrix.html", matrix=matrix, summary=matrix.summary)


@bp.route("/dispatches/<int:dispatch_id>.<fmt>")
@login_required
def export(dispatch_id: int, fmt: str) -> Response:
    matrix = services.dispatch_matrix(db.session, _actor(), dispatch_id)
    name = f"dispatch-{dispatch_id}"
    if fmt == "csv":
        return _download(exports.matrix_csv(matrix), "text/csv", f"{name}.csv")  # Werkzeug adds the charset
    if fmt == "xlsx":
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return _download(exports.matrix_xlsx(matrix), mimetype, f"{name}.xlsx")
    if fmt == "pdf":
        return _download(
            render_delivery_report_pdf(delivery_report(matrix)), "application/pdf", f"{name}.pdf"
        )
    raise NotFound(_("Unknown export format %(fmt)s.", fmt=fmt))


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/stats")
@login_required
def pictures() -> str:
    body = services.board_body(db.session, _actor(), request.args.get("body"))
    now = utcnow()
    empty = _("Nothing to show yet.")
    on_time = charts.rate_bars(
        _("On-time delivery by destination office (last 90 days)"),
        stats.on_time_by_destination(db.session, body.code, now),
        empty,
    )
    durations = charts.duration_ranges(
        _("Hours from acceptance to delivery: median, 90th percentile, urban standard (dashed)"),
        [
            (urgency_label(u), m, p, s)
            for u, m, p, s in stats.hours_to_delivery_by_urgency(db.session, body.code, now)
        ],
        _("h"),
        empty,
    )
    alerts = charts.line(
        _("Unresolved alerts at the end of each day (last 14 days)"),
        stats.open_alerts_by_day(db.session, body.code, now),
        empty,
    )
    return render_template("board/stats.html", body=body, charts=[on_time, durations, alerts])
