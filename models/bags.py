"""Bags (receptacles): items travelling sealed together between two offices, and what opening one found.

A bag is filled at its origin office, sealed (nothing more goes in), scanned at departure and arrival (one
scan stands for every item) and opened at its destination, where the contents are checked against the
manifest. Its printed id is ``BG`` + a 9-digit serial + a Damm check digit (see ``app.bags.codes``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, enum_column, intpk
from models.consignments import Consignment
from models.reference import Office
from models.users import User

JsonList = JSON().with_variant(JSONB(), "postgresql")


class BagState(enum.StrEnum):
    FILLING = "filling"  # at the origin office, items going in
    SEALED = "sealed"  # closed: travels as one, nothing more goes in
    OPENED = "opened"  # checked at the destination against its manifest


class Bag(Base):
    __tablename__ = "bags"
    __table_args__ = (
        CheckConstraint("origin_code <> destination_code", name="different_offices"),
        # The times a bag carries follow its state, whatever code writes them.
        CheckConstraint(
            "(state = 'filling' AND sealed_at IS NULL AND opened_at IS NULL)"
            " OR (state = 'sealed' AND sealed_at IS NOT NULL AND opened_at IS NULL)"
            " OR (state = 'opened' AND sealed_at IS NOT NULL AND opened_at IS NOT NULL)",
            name="state_times",
        ),
        Index("ix_bags_origin_state", "origin_code", "state"),
        Index("ix_bags_destination_state", "destination_code", "state"),
    )

    # The serial printed in the bag id (BG + 9 digits + check digit).
    id: Mapped[intpk]
    origin_code: Mapped[str] = mapped_column(ForeignKey("offices.code", ondelete="RESTRICT"))
    destination_code: Mapped[str] = mapped_column(ForeignKey("offices.code", ondelete="RESTRICT"))
    state: Mapped[BagState] = mapped_column(enum_column(BagState, "bag_state"), default=BagState.FILLING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sealed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # Numbers found on opening that the manifest did not list (they may not even be registered).
    unexpected: Mapped[list[str]] = mapped_column(JsonList, default=list)

    origin: Mapped[Office] = relationship(foreign_keys=[origin_code])
    destination: Mapped[Office] = relationship(foreign_keys=[destination_code])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    sealed_by: Mapped[User | None] = relationship(foreign_keys=[sealed_by_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    items: Mapped[list[BagItem]] = relationship(
        back_populates="bag", order_by="BagItem.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Bag {self.id} {self.state}>"


class BagItem(Base):
    __tablename__ = "bag_items"
    __table_args__ = (
        UniqueConstraint("bag_id", "position", name="uq_bag_items_bag_id_position"),
        # An item is in at most one bag that has not been opened yet: it cannot travel in two at once.
        Index(
            "uq_bag_items_active_consignment",
            "consignment_id",
            unique=True,
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    bag_id: Mapped[int] = mapped_column(ForeignKey("bags.id", ondelete="CASCADE"), primary_key=True)
    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignments.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    # Order of insertion, the order of the manifest.
    position: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # True until the bag is opened; then the item is free to go into its next bag.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Set on opening: was the item in the bag? NULL before the bag is opened.
    found: Mapped[bool | None] = mapped_column(Boolean)

    bag: Mapped[Bag] = relationship(back_populates="items")
    consignment: Mapped[Consignment] = relationship()
