"""Web forms as API bodies: the registration form becomes a dispatch request, validated by the same schema.

There is one validation path for every way in (API, CSV, web form): the form only translates its
fields into the request body and the schema's field paths back into what the person filled in.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from app.auth import policy
from app.consignments.vocab import BODY_KIND
from models import Body, BodyKind, Office, OfficeKind, Role, User

FIELD_LABELS = {
    "sender": _l("Sender"),
    "origin": _l("Handed in at"),
    "recipients": _l("Recipients"),
    "document.number": _l("Document number"),
    "document.date": _l("Document date"),
    "document.title": _l("Title"),
    "urgency": _l("Urgency"),
    "deliver_by": _l("Deliver by (Hẹn giờ)"),
    "confidentiality": _l("Classification"),
    "pieces": _l("Pieces"),
    "weight_g": _l("Weight (g)"),
    "reference": _l("Form"),
}
_FORM_KEY = re.compile(r"web-[0-9a-f]{32}")


@dataclass
class Choices:
    """What the registration form offers to this user."""

    bodies_by_kind: list[tuple[str, list[Body]]]
    offices: list[Office]
    fixed_sender: Body | None
    fixed_origin: Office | None
    commune_codes: list[str] = field(default_factory=list)


def choices(session: Session, actor: User) -> Choices:
    bodies = list(session.scalars(select(Body).order_by(Body.kind, Body.name)))
    groups: dict[str, list[Body]] = {}
    for body in bodies:
        groups.setdefault(body.kind.value, []).append(body)
    ordered = [(kind, groups[kind]) for kind in BODY_KIND if kind in groups]
    offices = list(session.scalars(select(Office).order_by(Office.code)))
    counter = policy.counter_office(actor)
    return Choices(
        bodies_by_kind=ordered,
        offices=[o for o in offices if o.kind == OfficeKind.POST_OFFICE]
        + [o for o in offices if o.kind != OfficeKind.POST_OFFICE],
        fixed_sender=actor.body if actor.role == Role.BOARD else None,
        fixed_origin=next((o for o in offices if o.code == counter), None) if counter else None,
        commune_codes=[b.code for b in groups.get(BodyKind.COMMUNE_COMMISSION.value, [])],
    )


def new_form_key() -> str:
    """A fresh key per form shown: posting the same form twice registers once (the dispatch reference)."""
    return f"web-{uuid.uuid4().hex}"


def posted_form_key(form: MultiDict[str, str]) -> str | None:
    """The key of the form sent, if it is one this service made (it becomes part of references)."""
    key = form.get("form_key", "")
    return key if _FORM_KEY.fullmatch(key) else None


def dispatch_body(form: MultiDict[str, str], actor: User, options: Choices) -> dict[str, Any]:
    """The POST /api/v1/dispatches body this form stands for (empty fields left out)."""
    recipients: list[Any] = list(dict.fromkeys(c for c in form.getlist("recipients") if c))
    if form.get("all_communes"):
        recipients += [c for c in options.commune_codes if c not in recipients]
    other = {k: form.get(f"other_{k}", "").strip() for k in ("name", "address", "office")}
    if other["name"] or other["office"]:
        recipients.append({k: v for k, v in other.items() if v})
    body: dict[str, Any] = {
        "sender": options.fixed_sender.code if options.fixed_sender else form.get("sender", ""),
        "origin": options.fixed_origin.code if options.fixed_origin else form.get("origin", ""),
        "recipients": recipients,
        "document": {k: form.get(f"document_{k}", "") for k in ("number", "date", "title")},
        "urgency": form.get("urgency", ""),
        "deliver_by": form.get("deliver_by", ""),
        "confidentiality": form.get("confidentiality", ""),
        "pieces": form.get("pieces", ""),
        "weight_g": form.get("weight_g", ""),
        "reference": form.get("form_key", ""),
    }
    body["document"] = {k: v for k, v in body["document"].items() if v.strip()}
    return {k: v for k, v in body.items() if not (isinstance(v, str) and not v.strip())}


def error_lines(
    errors: dict[str, list[str]], body: dict[str, Any], bodies: dict[str, Body]
) -> list[tuple[str, str]]:
    """(what the person filled in, messages) for each error path of the request body."""
    lines = []
    recipients = body.get("recipients") or []
    for path, messages in errors.items():
        head, _dot, rest = path.partition(".")
        if head == "recipients" and rest[:1].isdigit():
            index = int(rest.split(".")[0])
            spec = recipients[index] if index < len(recipients) else None
            label = _recipient_label(spec, bodies)
        else:
            label = str(FIELD_LABELS.get(path, FIELD_LABELS.get(head, path)))
        lines.append((label, "; ".join(messages)))
    return lines


def _recipient_label(spec: Any, bodies: dict[str, Body]) -> str:
    if isinstance(spec, str):
        body = bodies.get(spec)
        name = f"{body.name} ({spec})" if body else spec
        return _("Recipient %(name)s", name=name)
    if isinstance(spec, dict):
        return _("Recipient %(name)s", name=spec.get("name") or spec.get("office") or "?")
    return _("Recipient")
