"""Scan events: immutable facts recorded by post-office clerks and their scanners.

The event time (``at``, when it happened) and the recorded time (``recorded_at``, when the server
got it) are different facts: handheld scanners upload late and out of order. A correction is a new
event, never an edit.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, enum_column
from models.reference import Office
from models.users import User

JsonDict = JSON().with_variant(JSONB(), "postgresql")


class EventCode(enum.StrEnum):
    EMA = "EMA"  # posting / acceptance at the origin office: starts the delivery clock
    EDD = "EDD"  # into a sorting centre or transit office
    EDE = "EDE"  # out of a sorting centre or transit office
    EMG = "EMG"  # arrival at the delivery office
    EDG = "EDG"  # out for physical delivery
    EMH = "EMH"  # unsuccessful delivery attempt (details.reason, details.action)
    EMI = "EMI"  # final delivery (details.receiver)
    EDF = "EDF"  # held at the delivery office
    EDH = "EDH"  # arrived at a collection point for pick-up
    XHD = "XHD"  # held for a security check (details.reason)
    XRL = "XRL"  # released from a security hold
    XRS = "XRS"  # returned to sender


class ScanEvent(Base):
    __tablename__ = "scan_events"
    __table_args__ = (
        # A timeline is read by event time.
        Index("ix_scan_events_consignment_at", "consignment_id", "at"),
    )

    # The UUID made by the scanning device: sending the same scan again is harmless.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consignment_id: Mapped[int] = mapped_column(ForeignKey("consignments.id", ondelete="RESTRICT"))
    event: Mapped[EventCode] = mapped_column(enum_column(EventCode, "event_code"))
    office_code: Mapped[str] = mapped_column(ForeignKey("offices.code", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    details: Mapped[dict[str, Any]] = mapped_column(JsonDict, default=dict)
    # Set when the scan was of a bag standing for this item: the bag's own scan id.
    bag_scan_id: Mapped[str | None] = mapped_column(String(36))
    # SHA-256 of the scan as sent, to tell a harmless retry from a different scan reusing an id.
    fingerprint: Mapped[str] = mapped_column(String(64))

    office: Mapped[Office] = relationship(lazy="joined")
    by: Mapped[User | None] = relationship(lazy="joined")


@event.listens_for(ScanEvent, "before_update")
@event.listens_for(ScanEvent, "before_delete")
def _immutable(mapper: Any, connection: Any, target: ScanEvent) -> None:
    raise RuntimeError("scan events are immutable: record a correcting event instead")
