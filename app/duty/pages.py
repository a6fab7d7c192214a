"""Web: the duty roster of an office for a week, adding and removing shifts, copying last week, who is on
duty now anywhere, and the open alerts of the offices where the signed-in person is on duty."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app import db
from app.alerts.present import details
from app.api.schemas import LOCAL_TZ
from app.auth.policy import may_manage_duty
from app.duty import desk, services
from app.duty.forms import ShiftForm
from app.duty.labels import kind_label
from app.duty.schemas import FIRST_DAY, LAST_DAY
from app.duty.week import copy_previous_week, local_midnight, monday_of, week_grid
from app.errors import DomainError, NotFound
from models import Office, OfficeKind, User
from models.base import utcnow
from models.duty import DutyKind

bp = Blueprint("duty_pages", __name__)


def _user() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _default_office(user: User) -> str | None:
    if user.office_code:
        return user.office_code
    # Administrators and boards start at the sorting centre, where operations and leadership sit.
    query = select(Office.code).order_by(Office.kind != OfficeKind.SORTING_CENTRE, Office.code).limit(1)
    return db.session.scalar(query)


def _week_arg(raw: str | None) -> date:
    """The Monday of the week asked for; this week when nothing (or nothing sensible) is asked."""
    try:
        asked = date.fromisoformat(raw) if raw else None
    except ValueError:
        asked = None
    if asked is None or not FIRST_DAY <= asked <= LAST_DAY:
        asked = utcnow().astimezone(LOCAL_TZ).date()
    return monday_of(asked)


def _new_shift_form(office: Office, monday: date) -> ShiftForm:
    form = ShiftForm()
    form.user.choices = _people_choices(office.code)
    if not form.is_submitted():
        form.office.data, form.week.data = office.code, monday.isoformat()
        start = max(
            local_midnight(monday), utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        )
        form.starts_at.data = start.astimezone(LOCAL_TZ).replace(tzinfo=None)
        form.ends_at.data = (start + timedelta(hours=8)).astimezone(LOCAL_TZ).replace(tzinfo=None)
    return form


def _people_choices(office_code: str) -> list[SelectChoice]:
    choices = []
    for person, leadership_only in services.eligible_people(db.session, office_code):
        label = f"{person.full_name or person.username} ({person.username})"
        if leadership_only:
            label += " — " + _("leadership duty only")
        choices.append(SelectChoice(person.username, label))
    return choices


def _render(office: Office, monday: date, form: ShiftForm, status: int = 200) -> tuple[str, int]:
    user, now = _user(), utcnow()
    mine = desk.my_shifts_now(db.session, user, now)
    answering = desk.offices_answered_for(db.session, mine, now)
    alerts = desk.open_alerts_at(db.session, answering)
    q = (request.args.get("q") or "").strip()[:100]
    context: dict[str, Any] = {
        "office": office,
        "offices": db.session.scalars(select(Office).order_by(Office.code)).all(),
        "week": week_grid(db.session, office, monday),
        "can_manage": may_manage_duty(user, office.code),
        "form": form,
        "now": now,
        "my_shifts": mine,
        "answering": answering,
        "alerts": alerts,
        "details": details(db.session, alerts),
        "alerts_page": "alert_pages.index" in current_app.view_functions,
        "q": q,
        "on_duty": desk.on_duty_now(db.session, q or office.code, now),
        "kind_label": kind_label,
        "kinds": list(DutyKind),
        "today": now.astimezone(LOCAL_TZ).date(),
        "day_label": lambda day: format_date(day, "EEE dd/MM"),
    }
    return render_template("duty/index.html", **context), status


def _office_or_404(code: str | None) -> Office:
    office = db.session.get(Office, code) if code else None
    if office is None:
        raise NotFound(_("No post office with code %(code)s.", code=code or ""))
    return office


@bp.route("/duty")
@login_required
def index() -> tuple[str, int]:
    office = _office_or_404(request.args.get("office") or _default_office(_user()))
    monday = _week_arg(request.args.get("week"))
    return _render(office, monday, _new_shift_form(office, monday))


@bp.route("/duty/shifts", methods=["POST"])
@login_required
def add_shift() -> tuple[str, int] | Response:
    office = _office_or_404(request.form.get("office"))
    monday = _week_arg(request.form.get("week"))
    form = _new_shift_form(office, monday)
    if not form.validate() or not all(_in_range(f.data) for f in (form.starts_at, form.ends_at)):
        flash(_("Check the fields marked below."), "error")
        return _render(office, monday, form, 422)
    try:
        services.create_shift(
            db.session,
            _user(),
            office_code=office.code,
            username=form.user.data or "",
            kind=DutyKind(form.kind.data),
            starts_at=_aware(form.starts_at.data),
            ends_at=_aware(form.ends_at.data),
            note=(form.note.data or "").strip() or None,
        )
    except DomainError as exc:
        db.session.rollback()
        _flash_error(exc)
        return _render(office, monday, form, exc.status)
    flash(_("Shift added."), "success")
    return _back(office.code, monday)


def _in_range(value: datetime | None) -> bool:
    return value is not None and FIRST_DAY <= value.date() <= LAST_DAY


def _aware(value: datetime | None) -> datetime:
    # The form's times are Vietnam time without an offset.
    assert value is not None  # DataRequired
    return value.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


def _flash_error(exc: DomainError) -> None:
    messages = [m for msgs in exc.errors.values() for m in msgs]
    flash(str(exc.detail or exc.title) if not messages else " ".join(dict.fromkeys(messages)), "error")


def _back(office_code: str, monday: date) -> Response:
    return redirect(url_for("duty_pages.index", office=office_code, week=monday.isoformat()))


@bp.route("/duty/shifts/<int:shift_id>/delete", methods=["POST"])
@login_required
def delete_shift(shift_id: int) -> Response:
    shift = services.get_shift(db.session, shift_id)
    office_code, monday = shift.office_code, _week_arg(request.form.get("week"))
    try:
        services.delete_shift(db.session, _user(), shift)
    except DomainError as exc:
        db.session.rollback()
        _flash_error(exc)
        return _back(office_code, monday)
    flash(_("Shift removed."), "success")
    return _back(office_code, monday)


@bp.route("/duty/copy-week", methods=["POST"])
@login_required
def copy_week() -> Response:
    office = _office_or_404(request.form.get("office"))
    monday = _week_arg(request.form.get("week"))
    try:
        result = copy_previous_week(db.session, _user(), office.code, monday)
    except DomainError as exc:
        db.session.rollback()
        _flash_error(exc)
        return _back(office.code, monday)
    flash(
        _(
            "%(copied)d shifts copied from last week, %(skipped)d skipped.",
            copied=result.copied,
            skipped=result.skipped,
        ),
        "success",
    )
    return _back(office.code, monday)
