"""Inquiries: "where is our document?" asked about a consignment, answered by the office that last saw it.

The domestic counterpart of a UPU CN 08: each inquiry has an answer deadline set by the urgency of
the item, and the whole exchange stays with the consignment.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, enum_column, intpk
from models.consignments import Consignment, Urgency
from models.reference import Office
from models.users import User

# How long the office has to answer, by the urgency of the item asked about (docs/operations-desk.md).
ANSWER_WITHIN: dict[Urgency, timedelta] = {
    Urgency.FLASH: timedelta(hours=2),
    Urgency.VERY_URGENT: timedelta(hours=4),
    Urgency.URGENT: timedelta(hours=8),
    Urgency.NORMAL: timedelta(hours=24),
}

MAX_TEXT = 2000


class InquiryState(enum.StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class Inquiry(Base):
    __tablename__ = "inquiries"
    __table_args__ = (
        CheckConstraint("due_at > asked_at", name="due_after_asked"),
        CheckConstraint("question <> ''", name="question_not_empty"),
        # An answered inquiry has its answer, who gave it and when; an open one has none of them.
        CheckConstraint(
            "(state = 'open' AND answer IS NULL AND answered_by_id IS NULL AND answered_at IS NULL)"
            " OR (state = 'answered' AND answer IS NOT NULL AND answer <> ''"
            " AND answered_by_id IS NOT NULL AND answered_at IS NOT NULL)",
            name="answer_matches_state",
        ),
        # The overdue check reads open inquiries by deadline; the desk reads an office's open ones.
        Index("ix_inquiries_state_due", "state", "due_at"),
        Index("ix_inquiries_office_state", "office_code", "state"),
    )

    id: Mapped[intpk]
    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignments.id", ondelete="RESTRICT"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Routed to the office where the item was last seen (or its origin office before any scan).
    office_code: Mapped[str] = mapped_column(String(32), ForeignKey("offices.code", ondelete="RESTRICT"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[InquiryState] = mapped_column(
        enum_column(InquiryState, "inquiry_state"), default=InquiryState.OPEN
    )
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    consignment: Mapped[Consignment] = relationship(lazy="joined", innerjoin=True)
    office: Mapped[Office] = relationship(lazy="joined")
    asked_by: Mapped[User] = relationship(foreign_keys=[asked_by_id], lazy="joined")
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id], lazy="joined")

    def overdue(self, now: datetime) -> bool:
        return self.state == InquiryState.OPEN and self.due_at <= now

    def __repr__(self) -> str:
        return f"<Inquiry {self.id} {self.state}>"
