"""Queries and CSV imports of offices and bodies. Imports are all or nothing."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from app.audit.services import record
from app.csvio import read_csv
from app.errors import Invalid, NotFound
from models import Area, Body, BodyKind, Office, OfficeKind, User

OFFICE_COLUMNS = ("code", "name", "kind", "parent", "area", "commune")
BODY_COLUMNS = ("code", "name", "kind", "address", "commune", "office")
MAX_ERRORS = 50


def get_office(session: Session, code: str) -> Office:
    office = session.get(Office, code)
    if office is None:
        raise NotFound(_("No post office with code %(code)s.", code=code), {"code": _("Unknown office.")})
    return office


def get_body(session: Session, code: str) -> Body:
    body = session.get(Body, code)
    if body is None:
        raise NotFound(_("No election body with code %(code)s.", code=code), {"code": _("Unknown body.")})
    return body


def offices_query(kind: str | None = None, area: str | None = None, q: str | None = None) -> Select[Any]:
    query = select(Office).order_by(Office.code)
    if kind:
        query = query.where(Office.kind == OfficeKind(kind))
    if area:
        query = query.where(Office.area == Area(area))
    if q:
        query = query.where(or_(Office.code.ilike(f"%{q}%"), Office.name.ilike(f"%{q}%")))
    return query


def bodies_query(kind: str | None = None, office: str | None = None, q: str | None = None) -> Select[Any]:
    query = select(Body).order_by(Body.code)
    if kind:
        query = query.where(Body.kind == BodyKind(kind))
    if office:
        query = query.where(Body.office_code == office)
    if q:
        query = query.where(or_(Body.code.ilike(f"%{q}%"), Body.name.ilike(f"%{q}%")))
    return query


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, row: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.setdefault(f"row {row}.{column}", []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(_("Nothing was imported: fix the rows listed and try again."), self.errors)


def _check_common(errors: _Errors, number: int, row: dict[str, str], kinds: type, seen: set[str]) -> None:
    code = row["code"]
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_." for c in code):
        errors.add(number, "code", _("A code of 1–32 letters, digits, '-', '_' or '.' is required."))
    elif code in seen:
        errors.add(number, "code", _("Code %(code)s appears twice in the file.", code=code))
    seen.add(code)
    if not row["name"] or len(row["name"]) > 255:
        errors.add(number, "name", _("A name of at most 255 characters is required."))
    if row["kind"] not in {k.value for k in kinds}:
        errors.add(number, "kind", _("Must be one of: %(values)s.", values=", ".join(k.value for k in kinds)))


def import_offices(session: Session, actor: User | None, data: bytes) -> dict[str, int]:
    parsed = read_csv(data, required=("code", "name", "kind", "area"), optional=("parent", "commune"))
    errors, seen = _Errors(), set()
    file_codes = {row["code"] for _n, row in parsed.rows}
    for number, row in parsed.rows:
        row.setdefault("parent", "")
        row.setdefault("commune", "")
        _check_common(errors, number, row, OfficeKind, seen)
        if row["area"] not in {a.value for a in Area}:
            errors.add(number, "area", _("Must be one of: %(values)s.", values="urban, rural, remote"))
        parent = row["parent"]
        if parent and parent == row["code"]:
            errors.add(number, "parent", _("An office cannot be its own parent."))
        elif parent and parent not in file_codes and session.get(Office, parent) is None:
            errors.add(number, "parent", _("Unknown office %(code)s.", code=parent))
    errors.raise_if_any()
    created = _upsert_offices(session, parsed.rows)
    record(session, actor, "import.offices", "office", "*", rows=len(parsed.rows), created=created)
    return {"rows": len(parsed.rows), "created": created, "updated": len(parsed.rows) - created}


def _upsert_offices(session: Session, rows: list[tuple[int, dict[str, str]]]) -> int:
    created = 0
    # Two passes: every office exists before any parent link is set, whatever the row order.
    for _number, row in rows:
        office = session.get(Office, row["code"])
        if office is None:
            office = Office(code=row["code"])
            session.add(office)
            created += 1
        office.name, office.kind, office.area = row["name"], OfficeKind(row["kind"]), Area(row["area"])
        office.commune = row["commune"] or None
    session.flush()
    for _number, row in rows:
        session.get_one(Office, row["code"]).parent_code = row["parent"] or None
    session.flush()
    return created


def import_bodies(session: Session, actor: User | None, data: bytes) -> dict[str, int]:
    parsed = read_csv(data, required=("code", "name", "kind", "office"), optional=("address", "commune"))
    errors, seen = _Errors(), set()
    for number, row in parsed.rows:
        row.setdefault("address", "")
        row.setdefault("commune", "")
        _check_common(errors, number, row, BodyKind, seen)
        if not row["office"] or session.get(Office, row["office"]) is None:
            errors.add(number, "office", _("Unknown office %(code)s.", code=row["office"]))
    errors.raise_if_any()
    created = 0
    for _number, row in parsed.rows:
        body = session.get(Body, row["code"])
        if body is None:
            body = Body(code=row["code"])
            session.add(body)
            created += 1
        body.name, body.kind, body.office_code = row["name"], BodyKind(row["kind"]), row["office"]
        body.address, body.commune = row["address"] or None, row["commune"] or None
    session.flush()
    record(session, actor, "import.bodies", "body", "*", rows=len(parsed.rows), created=created)
    return {"rows": len(parsed.rows), "created": created, "updated": len(parsed.rows) - created}
