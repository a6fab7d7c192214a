"""Alerts: a cause that needs a person (a late item, a stalled one, a bag one short...).

A consignment's ``flags`` are the kinds of its alerts that are not resolved: one source of truth.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, enum_column, intpk
from models.consignments import Consignment
from models.users import User

JsonDict = JSON().with_variant(JSONB(), "postgresql")


class AlertKind(enum.StrEnum):
    LATE = "late"
    STALLED = "stalled"
    SUSPECTED_LOST = "suspected_lost"
    MISSING_FROM_BAG = "missing_from_bag"
    MISROUTED = "misrouted"
    SEQUENCE_ANOMALY = "sequence_anomaly"
    SECURITY_HOLD = "security_hold"
    DUTY_GAP = "duty_gap"
    INQUIRY_OVERDUE = "inquiry_overdue"


# Most urgent first, for lists and boards.
SEVERITY = {
    AlertKind.SUSPECTED_LOST: 0,
    AlertKind.MISSING_FROM_BAG: 0,
    AlertKind.SECURITY_HOLD: 1,
    AlertKind.LATE: 2,
    AlertKind.MISROUTED: 2,
    AlertKind.STALLED: 3,
    AlertKind.INQUIRY_OVERDUE: 3,
    AlertKind.SEQUENCE_ANOMALY: 4,
    AlertKind.DUTY_GAP: 4,
}


class AlertState(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        # One unresolved alert per cause per consignment, even with several sweeps racing.
        Index(
            "uq_alerts_open_cause",
            "consignment_id",
            "kind",
            "cause_key",
            unique=True,
            postgresql_where=text("state <> 'resolved'"),
            sqlite_where=text("state <> 'resolved'"),
        ),
        # Causes without a consignment (a duty gap) are unique by kind and cause key (NULLs never collide).
        Index(
            "uq_alerts_open_general_cause",
            "kind",
            "cause_key",
            unique=True,
            postgresql_where=text("state <> 'resolved' AND consignment_id IS NULL"),
            sqlite_where=text("state <> 'resolved' AND consignment_id IS NULL"),
        ),
        Index("ix_alerts_state_opened", "state", "opened_at"),
    )

    id: Mapped[intpk]
    kind: Mapped[AlertKind] = mapped_column(enum_column(AlertKind, "alert_kind"))
    consignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("consignments.id", ondelete="RESTRICT"), index=True
    )
    # Distinguishes causes of one kind without a consignment (a duty gap: office+kind+start) or a second
    # bag opening; '' for the usual one-per-consignment case (NULLs would not be unique).
    cause_key: Mapped[str] = mapped_column(String(128), default="", server_default="")
    office_code: Mapped[str | None] = mapped_column(
        ForeignKey("offices.code", ondelete="RESTRICT"), index=True
    )
    state: Mapped[AlertState] = mapped_column(enum_column(AlertState, "alert_state"), default=AlertState.OPEN)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    acknowledge_note: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str | None] = mapped_column(Text)

    consignment: Mapped[Consignment | None] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()


# A next_check_at long past: "look at this at the next sweep", whatever clock the sweep is run with.
CHECK_AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)


class ConsignmentCheck(Base):
    """When the sweep must look at an open consignment again (app/alerts/sweep.py).

    One row per open consignment, kept apart from the wide, much-indexed consignments table so that the
    sweep's writes stay cheap. Database triggers (migration 2026_11_29_1300_alerts_check_queue) put a
    consignment here at CHECK_AT_ONCE when it is inserted or when what the sweep judges by changes
    (status, sighting, deadline…), whoever writes it (ORM, bulk SQL); the sweep then sets the earliest
    instant a flag or the estimate could change, and deletes the row once nothing is left to watch.
    """

    __tablename__ = "consignment_checks"

    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    next_check_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
