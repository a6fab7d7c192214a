"""Registering the rows of a CSV file (columns in docs/consignments-csv.md): all or nothing.

Each row goes through the same schema and the same draft builder as the API, so a row is valid in a
file exactly when it would be valid as a request; errors are named ``row N.column`` with N the row
number a spreadsheet shows. Rows whose reference is already registered are reported, not repeated:
importing the same file twice registers nothing the second time. A web form's one-time key gives the
rows without a reference one of their own (``key-row``), so that sending the same form again (the
browser's reload of the result page, a double click) registers nothing twice either.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.services import record
from app.auth import policy
from app.consignments.drafts import Directory, Draft, DraftBuilder
from app.consignments.schemas import ConsignmentIn
from app.consignments.services import by_reference, insert_drafts, replay_visible
from app.csvio import read_csv
from app.errors import Conflict, DomainError, FieldErrors, Forbidden, Invalid, flatten_errors
from models import User
from models.base import utcnow

REQUIRED = ("document_number", "urgency")
OPTIONAL = (
    "recipient", "recipient_name", "recipient_address", "recipient_office", "document_date",
    "document_title", "deliver_by", "confidentiality", "pieces", "weight_g", "reference", "sender", "origin",
)  # fmt: skip
MAX_ROWS = 5_000
MAX_ERRORS = 50
# Spreadsheet users type the Vietnamese words; the API's values are accepted as well.
URGENCY_WORDS = {"hỏa tốc": "flash", "hoả tốc": "flash", "thượng khẩn": "very_urgent", "khẩn": "urgent",
                 "thường": "normal"}  # fmt: skip
CONFIDENTIALITY_WORDS = {"mật": "confidential", "tối mật": "secret", "tuyệt mật": "top_secret",
                         "không": "none", "": "none"}  # fmt: skip
# Field paths of the API body -> CSV column.
COLUMN_OF = {
    "recipient.name": "recipient_name",
    "recipient.address": "recipient_address",
    "recipient.office": "recipient_office",
    "document": "document_number",
    "document.number": "document_number",
    "document.date": "document_date",
    "document.title": "document_title",
    "_schema": "row",
}
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2}))?$")


def import_csv(
    session: Session,
    actor: User | None,
    data: bytes,
    *,
    sender: str | None,
    origin: str | None,
    prefix: str,
    now: datetime | None = None,
    form_key: str | None = None,
) -> dict[str, Any]:
    if actor is not None and not policy.may_register_consignments(actor):
        raise Forbidden(_("Your role may not register consignments."))
    now = now or utcnow()
    parsed = read_csv(data, REQUIRED, OPTIONAL)
    if not parsed.rows:
        raise Invalid(_("The file has no rows to import."), {"file": [_("No rows.")]})
    if len(parsed.rows) > MAX_ROWS:
        raise Invalid(
            _("At most %(n)d rows per file: split it.", n=MAX_ROWS), {"file": [_("Too many rows.")]}
        )
    errors: FieldErrors = {}
    bodies = [_default(row, "sender", sender) for _n, row in parsed.rows]
    bodies += [row.get("recipient", "") for _n, row in parsed.rows]
    offices = [_default(row, "origin", origin) for _n, row in parsed.rows]
    offices += [row.get("recipient_office", "") for _n, row in parsed.rows]
    directory = Directory(session)
    directory.prefetch(bodies, offices)
    builder = DraftBuilder(session, actor, now, directory)
    drafts: list[tuple[int, Draft]] = []
    for number, row in parsed.rows:
        draft = _row_draft(builder, number, row, sender, origin, errors)
        if draft is not None:
            drafts.append((number, draft))
    _check_references(drafts, errors)
    _raise_if_any(errors)
    if form_key:
        _reference_rows_by_form(drafts, form_key)
    return _register(session, actor, drafts, prefix, now, errors)


def _default(row: dict[str, str], column: str, default: str | None) -> str:
    return row.get(column) or default or ""


def _row_draft(
    builder: DraftBuilder,
    number: int,
    row: dict[str, str],
    sender: str | None,
    origin: str | None,
    errors: FieldErrors,
) -> Draft | None:
    body = _row_body(row, sender, origin)
    try:
        loaded = ConsignmentIn().load(body)
        [draft] = builder.build(loaded, [("recipient", loaded["recipient"])])
    except ValidationError as exc:
        _add_row_errors(errors, number, row, flatten_errors(exc.messages))
        return None
    except DomainError as exc:  # Invalid, and Forbidden for a row outside the user's scope
        _add_row_errors(errors, number, row, exc.errors or {"row": [str(exc.detail or exc.title)]})
        return None
    draft.reference = loaded.get("reference")
    return draft


def _row_body(row: dict[str, str], sender: str | None, origin: str | None) -> dict[str, Any]:
    """The API body a row stands for; empty cells are absent fields."""
    if row.get("recipient"):
        recipient: Any = row["recipient"]
    else:
        recipient = {k: row.get(f"recipient_{k}", "") for k in ("name", "address", "office")}
        recipient = {k: v for k, v in recipient.items() if v}
    urgency = row.get("urgency", "")
    body: dict[str, Any] = {
        "sender": _default(row, "sender", sender),
        "origin": _default(row, "origin", origin),
        "recipient": recipient,
        "document": {
            "number": row.get("document_number", ""),
            "date": _iso(row.get("document_date", "")),
            "title": row.get("document_title", ""),
        },
        "urgency": URGENCY_WORDS.get(urgency.lower(), urgency),
        "confidentiality": CONFIDENTIALITY_WORDS.get(row.get("confidentiality", "").lower(),
                                                     row.get("confidentiality", "")),
        "deliver_by": _iso(row.get("deliver_by", "")),
        "pieces": row.get("pieces", ""),
        "weight_g": row.get("weight_g", ""),
        "reference": row.get("reference", ""),
    }  # fmt: skip
    body["document"] = {k: v for k, v in body["document"].items() if v}
    return {k: v for k, v in body.items() if v not in ("", None)}


def _iso(text: str) -> str:
    """'21/02/2026' or '21/02/2026 08:30' (how Vietnamese spreadsheets show dates) as ISO; others as typed."""
    match = _DMY.match(text.strip())
    if not match:
        return text
    day, month, year, hour, minute = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{iso}T{int(hour):02d}:{minute}" if hour is not None else iso


def _add_row_errors(errors: FieldErrors, number: int, row: dict[str, str], found: FieldErrors) -> None:
    for path, messages in found.items():
        if len(errors) >= MAX_ERRORS:
            return
        column = COLUMN_OF.get(path, path)
        if column == "recipient" and not row.get("recipient"):
            column = "recipient_name"
        errors.setdefault(f"row {number}.{column}", []).extend(messages)


def _check_references(drafts: list[tuple[int, Draft]], errors: FieldErrors) -> None:
    first_row: dict[tuple[str, str], int] = {}
    for number, draft in drafts:
        if not draft.reference:
            continue
        key = (draft.sender.code, draft.reference)
        if key in first_row:
            message = _("The same reference is on row %(row)d.", row=first_row[key])
            errors.setdefault(f"row {number}.reference", []).append(message)
        first_row.setdefault(key, number)


def _reference_rows_by_form(drafts: list[tuple[int, Draft]], form_key: str) -> None:
    """Rows without a reference get the form's: the unique reference decides, even for two racing posts."""
    for number, draft in drafts:
        if not draft.reference:
            draft.reference = f"{form_key}-{number}"


def _raise_if_any(errors: FieldErrors) -> None:
    if errors:
        raise Invalid(_("Nothing was imported: fix the rows listed and try again."), errors)


def _register(
    session: Session,
    actor: User | None,
    drafts: list[tuple[int, Draft]],
    prefix: str,
    now: datetime,
    errors: FieldErrors,
) -> dict[str, Any]:
    results: dict[int, dict[str, Any]] = {}
    new: list[tuple[int, Draft]] = []
    for number, draft in drafts:
        existing = by_reference(session, draft.sender.code, draft.reference) if draft.reference else None
        if existing is None:
            new.append((number, draft))
            continue
        try:
            replay_visible(actor, existing)
        except Conflict as exc:
            errors[f"row {number}.reference"] = exc.errors["reference"]
            continue
        results[number] = {"row": number, "recipient": draft.recipient_label, "tracking": existing.tracking,
                           "created": False}  # fmt: skip
    _raise_if_any(errors)
    if new:
        try:
            with session.begin_nested():
                trackings = insert_drafts(session, actor, [d for _n, d in new], prefix=prefix, now=now)
        except IntegrityError as exc:
            raise Conflict(
                _("Some references were registered by someone else meanwhile: import the file again.")
            ) from exc
        for (number, draft), tracking in zip(new, trackings, strict=True):
            results[number] = {"row": number, "recipient": draft.recipient_label, "tracking": tracking,
                               "created": True}  # fmt: skip
    record(session, actor, "consignments.import", "consignment", "*", rows=len(drafts), created=len(new))
    items = [results[n] for n in sorted(results)]
    return {"rows": len(items), "created": len(new), "existing": len(items) - len(new), "consignments": items}
