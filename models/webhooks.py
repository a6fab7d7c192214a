"""Webhooks: other systems told of status changes and alerts, through an outbox.

An event is written to ``webhook_events`` (with one ``webhook_deliveries`` row per subscribed webhook) in
the same transaction as its cause, so a crash can lose neither; deliverers send what is due, sign it,
and retry with backoff until the receiver answers 2xx. Every try is kept in ``webhook_attempts``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, created_at, enum_column, intpk
from models.users import User

JsonList = JSON().with_variant(JSONB(), "postgresql")


class WebhookEventType(enum.StrEnum):
    STATUS_CHANGED = "consignment.status_changed"
    DELIVERED = "consignment.delivered"
    ALERT_OPENED = "alert.opened"
    ALERT_RESOLVED = "alert.resolved"


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    # The webhook was deleted before this could be delivered.
    CANCELLED = "cancelled"


class Webhook(Base):
    __tablename__ = "webhooks"

    id: Mapped[intpk]
    url: Mapped[str] = mapped_column(String(2000))
    # Event type names (WebhookEventType values) this receiver wants.
    events: Mapped[list[str]] = mapped_column(JsonList)
    # Kept to sign deliveries (HMAC needs it); never returned by the API.
    secret: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[created_at]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship(lazy="joined")


class WebhookEvent(Base):
    """One event, its body serialised once: every delivery and retry sends exactly these bytes."""

    __tablename__ = "webhook_events"

    # The stable event id receivers deduplicate by (a UUID).
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "webhook_id", name="uq_webhook_deliveries_event_webhook"),
        # Deliverers claim what is due: only pending rows are in this index.
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
        Index("ix_webhook_deliveries_webhook_created", "webhook_id", "created_at"),
    )

    id: Mapped[intpk]
    event_id: Mapped[str] = mapped_column(ForeignKey("webhook_events.id", ondelete="RESTRICT"))
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="RESTRICT"))
    state: Mapped[DeliveryState] = mapped_column(
        enum_column(DeliveryState, "webhook_delivery_state"), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When a deliverer may next try; a claim pushes it ahead by a lease so a crashed deliverer's
    # work is picked up again once the lease runs out.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    event: Mapped[WebhookEvent] = relationship(lazy="joined")
    webhook: Mapped[Webhook] = relationship(lazy="joined")


class WebhookAttempt(Base):
    """One try at delivering: what the receiver answered, or why there was no answer."""

    __tablename__ = "webhook_attempts"

    id: Mapped[intpk]
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="RESTRICT"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(Integer)
