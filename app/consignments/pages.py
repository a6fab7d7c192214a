"""Web: register (one document to many bodies), list, follow and cancel consignments, import a CSV file."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from app import db, s10
from app.api.pagination import paginate
from app.auth import policy
from app.consignments import drafts, forms, imports, present, queries, services, vocab
from app.consignments.schemas import FLAGS, DispatchIn
from app.errors import Forbidden, Invalid
from models import Role, Status
from models.base import utcnow

bp = Blueprint("consignment_pages", __name__)
PER_PAGE = 50
MAX_PAGE = 1_000_000  # beyond any real list; keeps the SQL offset within range


@bp.app_template_filter("tracking_group")
def _tracking_group(tracking: str) -> str:
    return s10.group(tracking)


@bp.app_context_processor
def _vocabulary() -> dict[str, Any]:
    return {"consignment_words": vocab}


def _require_registrar() -> None:
    if not policy.may_register_consignments(current_user):
        raise Forbidden(_("Your role may not register consignments."))


@bp.route("/consignments/new", methods=["GET", "POST"])
@login_required
def new() -> str | Response | tuple[str, int]:
    """One document to one or many recipients; the numbers are shown on the dispatch page afterwards."""
    _require_registrar()
    options = forms.choices(db.session, current_user)
    if request.method == "GET":
        return render_template("consignments/new.html", options=options, form={}, chosen=set(),
                               errors=[], form_key=forms.new_form_key())  # fmt: skip
    body = forms.dispatch_body(request.form, current_user, options)
    try:
        data = _load_dispatch(body)
        result = services.register_dispatch(db.session, current_user, data, prefix=_prefix())
    except Invalid as exc:
        errors = exc.errors
        bodies = {b.code: b for _kind, group in options.bodies_by_kind for b in group}
        chosen = {r for r in body.get("recipients", []) if isinstance(r, str)}
        return render_template(
            "consignments/new.html",
            options=options,
            form=request.form,
            chosen=chosen,
            errors=forms.error_lines(errors, body, bodies),
            form_key=request.form.get("form_key") or forms.new_form_key(),
        ), 422
    count = len(result.items)
    if result.created:
        flash(_("%(n)d consignment(s) registered.", n=count), "success")
    else:
        flash(_("This form was already sent: here is what it registered."), "info")
    return redirect(url_for("consignment_pages.dispatch", dispatch_id=result.dispatch.id))


def _load_dispatch(body: dict[str, Any]) -> dict[str, Any]:
    """The form as a dispatch request; Invalid naming every field wrong, not one group per attempt."""
    errors: dict[str, list[str]] = {}
    try:
        data: dict[str, Any] = DispatchIn().load(body)
    except ValidationError as exc:
        errors = drafts.every_error(db.session, current_user, exc, "recipients", utcnow())
    if not body.get("recipients"):
        errors["recipients"] = [_("Choose at least one recipient.")]
    if errors:
        raise Invalid(_("Nothing was registered: fix the fields listed."), errors)
    return data


@bp.route("/dispatches/<int:dispatch_id>")
@login_required
def dispatch(dispatch_id: int) -> str:
    found, consignments = queries.get_dispatch(db.session, current_user, dispatch_id)
    view = present.dispatch_out(current_user, found, consignments)
    may_print = "label_pages.station" in current_app.view_functions and any(
        policy.may_print_at_office(current_user, c.origin_code) for c in consignments
    )
    return render_template("consignments/dispatch.html", dispatch=view, may_print=may_print,
                           may_register=_on_sending_side(found.sender_code))  # fmt: skip


def _on_sending_side(sender_code: str) -> bool:
    """'Register another document' is for who sends such documents: the sender's board and counter clerks,
    not a recipient (to whom 'another' means nothing) nor the label station."""
    return policy.may_register_consignments(current_user) and (
        policy.may_act_for_body(current_user, sender_code) or policy.counter_office(current_user) is not None
    )


@bp.route("/consignments")
@login_required
def index() -> str | Response:
    filters = _list_filters()
    query = queries.list_query(db.session, current_user, filters)
    page = paginate(db.session, query, filters["page"], PER_PAGE)
    pages = max(1, -(-page["total"] // PER_PAGE))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    if filters["page"] > pages:  # past the end (an old link, a list that shrank): the last page instead
        return redirect(url_for("consignment_pages.index", page=pages, **args))
    items = present.list_out(db.session, current_user, page["items"])
    return render_template("consignments/index.html", items=items, page=page, pages=pages, args=args,
                           statuses=list(Status), flags=FLAGS, filters=filters)  # fmt: skip


def _list_filters() -> dict[str, Any]:
    args = request.args
    filters: dict[str, Any] = {"q": args.get("q", "").strip()[:64] or None}
    status, flag = args.get("status", ""), args.get("flag", "")
    filters["status"] = [status] if status in {s.value for s in Status} else None
    filters["flag"] = [flag] if flag in FLAGS else None
    dispatch_id = args.get("dispatch", "")
    filters["dispatch"] = int(dispatch_id) if dispatch_id.isdigit() and int(dispatch_id) < 2**31 else None
    direction = args.get("direction")
    if current_user.role == Role.BOARD and direction in ("sent", "received"):
        filters["sender" if direction == "sent" else "recipient"] = current_user.body_code
    page = args.get("page", "1")
    filters["page"] = int(page) if page.isdigit() and 0 < int(page) <= MAX_PAGE else 1
    return filters


@bp.route("/consignments/<tracking>")
@login_required
def detail(tracking: str) -> str | Response:
    consignment = queries.get_visible(db.session, current_user, tracking)
    if tracking != consignment.tracking:
        return redirect(url_for("consignment_pages.detail", tracking=consignment.tracking))
    view = present.consignment_out(db.session, current_user, consignment)
    may_cancel = consignment.status == Status.REGISTERED and policy.may_cancel_consignment(
        current_user, consignment
    )
    return render_template(
        "consignments/detail.html", c=view, may_cancel=may_cancel, classified=consignment.classified
    )


@bp.route("/consignments/<tracking>/cancel", methods=["POST"])
@login_required
def cancel(tracking: str) -> Response:
    reason = request.form.get("reason", "").strip()[:500] or None
    consignment = services.cancel_consignment(db.session, current_user, tracking, reason)
    flash(_("Registration %(tracking)s cancelled.", tracking=s10.group(consignment.tracking)), "success")
    return redirect(url_for("consignment_pages.detail", tracking=consignment.tracking))


@bp.route("/consignments/import", methods=["GET", "POST"])
@login_required
def upload() -> str | tuple[str, int]:
    _require_registrar()
    options = forms.choices(db.session, current_user)
    form_key = forms.posted_form_key(request.form)
    context: dict[str, Any] = {"options": options, "errors": [], "result": None, "form": request.form,
                               "form_key": form_key or forms.new_form_key(), "advice": None}  # fmt: skip
    if request.method == "GET":
        return render_template("consignments/import.html", **context)
    file = request.files.get("file")
    try:
        if file is None or not file.filename:
            raise Invalid(errors={"file": [_("Choose a CSV file.")]})
        context["result"] = imports.import_csv(
            db.session,
            current_user,
            file.read(),
            sender=request.form.get("sender") or None,
            origin=request.form.get("origin") or None,
            prefix=_prefix(),
            form_key=form_key,
        )
    except Invalid as exc:
        context["errors"] = _import_errors(exc)  # nothing registered: the same key may be sent again
        context["advice"] = _file_advice(exc, context["errors"])
        return render_template("consignments/import.html", **context), 422
    context["form_key"] = forms.new_form_key()  # the form shown below the result is a new import
    return render_template("consignments/import.html", **context)


def _import_errors(exc: Invalid) -> list[tuple[str, str, str]]:
    """(row, column, messages), in row order: 'row 7.recipient' -> ('7', 'recipient', ...).

    A column of the file keeps its name (the person typed it in the header); the other places are words.
    """
    places = {"file": _("File"), "header": _("Header row"), "row": _("Whole row")}
    lines = []
    for path, messages in exc.errors.items():
        place, _dot, column = path.partition(".")
        row = place[4:] if place.startswith("row ") else ""
        column = column or ("" if row else place)
        lines.append((row, places.get(column, column), "; ".join(messages)))
    lines.sort(key=lambda line: (int(line[0]) if line[0].isdigit() else 0, line[1]))
    if not lines and exc.detail:
        lines.append(("", "", str(exc.detail)))
    return lines


def _file_advice(exc: Invalid, lines: list[tuple[str, str, str]]) -> str | None:
    """What to do about a file refused as a whole (not UTF-8, a wrong header): the problem's detail, which
    the API gives too. Row errors speak for themselves."""
    if any(row for row, _column, _message in lines) or not exc.detail:
        return None
    return str(exc.detail)


def _prefix() -> str:
    return str(current_app.config["SERIAL_PREFIX"])
