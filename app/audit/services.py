"""Writing and reading the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, insert, select
from sqlalchemy.orm import Session

from models import AuditEntry, User
from models.base import utcnow


def record(
    session: Session, actor: User | None, action: str, object_type: str, object_id: str, **details: Any
) -> AuditEntry:
    """Append one entry; it is written with the transaction that made the change, or not at all."""
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details={k: v for k, v in details.items() if v is not None},
    )
    session.add(entry)
    return entry


def append(
    session: Session, actor: User | None, action: str, object_type: str, object_id: str, **details: Any
) -> None:
    """``record`` for hot paths: the entry is inserted at once by a prebuilt statement, without an ORM
    object and the unit of work's flush (most of what auditing a single scan cost)."""
    session.execute(
        _APPEND,
        {
            "at": utcnow(),
            "actor_id": actor.id if actor is not None else None,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "details": {k: v for k, v in details.items() if v is not None},
        },
    )


_APPEND = insert(AuditEntry.__table__)


def entries_query(object_type: str | None = None, object_id: str | None = None) -> Select[tuple[AuditEntry]]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    if object_id:
        query = query.where(AuditEntry.object_id == object_id)
    return query
