"""Web: inquiries on one page, open ones first with their deadline counting down, an answer form for those
the person may answer, and a form to ask about a consignment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import db
from app.api.pagination import paginate
from app.auth.policy import may_answer_inquiry, may_ask_about_consignments
from app.errors import DomainError, Invalid
from app.i18n import local_time
from app.inquiries import services
from models import User
from models.base import utcnow
from models.inquiries import MAX_TEXT, InquiryState

bp = Blueprint("inquiry_pages", __name__)
PER_PAGE = 50
MAX_PAGE = 1_000_000  # beyond, the SQL offset would overflow
FILTERS = ("all", "open", "answered")


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def duration_text(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} {_('min')}"
    return f"{hours} {_('h')} {rest:02d} {_('min')}"


def countdown_text(due_at: datetime, now: datetime) -> str:
    left = (due_at - now).total_seconds()
    if left > 0:
        return _("%(time)s left", time=duration_text(left))
    return _("overdue by %(time)s", time=duration_text(left))


def _render(status: int = 200, **extra: Any) -> tuple[str, int]:
    user, now = _user(), utcnow()
    state = request.args.get("state", "all")
    state = state if state in FILTERS else "all"
    tracking = (request.args.get("tracking") or "").strip()
    consignment_id = None
    if tracking:
        try:
            consignment_id = services.visible_consignment(db.session, user, tracking).id
        except DomainError as exc:
            flash(str(exc.detail or exc.title), "error")
            tracking, consignment_id = "", -1
    query = services.inquiries_query(
        user, None if state == "all" else InquiryState(state), None, consignment_id
    )
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    context: dict[str, Any] = {
        "listing": paginate(db.session, query, page, PER_PAGE),
        "state": state,
        "filters": FILTERS,
        "tracking": tracking,
        "now": now,
        "countdown": lambda due: countdown_text(due, now),
        "may_answer": lambda inquiry: may_answer_inquiry(user, inquiry),
        "may_ask": may_ask_about_consignments(user),
        "max_text": MAX_TEXT,
        "ask": {"tracking": tracking, "question": ""},
        "drafts": {},
    }
    context.update(extra)
    return render_template("inquiries/index.html", **context), status


@bp.route("/inquiries")
@login_required
def index() -> tuple[str, int]:
    return _render()


@bp.route("/inquiries", methods=["POST"])
@login_required
def ask() -> tuple[str, int] | Response:
    tracking = (request.form.get("tracking") or "").strip()
    question = (request.form.get("question") or "").strip()
    try:
        inquiry = services.open_inquiry(db.session, _user(), tracking, question)
    except DomainError as exc:
        db.session.rollback()
        _flash(exc)
        return _render(exc.status, ask={"tracking": tracking, "question": question})
    flash(
        _(
            "Your question was sent to office %(office)s; answer due by %(due)s.",
            office=inquiry.office_code,
            due=local_time(inquiry.due_at),
        ),
        "success",
    )
    return redirect(url_for("inquiry_pages.index", tracking=inquiry.consignment.tracking))


@bp.route("/inquiries/<int:inquiry_id>/answer", methods=["POST"])
@login_required
def answer(inquiry_id: int) -> tuple[str, int] | Response:
    text = (request.form.get("answer") or "").strip()
    try:
        services.answer_inquiry(db.session, _user(), inquiry_id, text)
    except DomainError as exc:
        db.session.rollback()
        _flash(exc)
        return _render(exc.status, drafts={inquiry_id: text})
    flash(_("Answer sent."), "success")
    return redirect(url_for("inquiry_pages.index", state=request.args.get("state", "all")))


def _flash(exc: DomainError) -> None:
    messages = [m for msgs in exc.errors.values() for m in msgs] if isinstance(exc, Invalid) else []
    flash(" ".join(dict.fromkeys([str(exc.detail or exc.title), *messages])), "error")
