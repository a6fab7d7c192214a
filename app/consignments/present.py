"""What a consignment looks like to a given user: the contract's fields, classified titles withheld.

A classified document's title is shown only to admins and to users of the sending and receiving
bodies, and only on a single consignment: lists never carry it, whoever asks (they end up in
exports, on screens in post offices and in other people's hands).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from app.alerts.services import flags_of
from app.auth import policy
from app.consignments.queries import events_of
from models import Consignment, Dispatch, ScanEvent, User


def title_for(actor: User | None, consignment: Any, *, listed: bool = False) -> str | None:
    if not consignment.confidentiality.classified:
        return consignment.doc_title
    if listed:
        return None
    if actor is None or policy.may_read_classified_title(actor, consignment):
        return consignment.doc_title
    return None


def _summary(actor: User | None, c: Consignment, flags: list[str], *, listed: bool) -> dict[str, Any]:
    return {
        "tracking": c.tracking,
        "status": c.status.value,
        "flags": flags,
        "urgency": c.urgency.value,
        "confidentiality": c.confidentiality.value,
        "sender": {"code": c.sender.code, "name": c.sender.name},
        "recipient": {
            "code": c.recipient_code,
            "name": c.recipient_name,
            "address": c.recipient_address,
            "office": c.destination_code,
        },
        "document": {"number": c.doc_number, "date": c.doc_date, "title": title_for(actor, c, listed=listed)},
        "origin": c.origin_code,
        "destination": c.destination_code,
        "dispatch": c.dispatch_id,
        "registered_at": c.registered_at,
        "due_at": c.due_at,
        "delivered_at": c.delivered_at,
    }


def event_out(event: ScanEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "event": event.event.value,
        "office": event.office_code,
        "at": event.at,
        "recorded_at": event.recorded_at,
        "by": event.by.username if event.by is not None else None,
        "details": event.details or {},
    }


def consignment_out(session: Session, actor: User | None, consignment: Consignment) -> dict[str, Any]:
    """One consignment with its flags and timeline."""
    flags = flags_of(session, [consignment.id])[consignment.id]
    out = _summary(actor, consignment, flags, listed=False)
    out["events"] = [event_out(e) for e in events_of(session, consignment)]
    return out


def list_out(
    session: Session, actor: User | None, consignments: Iterable[Consignment]
) -> list[dict[str, Any]]:
    """Items of a list, flags fetched in one query."""
    items = list(consignments)
    flags = flags_of(session, [c.id for c in items])
    return [_summary(actor, c, flags[c.id], listed=True) for c in items]


def dispatch_out(actor: User | None, dispatch: Dispatch, consignments: list[Consignment]) -> dict[str, Any]:
    classified = next((c.confidentiality for c in consignments if c.confidentiality.classified), None)
    subject = SimpleNamespace(
        confidentiality=classified or consignments[0].confidentiality,
        doc_title=dispatch.doc_title,
        sender_code=dispatch.sender_code,
        recipient_code=None,
    )
    first = consignments[0]
    return {
        "id": dispatch.id,
        "sender": {"code": first.sender.code, "name": first.sender.name},
        "document": {
            "number": dispatch.doc_number,
            "date": first.doc_date,
            "title": title_for(actor, subject),
        },
        "reference": dispatch.reference,
        "created_at": dispatch.created_at,
        "consignments": [
            {
                "recipient": c.recipient_code or c.recipient_name,
                "recipient_name": c.recipient_name,
                "tracking": c.tracking,
                "status": c.status.value,
                "due_at": c.due_at,
            }
            for c in consignments
        ],
    }
