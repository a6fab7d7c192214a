"""Request bodies and counts shared by the registration tests."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import demo
from models import AuditEntry, Consignment, Dispatch, SerialBlock

BODY: dict[str, Any] = {
    "sender": "UBBC-DIENBIEN",
    "recipient": "UBBC-MUONGPHANG",
    "document": {"number": "80/CV-UBBC", "date": "2026-02-21", "title": "V/v chuẩn bị bầu cử"},
    "urgency": "flash",
    "deliver_by": None,
    "confidentiality": "none",
    "pieces": 1,
    "weight_g": 250,
    "origin": "32100",
    "reference": "UBBC-2026-000123",
}
CONTRACT_FIELDS = {
    "tracking", "status", "flags", "urgency", "confidentiality", "sender", "recipient", "document", "origin",
    "destination", "dispatch", "registered_at", "due_at", "delivered_at", "events",
}  # fmt: skip


def body(**overrides: Any) -> dict[str, Any]:
    value = copy.deepcopy(BODY)
    value.update(overrides)
    return {k: v for k, v in value.items() if v is not ...}


def dispatch_body(recipients: list[Any], **overrides: Any) -> dict[str, Any]:
    value = body(**{"recipient": ..., "reference": None, **overrides})
    value["recipients"] = recipients
    return value


def commune_codes() -> list[str]:
    return [demo.commune_body_code(c["name"]) for c in demo.communes()]


def counts(session: Session) -> tuple[int, int, int, int]:
    """Consignments, dispatches, audit entries, and the sum of every block's next serial."""
    return (
        session.scalar(select(func.count()).select_from(Consignment)),
        session.scalar(select(func.count()).select_from(Dispatch)),
        session.scalar(select(func.count()).select_from(AuditEntry)),
        session.scalar(select(func.sum(SerialBlock.next_serial))),
    )


def bearer_for_new_user(session: Session, username: str, role: str, *, body: str | None = None,
                        office: str | None = None) -> dict[str, str]:  # fmt: skip
    """Authorization header of a user made for one test (inside its rolled-back transaction)."""
    from datetime import timedelta

    from app.auth.services import create_user, issue_token
    from models import Role

    user = create_user(session, None, username, "a-long-password", Role(role), office, body)
    raw, _token = issue_token(session, user, timedelta(hours=1))
    return {"Authorization": f"Bearer {raw}"}
