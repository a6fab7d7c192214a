"""API: duty rosters. Any signed-in user may read them; an office's clerks and admins change them."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app import db
from app.api.pagination import paginate
from app.auth.current import api_actor
from app.duty import services
from app.duty.coverage import find_gaps
from app.duty.schemas import (
    CopyResultSchema,
    CopyWeekBody,
    DutyQuery,
    DutyShiftBody,
    DutyShiftPageSchema,
    DutyShiftSchema,
    GapPageSchema,
    GapQuery,
)
from app.duty.week import copy_previous_week, monday_of
from app.errors import Invalid
from models import Office
from models.base import utcnow
from models.duty import DutyKind, DutyShift

blp = Blueprint(
    "duty",
    __name__,
    url_prefix="/api/v1/duty",
    description="Duty rosters: who is on leadership, operations or shift duty at each office. Shifts are"
    " half-open [starts_at, ends_at): at the instant one ends and the next starts, only the next is on duty.",
)


@blp.route("")
class Duty(MethodView):
    @blp.arguments(DutyQuery, location="query")
    @blp.response(200, DutyShiftPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Who is on duty at `at` (default now), or the shifts overlapping [from, to)."""
        api_actor()
        start, end = query.get("from_"), query.get("to")
        at = query.get("at") or (utcnow() if start is None and end is None else None)
        kind = DutyKind(query["kind"]) if query.get("kind") else None
        select_ = services.shifts_query(
            office=query.get("office"), at=at, start=start, end=end, kind=kind, username=query.get("user")
        )
        return paginate(db.session, select_, query["page"], query["per_page"])

    @blp.arguments(DutyShiftBody)
    @blp.response(201, DutyShiftSchema)
    def post(self, body: dict[str, Any]) -> DutyShift:
        """Put a person on duty. Admins anywhere; a clerk on its own office's roster. The person must be
        an active clerk of that office or an admin; for leadership duty, a clerk of its sorting centre too.
        409 when exactly this shift is already entered."""
        return services.create_shift(
            db.session,
            api_actor(),
            office_code=body["office"],
            username=body["user"],
            kind=DutyKind(body["kind"]),
            starts_at=body["starts_at"],
            ends_at=body["ends_at"],
            note=body.get("note"),
        )


@blp.route("/<int:shift_id>")
class DutyDetail(MethodView):
    @blp.response(200, DutyShiftSchema)
    def get(self, shift_id: int) -> DutyShift:
        api_actor()
        return services.get_shift(db.session, shift_id)

    @blp.response(204)
    def delete(self, shift_id: int) -> None:
        """Take a shift off the roster (audited). 409 once it has ended: past duty stays on the record."""
        actor = api_actor()
        services.delete_shift(db.session, actor, services.get_shift(db.session, shift_id))


@blp.route("/gaps")
class Gaps(MethodView):
    @blp.arguments(GapQuery, location="query")
    @blp.response(200, GapPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Per office and kind, the intervals in [from, to) (at most 31 days) that nobody covers.

        `required` tells the duty an office must have: shift duty everywhere, and operations and
        leadership duty at sorting centres (they answer for the offices under them)."""
        api_actor()
        offices = [query["office"]] if query.get("office") else None
        if offices and db.session.get(Office, offices[0]) is None:
            # "No gaps" for a mistyped office would read as "fully covered".
            raise Invalid(errors={"query.office": _("Unknown office.")})
        kinds = [DutyKind(query["kind"])] if query.get("kind") else None
        gaps = find_gaps(db.session, query["from_"], query["to"], offices, kinds)
        if "required" in query:
            gaps = [g for g in gaps if g.required == query["required"]]
        page, per_page = query["page"], query["per_page"]
        items = gaps[(page - 1) * per_page : page * per_page]
        return {"items": items, "page": page, "per_page": per_page, "total": len(gaps)}


@blp.route("/copy-week")
class CopyWeek(MethodView):
    @blp.arguments(CopyWeekBody)
    @blp.response(200, CopyResultSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Copy the previous week's shifts of an office into the week of `week`, 7 days later,
        skipping shifts already there and people who may no longer hold them."""
        monday = monday_of(body["week"])
        result = copy_previous_week(db.session, api_actor(), body["office"], monday)
        return {"week": monday, "copied": result.copied, "skipped": result.skipped}
