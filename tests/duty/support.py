"""Helpers of the duty and inquiry tests: people to put on duty, times in Vietnam, shifts made directly.

Helpers commit (a savepoint inside the test's transaction): a request that fails rolls its session back,
and without the commit it would take the test's own set-up with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.services import create_user
from models import Role, User
from models.duty import DutyKind, DutyShift
from tests.support import TEST_PASSWORD

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str) -> datetime:
    """'2026-03-10 14:00' in Vietnam time, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def user(session: Session, username: str) -> User:
    return session.scalars(select(User).where(User.username == username)).one()


def clerk(session: Session, username: str, office: str) -> User:
    """A clerk of an office (created if needed)."""
    existing = session.scalar(select(User).where(User.username == username))
    if existing is not None:
        return existing
    made = create_user(session, None, username, TEST_PASSWORD, Role.CLERK, office_code=office)
    session.commit()
    return made


def shift(
    session: Session, office: str, who: User, kind: DutyKind, start: datetime, hours: float
) -> DutyShift:
    """A shift written directly (the API is tested on its own)."""
    made = DutyShift(
        office_code=office, user_id=who.id, kind=kind, starts_at=start, ends_at=start + timedelta(hours=hours)
    )
    session.add(made)
    session.commit()
    return made
