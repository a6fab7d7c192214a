"""Registering consignments (one, a dispatch, a CSV batch) and cancelling them. Services flush only.

Registration is set-based: the numbers of a whole batch come from one UPDATE of the serial block
(app.serials.services.allocate), the consignments go in with one multi-row INSERT, and so do their
audit entries. A sender's ``reference`` makes a retry harmless: the first registration is returned,
also when two requests race (the UNIQUE constraint decides, inside a savepoint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.alerts.services import resolve_alerts
from app.audit.services import record
from app.auth import policy
from app.consignments.drafts import Draft, DraftBuilder
from app.consignments.queries import get_visible
from app.errors import Conflict, Forbidden
from app.serials.services import allocate
from app.standards.services import due_at
from app.webhooks.services import emit_status_change
from models import AlertKind, AuditEntry, Consignment, Dispatch, Status, User
from models.base import utcnow


@dataclass
class DispatchResult:
    dispatch: Dispatch
    # (recipient as the sender named it, tracking), in the order given
    items: list[tuple[str, str]]
    created: bool


def register_consignment(
    session: Session, actor: User | None, data: dict[str, Any], *, prefix: str, now: datetime | None = None
) -> tuple[Consignment, bool]:
    """Register one consignment; (consignment, created). A known reference returns the first one."""
    now = now or utcnow()
    [draft] = DraftBuilder(session, actor, now).build(data, [("recipient", data["recipient"])])
    draft.reference = data.get("reference")
    if draft.reference:
        existing = by_reference(session, draft.sender.code, draft.reference)
        if existing is not None:
            return replay_visible(actor, existing), False
    try:
        with session.begin_nested():
            [tracking] = insert_drafts(session, actor, [draft], prefix=prefix, now=now)
    except IntegrityError:
        # A concurrent request registered the same reference first; ours rolled back with its number.
        existing = by_reference(session, draft.sender.code, draft.reference) if draft.reference else None
        if existing is None:
            raise
        return replay_visible(actor, existing), False
    consignment = session.scalars(select(Consignment).where(Consignment.tracking == tracking)).one()
    return consignment, True


def register_dispatch(
    session: Session, actor: User | None, data: dict[str, Any], *, prefix: str, now: datetime | None = None
) -> DispatchResult:
    """One document to many recipients, all or nothing, in the order given."""
    now = now or utcnow()
    specs = [(f"recipients.{i}", spec) for i, spec in enumerate(data["recipients"])]
    drafts = DraftBuilder(session, actor, now).build(data, specs)
    sender, reference = drafts[0].sender, data.get("reference")
    if reference:
        existing = _dispatch_by_reference(session, sender.code, reference)
        if existing is not None:
            return _dispatch_replay(session, actor, existing)
    try:
        with session.begin_nested():
            dispatch = Dispatch(
                sender_code=sender.code,
                doc_number=drafts[0].doc_number,
                doc_title=drafts[0].doc_title,
                reference=reference,
                created_at=now,
                created_by_id=actor.id if actor is not None else None,
            )
            session.add(dispatch)
            session.flush()
            trackings = insert_drafts(session, actor, drafts, prefix=prefix, now=now, dispatch=dispatch)
            record(session, actor, "dispatch.register", "dispatch", str(dispatch.id), sender=sender.code,
                   consignments=len(trackings), reference=reference)  # fmt: skip
    except IntegrityError:
        existing = _dispatch_by_reference(session, sender.code, reference) if reference else None
        if existing is None:
            raise
        return _dispatch_replay(session, actor, existing)
    items = [(d.recipient_label, t) for d, t in zip(drafts, trackings, strict=True)]
    return DispatchResult(dispatch, items, True)


def insert_drafts(
    session: Session,
    actor: User | None,
    drafts: Sequence[Draft],
    *,
    prefix: str,
    now: datetime,
    dispatch: Dispatch | None = None,
) -> list[str]:
    """Number, time and insert the drafts in one go; returns their tracking numbers in order."""
    trackings = allocate(session, prefix, len(drafts))
    deadlines: dict[tuple[Any, ...], datetime] = {}
    rows, audits = [], []
    for position, (draft, tracking) in enumerate(zip(drafts, trackings, strict=True)):
        key = (draft.urgency, draft.destination.area, draft.deliver_by)
        if key not in deadlines:
            # An estimate from registration; the acceptance scan (EMA) starts the real clock.
            deadlines[key] = due_at(session, draft.urgency, draft.destination.area, now, draft.deliver_by)
        rows.append(_row(draft, tracking, now, deadlines[key], actor, dispatch, position))
        audits.append(_audit_row(draft, tracking, now, actor, dispatch))
    # Core multi-row inserts: the ORM's unit of work would cost more than the database itself here.
    session.execute(insert(Consignment.__table__), rows)
    session.execute(insert(AuditEntry.__table__), audits)
    return trackings


def _row(
    draft: Draft,
    tracking: str,
    now: datetime,
    due: datetime,
    actor: User | None,
    dispatch: Dispatch | None,
    position: int,
) -> dict[str, Any]:
    return {
        "tracking": tracking,
        "status": Status.REGISTERED,
        "sender_code": draft.sender.code,
        "recipient_code": draft.recipient_code,
        "recipient_name": draft.recipient_name,
        "recipient_address": draft.recipient_address,
        "origin_code": draft.origin.code,
        "destination_code": draft.destination.code,
        "route": list(draft.route),
        "doc_number": draft.doc_number,
        "doc_date": draft.doc_date,
        "doc_title": draft.doc_title,
        "urgency": draft.urgency,
        "confidentiality": draft.confidentiality,
        "deliver_by": draft.deliver_by,
        "pieces": draft.pieces,
        "weight_g": draft.weight_g,
        "reference": draft.reference,
        "dispatch_id": dispatch.id if dispatch is not None else None,
        "dispatch_position": position if dispatch is not None else None,
        "registered_at": now,
        "registered_by_id": actor.id if actor is not None else None,
        "due_at": due,
        "changed_at": now,
        "details": {},
    }


def _audit_row(
    draft: Draft, tracking: str, now: datetime, actor: User | None, dispatch: Dispatch | None
) -> dict[str, Any]:
    details = {
        "sender": draft.sender.code,
        "recipient": draft.recipient_label,
        "origin": draft.origin.code,
        "dispatch": dispatch.id if dispatch is not None else None,
        "reference": draft.reference,
    }
    return {
        "at": now,
        "actor_id": actor.id if actor is not None else None,
        "action": "consignment.register",
        "object_type": "consignment",
        "object_id": tracking,
        "details": {k: v for k, v in details.items() if v is not None},
    }


def by_reference(session: Session, sender_code: str, reference: str) -> Consignment | None:
    return session.scalar(
        select(Consignment).where(Consignment.sender_code == sender_code, Consignment.reference == reference)
    )


def replay_visible(actor: User | None, existing: Consignment) -> Consignment:
    # The same reference from someone who cannot see the first registration must not reveal it.
    if actor is None or policy.may_see_consignment(actor, existing):
        return existing
    raise Conflict(
        _("This reference of the sender is already used by a consignment registered elsewhere."),
        {"reference": _("Already used.")},
    )


def _dispatch_by_reference(session: Session, sender_code: str, reference: str) -> Dispatch | None:
    return session.scalar(
        select(Dispatch).where(Dispatch.sender_code == sender_code, Dispatch.reference == reference)
    )


def _dispatch_replay(session: Session, actor: User | None, dispatch: Dispatch) -> DispatchResult:
    consignments = session.scalars(
        select(Consignment)
        .where(Consignment.dispatch_id == dispatch.id)
        .order_by(Consignment.dispatch_position)
    ).all()
    if actor is not None and not any(policy.may_see_consignment(actor, c) for c in consignments):
        raise Conflict(
            _("This reference of the sender is already used by a dispatch registered elsewhere."),
            {"reference": _("Already used.")},
        )
    items = [(c.recipient_code or c.recipient_name, c.tracking) for c in consignments]
    return DispatchResult(dispatch, items, False)


def cancel_consignment(
    session: Session, actor: User, tracking: str, reason: str | None = None, now: datetime | None = None
) -> Consignment:
    """Withdraw a registration before the post accepts the item; cancelling twice changes nothing."""
    consignment = get_visible(session, actor, tracking)
    if not policy.may_cancel_consignment(actor, consignment):
        raise Forbidden(_("Only the sending body or the origin office may cancel a registration."))
    if consignment.status == Status.CANCELLED:
        return consignment
    now = now or utcnow()
    # Conditional, so that an acceptance scan committed meanwhile wins over the cancellation.
    changed = session.execute(
        update(Consignment)
        .where(Consignment.id == consignment.id, Consignment.status == Status.REGISTERED)
        .values(status=Status.CANCELLED, cancelled_at=now, changed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(consignment)
    if not changed:
        raise Conflict(
            _("The post has already accepted this item: it can no longer be cancelled, only returned."),
            {"status": [consignment.status.value]},
        )
    if reason:
        consignment.details = {**(consignment.details or {}), "cancel_reason": reason}
    resolve_alerts(session, consignment, list(AlertKind), "registration cancelled", now)
    emit_status_change(session, consignment, Status.REGISTERED, Status.CANCELLED, now)
    session.flush()
    record(session, actor, "consignment.cancel", "consignment", consignment.tracking, reason=reason)
    return consignment
