"""From validated input to drafts: who sends, to whom, from which office, along which route.

A draft is everything a consignment needs except its number and times. Building drafts checks every
reference (bodies, offices) with a few queries for the whole batch, so that a dispatch to thousands
of recipients costs the same handful of round trips as a single registration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth import policy
from app.errors import FieldErrors, Invalid, flatten_errors
from models import Body, Confidentiality, Office, OfficeKind, Role, Urgency, User

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_CHUNK = 500  # codes per IN (…) list: well under every driver's parameter limit


@dataclass(frozen=True)
class BodyRef:
    """What a registration needs of a body: read as plain rows, since a dispatch may name thousands."""

    code: str
    name: str
    address: str | None
    office_code: str


@dataclass
class Draft:
    sender: BodyRef
    recipient_code: str | None
    recipient_name: str
    recipient_address: str | None
    origin: Office
    destination: Office
    route: list[str]
    doc_number: str
    doc_date: date | None
    doc_title: str | None
    urgency: Urgency
    confidentiality: Confidentiality
    deliver_by: datetime | None
    pieces: int
    weight_g: int | None
    reference: str | None = None

    @property
    def recipient_label(self) -> str:
        """What the sender named: the body code, or a free recipient's name."""
        return self.recipient_code or self.recipient_name


class Directory:
    """The bodies and offices a batch refers to, loaded in bulk and kept for the batch."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.bodies: dict[str, BodyRef | None] = {}
        self.offices: dict[str, Office | None] = {}

    def prefetch(self, body_codes: Iterable[str], office_codes: Iterable[str] = ()) -> None:
        wanted = sorted({c for c in body_codes if c} - self.bodies.keys())
        columns = select(Body.code, Body.name, Body.address, Body.office_code)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            self.bodies.update(dict.fromkeys(chunk))
            for row in self.session.execute(columns.where(Body.code.in_(chunk))):
                self.bodies[row.code] = BodyRef(row.code, row.name, row.address, row.office_code)
        office_codes = [*office_codes, *(b.office_code for b in self.bodies.values() if b is not None)]
        offices = sorted({c for c in office_codes if c} - self.offices.keys())
        for start in range(0, len(offices), _CHUNK):
            chunk = offices[start : start + _CHUNK]
            self.offices.update(dict.fromkeys(chunk))
            for office in self.session.scalars(select(Office).where(Office.code.in_(chunk))):
                self.offices[office.code] = office

    def body(self, code: str) -> BodyRef | None:
        if code not in self.bodies:
            self.prefetch([code])
        return self.bodies[code]

    def office(self, code: str) -> Office | None:
        if code not in self.offices:
            self.prefetch([], [code])
        return self.offices[code]


def exchange_office(office: Office) -> Office | None:
    """The sorting centre an office exchanges mail through (itself if it is one)."""
    seen: set[str] = set()
    current: Office | None = office
    while current is not None and current.code not in seen:
        if current.kind == OfficeKind.SORTING_CENTRE:
            return current
        seen.add(current.code)
        current = current.parent
    return office.parent


def plan_route(origin: Office, destination: Office) -> list[str]:
    """Origin office, its sorting centre, the destination's sorting centre (if another), destination."""
    if origin.code == destination.code:
        return [origin.code]
    route: list[str] = []
    for office in (origin, exchange_office(origin), exchange_office(destination), destination):
        if office is not None and (not route or route[-1] != office.code):
            route.append(office.code)
    return route


class DraftBuilder:
    """Builds the drafts of one request (or one CSV row), naming every problem by its input path."""

    def __init__(
        self, session: Session, actor: User | None, now: datetime, directory: Directory | None = None
    ):
        self.actor = actor
        self.now = now
        self.directory = directory or Directory(session)
        self._routes: dict[tuple[str, str], list[str]] = {}

    def build(self, data: dict[str, Any], recipients: list[tuple[str, dict[str, Any]]]) -> list[Draft]:
        """Drafts for each (error path, recipient spec); Invalid naming every bad field, Forbidden off scope."""
        errors: FieldErrors = {}
        sender, origin, resolved = self._resolve(data, recipients, errors)
        if sender is not None and origin is not None and self.actor is not None:
            policy.require_register_consignment(self.actor, sender.code, origin.code)
        if errors or sender is None or origin is None:
            raise Invalid(_("Nothing was registered: fix the fields listed."), errors)
        return [self._draft(data, sender, origin, *recipient) for recipient in resolved]

    def problems(self, data: dict[str, Any], recipients: list[tuple[str, dict[str, Any]]]) -> FieldErrors:
        """The reference and time problems of what a schema could read of an invalid input, without raising:
        they are reported together with the schema's errors, not one attempt later."""
        errors: FieldErrors = {}
        self._resolve(data, recipients, errors)
        return errors

    def _resolve(
        self, data: dict[str, Any], recipients: list[tuple[str, dict[str, Any]]], errors: FieldErrors
    ) -> tuple[BodyRef | None, Office | None, list[tuple[str | None, str, str | None, Office]]]:
        self.directory.prefetch(
            [data.get("sender") or ""] + [spec.get("code", "") for _path, spec in recipients],
            [data.get("origin") or ""] + [spec.get("office", "") for _path, spec in recipients],
        )
        sender = self._sender(data, errors)
        origin = self._origin(data, sender, errors) if sender is not None else None
        self._check_times(data, errors)
        return sender, origin, self._recipients(sender, recipients, errors)

    def _sender(self, data: dict[str, Any], errors: FieldErrors) -> BodyRef | None:
        code = data.get("sender")
        if not code and self.actor is not None and self.actor.role == Role.BOARD:
            code = self.actor.body_code
        if not code:
            errors["sender"] = [_("Give the code of the sending election body.")]
            return None
        body = self.directory.body(code)
        if body is None:
            errors["sender"] = [_("Unknown election body %(code)s.", code=code)]
        return body

    def _origin(self, data: dict[str, Any], sender: BodyRef, errors: FieldErrors) -> Office | None:
        counter = policy.counter_office(self.actor) if self.actor is not None else None
        code = data.get("origin") or counter or sender.office_code
        office = self.directory.office(code)
        if office is None:
            errors["origin"] = [_("Unknown post office %(code)s.", code=code)]
        return office

    def _check_times(self, data: dict[str, Any], errors: FieldErrors) -> None:
        deliver_by = data.get("deliver_by")
        if deliver_by is not None and deliver_by <= self.now:
            errors["deliver_by"] = [_("The agreed delivery time must be in the future.")]
        doc_date = (data.get("document") or {}).get("date")
        if doc_date is not None and doc_date > self.now.astimezone(LOCAL_TZ).date():
            errors["document.date"] = [_("A document cannot be dated in the future.")]

    def _recipients(
        self, sender: BodyRef | None, recipients: list[tuple[str, dict[str, Any]]], errors: FieldErrors
    ) -> list[tuple[str | None, str, str | None, Office]]:
        resolved = []
        seen: dict[str, str] = {}
        for path, spec in recipients:
            if "code" in spec:
                code = spec["code"]
                body = self.directory.body(code)
                if body is None:
                    errors[path] = [_("Unknown election body %(code)s.", code=code)]
                elif sender is not None and body.code == sender.code:
                    errors[path] = [_("%(code)s is the sender itself.", code=code)]
                elif code in seen:
                    errors[path] = [
                        _("%(code)s is listed twice (also at %(path)s).", code=code, path=seen[code])
                    ]
                else:
                    seen[code] = path
                    office = self.directory.office(body.office_code)
                    if office is None:  # impossible while the foreign key holds; named rather than crashing
                        errors[path] = [_("Unknown post office %(code)s.", code=body.office_code)]
                    else:
                        resolved.append((body.code, body.name, body.address, office))
                continue
            office = self.directory.office(spec["office"])
            if office is None:
                errors[f"{path}.office"] = [_("Unknown post office %(code)s.", code=spec["office"])]
            else:
                resolved.append((None, spec["name"], spec.get("address"), office))
        return resolved

    def _draft(
        self,
        data: dict[str, Any],
        sender: BodyRef,
        origin: Office,
        recipient_code: str | None,
        name: str,
        address: str | None,
        destination: Office,
    ) -> Draft:
        key = (origin.code, destination.code)
        if key not in self._routes:
            self._routes[key] = plan_route(origin, destination)
        document = data["document"]
        return Draft(
            sender=sender,
            recipient_code=recipient_code,
            recipient_name=name,
            recipient_address=address,
            origin=origin,
            destination=destination,
            route=self._routes[key],
            doc_number=document["number"],
            doc_date=document.get("date"),
            doc_title=document.get("title") or None,
            urgency=Urgency(data["urgency"]),
            confidentiality=Confidentiality(data.get("confidentiality") or "none"),
            deliver_by=data.get("deliver_by"),
            pieces=data.get("pieces") or 1,
            weight_g=data.get("weight_g"),
        )


def every_error(
    session: Session, actor: User | None, error: ValidationError, recipients_key: str, now: datetime
) -> FieldErrors:
    """A schema's errors and the reference and time checks of what it could read, all at once.

    ``recipients_key`` is ``recipient`` (one consignment) or ``recipients`` (a dispatch). Recipients are
    checked only when the schema read all of them: a list with a bad item loses its positions.
    """
    errors = flatten_errors(error.messages)
    data = error.valid_data if isinstance(error.valid_data, dict) else {}
    read = recipients_key in data and not any(p.split(".")[0] == recipients_key for p in errors)
    specs: list[tuple[str, dict[str, Any]]] = []
    if read and recipients_key == "recipients":
        specs = [(f"recipients.{i}", spec) for i, spec in enumerate(data["recipients"])]
    elif read:
        specs = [("recipient", data["recipient"])]
    for path, messages in DraftBuilder(session, actor, now).problems(data, specs).items():
        errors.setdefault(path, messages)
    return errors
