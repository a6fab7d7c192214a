"""Consignments: one registered item carrying one election document, and the dispatches that group them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, created_at, enum_column, intpk
from models.reference import Body, Office

JsonList = JSON().with_variant(JSONB(), "postgresql")


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"  # Khẩn
    VERY_URGENT = "very_urgent"  # Thượng khẩn
    FLASH = "flash"  # Hỏa tốc


class Confidentiality(enum.StrEnum):
    NONE = "none"
    CONFIDENTIAL = "confidential"  # Mật, envelope mark C
    SECRET = "secret"  # noqa: S105 - Tối mật, mark B (a classification, not a password)
    TOP_SECRET = "top_secret"  # noqa: S105 - Tuyệt mật, mark A

    @property
    def mark(self) -> str | None:
        return {"confidential": "C", "secret": "B", "top_secret": "A"}.get(self.value)

    @property
    def classified(self) -> bool:
        return self is not Confidentiality.NONE


class Status(enum.StrEnum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    IN_TRANSIT = "in_transit"
    AT_DELIVERY_OFFICE = "at_delivery_office"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERY_FAILED = "delivery_failed"
    HELD = "held"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (Status.DELIVERED, Status.RETURNED, Status.CANCELLED)


class Dispatch(Base):
    """One document sent to many recipients at once: the consignments it made share its id."""

    __tablename__ = "dispatches"
    __table_args__ = (
        # Posting the same dispatch twice (a double click, a client retry) returns the first one.
        UniqueConstraint("sender_code", "reference", name="uq_dispatches_sender_reference"),
    )

    id: Mapped[intpk]
    sender_code: Mapped[str] = mapped_column(ForeignKey("bodies.code", ondelete="RESTRICT"), index=True)
    doc_number: Mapped[str] = mapped_column(String(64))
    doc_title: Mapped[str | None] = mapped_column(String(500))
    reference: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[created_at]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    consignments: Mapped[list[Consignment]] = relationship(
        back_populates="dispatch", order_by="Consignment.dispatch_position"
    )


class Consignment(Base):
    __tablename__ = "consignments"
    __table_args__ = (
        UniqueConstraint("sender_code", "reference", name="uq_consignments_sender_reference"),
        CheckConstraint("pieces >= 1 AND pieces <= 99", name="pieces_range"),
        CheckConstraint("weight_g IS NULL OR (weight_g > 0 AND weight_g <= 30000)", name="weight_range"),
        CheckConstraint("length(tracking) = 13", name="tracking_length"),
        CheckConstraint("recipient_code IS NOT NULL OR recipient_name IS NOT NULL", name="has_recipient"),
        Index("ix_consignments_dispatch", "dispatch_id", "dispatch_position"),
        # Nothing indexes status or the dates a scan writes: then the scans' UPDATE is HOT (in place, no new
        # index entries) wherever the page has room, which the table's fill factor of 50 leaves on
        # PostgreSQL (set by migration 3d7a9c51e0b8; SQLAlchemy has no table option for it).
    )

    id: Mapped[intpk]
    tracking: Mapped[str] = mapped_column(String(13), unique=True)
    status: Mapped[Status] = mapped_column(enum_column(Status, "status"), default=Status.REGISTERED)

    # Looked up through uq_consignments_sender_reference, whose leading column it is.
    sender_code: Mapped[str] = mapped_column(ForeignKey("bodies.code", ondelete="RESTRICT"))
    # A body of the reference data, or a free recipient given by name, address and office.
    recipient_code: Mapped[str | None] = mapped_column(
        ForeignKey("bodies.code", ondelete="RESTRICT"), index=True
    )
    recipient_name: Mapped[str] = mapped_column(String(255))
    recipient_address: Mapped[str | None] = mapped_column(String(500))
    origin_code: Mapped[str] = mapped_column(ForeignKey("offices.code", ondelete="RESTRICT"), index=True)
    destination_code: Mapped[str] = mapped_column(ForeignKey("offices.code", ondelete="RESTRICT"), index=True)
    # Office codes the item is expected to pass: origin, its sorting centre(s), destination.
    route: Mapped[list[str]] = mapped_column(JsonList, default=list)

    doc_number: Mapped[str] = mapped_column(String(64))
    doc_date: Mapped[date | None] = mapped_column(Date)
    doc_title: Mapped[str | None] = mapped_column(String(500))
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency, "urgency"))
    confidentiality: Mapped[Confidentiality] = mapped_column(enum_column(Confidentiality, "confidentiality"))
    deliver_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pieces: Mapped[int] = mapped_column(Integer, default=1)
    weight_g: Mapped[int | None] = mapped_column(Integer)
    reference: Mapped[str | None] = mapped_column(String(64))

    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatches.id", ondelete="RESTRICT"))
    dispatch_position: Mapped[int | None] = mapped_column(Integer)

    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Revised as scans arrive: when the item is now expected at the recipient.
    expected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_to: Mapped[str | None] = mapped_column(String(255))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where and when the item was last seen (by event time), kept for the sweep and the boards. Not indexed:
    # nothing searches by it, and every scan changes it.
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_office_code: Mapped[str | None] = mapped_column(ForeignKey("offices.code", ondelete="RESTRICT"))
    # Bumped whenever anything about the item changes. Not indexed: the sweep finds what changed through
    # consignment_checks, and nothing else searches by it.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    details: Mapped[dict[str, Any]] = mapped_column(JsonList, default=dict)

    sender: Mapped[Body] = relationship(foreign_keys=[sender_code], lazy="joined", innerjoin=True)
    recipient: Mapped[Body | None] = relationship(foreign_keys=[recipient_code], lazy="joined")
    origin: Mapped[Office] = relationship(foreign_keys=[origin_code])
    destination: Mapped[Office] = relationship(foreign_keys=[destination_code])
    dispatch: Mapped[Dispatch | None] = relationship(back_populates="consignments")

    @property
    def classified(self) -> bool:
        return self.confidentiality.classified

    def __repr__(self) -> str:
        return f"<Consignment {self.tracking} {self.status}>"
