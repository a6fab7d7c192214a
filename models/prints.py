"""Every label printed: who, when, which consignment, which copy. A copy after the first is a reprint."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, intpk


class LabelPrint(Base):
    __tablename__ = "label_prints"
    __table_args__ = (
        # Copy numbers are unique per consignment, so two racing prints cannot both claim "copy 2".
        UniqueConstraint("consignment_id", "copy", name="uq_label_prints_consignment_copy"),
        CheckConstraint("copy >= 1", name="copy_positive"),
        CheckConstraint("format IN ('pdf', 'zpl')", name="format_known"),
    )

    id: Mapped[intpk]
    consignment_id: Mapped[int] = mapped_column(
        ForeignKey("consignments.id", ondelete="RESTRICT"), index=True
    )
    copy: Mapped[int] = mapped_column(Integer)
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    format: Mapped[str] = mapped_column(String(8))
    size: Mapped[str] = mapped_column(String(16))
    dpi: Mapped[int | None] = mapped_column(Integer)
    # Groups the labels of one batch request.
    batch: Mapped[str] = mapped_column(String(36), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
