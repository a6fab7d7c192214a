"""Web (admins): serial blocks with what each has left, warnings under 10 %, and adding a block."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import db
from app.auth import policy
from app.errors import Conflict, Invalid
from app.serials import services

bp = Blueprint("serial_pages", __name__, url_prefix="/admin/serials")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> str | Response | tuple[str, int]:
    policy.require_admin(current_user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            block = services.add_block(
                db.session,
                current_user,
                request.form.get("prefix", ""),
                _int(request.form.get("first")),
                _int(request.form.get("last")),
                request.form.get("country", "VN") or "VN",
            )
        except (Invalid, Conflict) as exc:
            errors = exc.errors or {"prefix": [str(exc.detail)]}
        else:
            flash(_("Block %(prefix)s %(first)d–%(last)d added.", prefix=block.prefix, first=block.first_serial,
                    last=block.last_serial), "success")  # fmt: skip
            return redirect(url_for("serial_pages.index"))
    usages = services.block_usages(db.session)
    status = 422 if errors else 200
    return render_template("serials/index.html", usages=usages, errors=errors, form=request.form), status


def _int(text: str | None) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return -1  # refused by the service with a message naming the field
