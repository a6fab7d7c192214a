"""Web: the label printing station. Choose, preview, print as PDF or ZPL; reprints need a reason."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from PIL import ImageDraw
from sqlalchemy import Select, or_, select

from app import db, s10
from app.auth.policy import is_admin
from app.errors import Forbidden, Invalid
from app.printing import render, services
from labels import render_labels_pdf
from labels.fonts import pil_font
from models import Consignment, Dispatch, Status, User
from models.prints import LabelPrint

bp = Blueprint("label_pages", __name__, url_prefix="/labels")
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PAGE_LIMIT = 500
# (button value, format, size, dpi, label shown)
CHOICES = {
    "pdf-a6": ("pdf", "a6", 203),
    "pdf-a4": ("pdf", "a4", 203),
    "pdf-100x150": ("pdf", "100x150", 203),
    "zpl-203": ("zpl", "100x150", 203),
    "zpl-300": ("zpl", "100x150", 300),
}


def _actor() -> User:
    actor: User = current_user._get_current_object()  # type: ignore[assignment]
    if not services.may_print_any(actor):
        raise Forbidden(_("Only the label printing station of the origin office prints labels."))
    return actor


def _candidates(actor: User, dispatch: int | None, day: date | None, unprinted: bool, q: str) -> Select:
    query = select(Consignment).where(Consignment.status != Status.CANCELLED)
    if not is_admin(actor):
        query = query.where(Consignment.origin_code == actor.office_code)
    if dispatch:
        query = query.where(Consignment.dispatch_id == dispatch)
    if day:
        start = datetime.combine(day, time.min, LOCAL_TZ)
        query = query.where(
            Consignment.registered_at >= start, Consignment.registered_at < start + timedelta(days=1)
        )
    if unprinted:
        query = query.where(
            ~select(LabelPrint.id).where(LabelPrint.consignment_id == Consignment.id).exists()
        )
    if q:
        try:
            query = query.where(Consignment.tracking == s10.parse(q))
        except s10.S10Error:
            query = query.where(
                or_(Consignment.doc_number.ilike(f"%{q}%"), Consignment.recipient_name.ilike(f"%{q}%"))
            )
    return query.order_by(Consignment.dispatch_id, Consignment.dispatch_position, Consignment.id).limit(
        PAGE_LIMIT
    )


def _parse_day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Invalid(_("Use a date like 2026-03-10."), {"date": _("Not a date.")}) from None


@bp.route("")
@login_required
def station() -> str:
    actor = _actor()
    dispatch = request.args.get("dispatch", type=int)
    day = _parse_day(request.args.get("date"))
    unprinted = request.args.get("unprinted") == "1"
    q = (request.args.get("q") or "").strip()[:64]
    rows = list(db.session.scalars(_candidates(actor, dispatch, day, unprinted, q)))
    copies = services.copies_so_far(db.session, [c.id for c in rows])
    dispatches = db.session.scalars(
        select(Dispatch)
        .where(select(Consignment.id).where(Consignment.dispatch_id == Dispatch.id, *(
            [] if is_admin(actor) else [Consignment.origin_code == actor.office_code]
        )).exists())
        .order_by(Dispatch.created_at.desc())
        .limit(50)
    ).all()  # fmt: skip
    return render_template(
        "printing/station.html", rows=rows, copies=copies, dispatches=dispatches, dispatch=dispatch,
        day=day, unprinted=unprinted, q=q, limit=PAGE_LIMIT,
    )  # fmt: skip


@bp.route("/print", methods=["POST"])
@login_required
def print_selected() -> Response:
    actor = _actor()
    choice = CHOICES.get(request.form.get("output", ""))
    if choice is None:
        raise Invalid(_("Choose how to print."), {"output": _("Unknown output.")})
    options = services.PrintOptions(*choice)
    trackings = request.form.getlist("t")
    consignments = services.consignments_to_print(db.session, actor, trackings)
    reason = (request.form.get("reason") or "").strip()[:500] or None
    copies = services.record_prints(db.session, actor, consignments, options, reason, require_reason=True)
    labels = services.label_data(db.session, consignments, copies, current_app.config["PUBLIC_URL"])
    out, count, warnings = render.render(labels, options)
    response = render.file_response(out, count, warnings, options, "labels")
    response.headers["Content-Disposition"] = response.headers["Content-Disposition"].replace(
        "inline", "attachment"
    )
    return response


@bp.route("/preview/<tracking>.png")
@login_required
def preview(tracking: str) -> Response:
    """A screen preview, marked as such and too coarse to print from; it records nothing."""
    actor = _actor()
    consignment = services.consignment_to_print(db.session, actor, tracking)
    copies = {consignment.id: services.copies_so_far(db.session, [consignment.id]).get(consignment.id, 0) + 1}
    label = next(services.label_data(db.session, [consignment], copies, current_app.config["PUBLIC_URL"]))
    pdf = pdfium.PdfDocument(render_labels_pdf([label], "a6").data)
    image = pdf[0].render(scale=72 / 72).to_pil().convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.text(
        (12, image.height // 2), _("PREVIEW — DO NOT PRINT"), fill=(200, 30, 30), font=pil_font(True, 22)
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    response = Response(buffer.getvalue(), mimetype="image/png")
    response.headers["Cache-Control"] = "no-store"
    return response
