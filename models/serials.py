"""Blocks of S10 serial numbers handed out by the national operator (Vietnam Post for …VN)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, intpk


class SerialBlock(Base):
    __tablename__ = "serial_blocks"
    __table_args__ = (
        CheckConstraint("first_serial >= 0 AND last_serial <= 99999999", name="serial_range"),
        CheckConstraint("first_serial <= last_serial", name="first_before_last"),
        # next_serial runs from first to last + 1 (exhausted): never backwards, never past the end.
        CheckConstraint(
            "next_serial >= first_serial AND next_serial <= last_serial + 1", name="next_in_block"
        ),
        CheckConstraint("length(prefix) = 2", name="prefix_length"),
    )

    id: Mapped[intpk]
    prefix: Mapped[str] = mapped_column(String(2), index=True)
    country: Mapped[str] = mapped_column(String(2), default="VN", server_default="VN")
    first_serial: Mapped[int] = mapped_column(Integer)
    last_serial: Mapped[int] = mapped_column(Integer)
    next_serial: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[created_at]

    @property
    def size(self) -> int:
        return self.last_serial - self.first_serial + 1

    @property
    def remaining(self) -> int:
        return self.last_serial + 1 - self.next_serial
