"""Duty rosters: who is on leadership, operations or shift duty at an office, and when.

A shift covers the half-open interval [starts_at, ends_at): a shift ending at 14:00 and the next
starting at 14:00 leave no gap and never overlap.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, created_at, enum_column, intpk
from models.reference import Office
from models.users import User

# A longer shift is almost always a typing mistake (a wrong year or month); rosters are made by the week.
MAX_SHIFT = timedelta(days=31)


class DutyKind(enum.StrEnum):
    LEADERSHIP = "leadership"  # trực lãnh đạo
    OPERATIONS = "operations"  # trực điều hành
    SHIFT = "shift"  # trực ca


class DutyShift(Base):
    __tablename__ = "duty_shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # Entering the same shift twice is a mistake, and "copy last week" skips what is already there.
        UniqueConstraint(
            "office_code", "user_id", "kind", "starts_at", "ends_at", name="uq_duty_shifts_exact"
        ),
        # "Who is on duty at office X at time T": starts_at <= T < ends_at within one office.
        Index("ix_duty_shifts_office_period", "office_code", "starts_at", "ends_at"),
    )

    id: Mapped[intpk]
    office_code: Mapped[str] = mapped_column(String(32), ForeignKey("offices.code", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[DutyKind] = mapped_column(enum_column(DutyKind, "duty_kind"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # How to reach the person on this shift (a phone number), printed on the roster.
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    office: Mapped[Office] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at

    def __repr__(self) -> str:
        return f"<DutyShift {self.office_code} {self.kind} {self.starts_at:%Y-%m-%d %H:%M}>"
