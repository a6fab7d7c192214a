"""Web: the delivery standards page (administrators change hours, scan gaps and the calendar)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import db
from app.auth.policy import require_admin
from app.errors import Invalid
from app.standards import services
from app.vocabulary import urgency_label
from models import Area, Urgency, User

bp = Blueprint("standards_pages", __name__, url_prefix="/standards")


def _actor() -> User:
    actor: User = current_user._get_current_object()  # type: ignore[assignment]
    require_admin(actor)
    return actor


def _render(errors: dict[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    document = services.standards_document(db.session)
    hours = {(h["urgency"], h["area"]): h["hours"] for h in document["hours"]}
    html = render_template(
        "standards/index.html",
        doc=document,
        hours=hours,
        urgencies=[(u.value, urgency_label(u)) for u in Urgency],
        areas=[(a.value, _area_label(a.value)) for a in Area],
        errors=errors or {},
        holidays_text="\n".join(
            f"{h['date'].isoformat()} {h['name']}" for h in document["calendar"]["holidays"]
        ),
        periods_text="\n".join(
            f"{p['starts_on'].isoformat()} {p['ends_on'].isoformat()} {p['name']}"
            for p in document["calendar"]["election_periods"]
        ),
    )
    return html, status


def _area_label(area: str) -> str:
    return {"urban": _("Urban"), "rural": _("Rural"), "remote": _("Remote and border")}[area]


@bp.route("", methods=["GET"])
@login_required
def index() -> tuple[str, int]:
    _actor()
    return _render()


@bp.route("", methods=["POST"])
@login_required
def save() -> Response | tuple[str, int]:
    actor = _actor()
    section = request.form.get("section", "")
    try:
        changes = _parse(section)
        services.update_standards(db.session, actor, changes)
    except Invalid as exc:
        db.session.rollback()
        flash(str(exc.detail or exc.title), "error")
        return _render(exc.errors, 422)
    db.session.commit()
    flash(_("Delivery standards saved."), "success")
    return redirect(url_for("standards_pages.index"))


def _parse(section: str) -> dict[str, Any]:
    if section == "hours":
        return {"hours": _hours()}
    if section == "scan_gaps":
        return {"scan_gaps": _gaps()}
    if section == "calendar":
        return {"calendar": _calendar()}
    raise Invalid(_("Nothing to save."), {"section": _("Unknown section.")})


def _int(name: str, low: int, high: int, errors: dict[str, str]) -> int:
    raw = (request.form.get(name) or "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors[name] = _("A whole number from %(low)d to %(high)d.", low=low, high=high)
        return low
    return int(raw)


def _hours() -> list[dict[str, Any]]:
    errors: dict[str, str] = {}
    rows = [
        {"urgency": u.value, "area": a.value, "hours": _int(f"hours-{u.value}-{a.value}", 1, 720, errors)}
        for u in Urgency
        for a in Area
    ]
    if errors:
        raise Invalid(_("The delivery standards were not changed."), errors)
    return rows


def _gaps() -> list[dict[str, Any]]:
    errors: dict[str, str] = {}
    rows = [
        {
            "urgency": u.value,
            "stall_hours": _int(f"stall-{u.value}", 1, 720, errors),
            "loss_hours": _int(f"loss-{u.value}", 2, 2160, errors),
        }
        for u in Urgency
    ]
    if errors:
        raise Invalid(_("The delivery standards were not changed."), errors)
    return rows


_HOLIDAY = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(.{1,255})$")
_PERIOD = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{4}-\d{2}-\d{2})\s+(.{1,255})$")


def _calendar() -> dict[str, Any]:
    errors: dict[str, str] = {}
    holidays, periods = [], []
    for number, line in _lines("holidays"):
        match = _HOLIDAY.match(line)
        day = _date(match.group(1)) if match else None
        if day is None:
            errors[f"holidays.{number}"] = _("Line %(n)d: write YYYY-MM-DD and a name.", n=number)
            continue
        holidays.append({"date": day, "name": match.group(2).strip()})
    for number, line in _lines("election_periods"):
        match = _PERIOD.match(line)
        first, last = (_date(match.group(1)), _date(match.group(2))) if match else (None, None)
        if first is None or last is None:
            errors[f"election_periods.{number}"] = _(
                "Line %(n)d: write the first day, the last day and a name.", n=number
            )
            continue
        periods.append({"starts_on": first, "ends_on": last, "name": match.group(3).strip()})
    if errors:
        raise Invalid(_("The delivery standards were not changed."), errors)
    return {
        "weekends_count": request.form.get("weekends_count") == "on",
        "holidays_count": request.form.get("holidays_count") == "on",
        "holidays": holidays,
        "election_periods": periods,
    }


def _lines(name: str) -> list[tuple[int, str]]:
    text = (request.form.get(name) or "")[:20_000]
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
