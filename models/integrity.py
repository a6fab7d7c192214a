"""Seals: a hash chain over the append-only tables, so that an edited, deleted or inserted row is detected.

Each seal covers the rows of one stream (audit log, scan events) that arrived in a window, in a fixed
order, and chains to the previous seal of that stream. Chunk digests inside a seal narrow a mismatch
down to a few rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, intpk

JsonList = JSON().with_variant(JSONB(), "postgresql")


class Seal(Base):
    __tablename__ = "integrity_seals"
    __table_args__ = (
        # Two sealers racing on several hosts cannot both extend the chain from the same seal.
        UniqueConstraint("stream", "sequence", name="uq_integrity_seals_stream_sequence"),
        CheckConstraint("stream IN ('audit', 'scans')", name="stream_known"),
        CheckConstraint("row_count >= 0", name="row_count_positive"),
    )

    id: Mapped[intpk]
    stream: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The window: rows after `start_*` up to and including `end_*` in the stream's order.
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    start_key: Mapped[str] = mapped_column(String(64))
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_key: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    # [[first key, last key, sha256], ...] per chunk of rows.
    chunks: Mapped[list[Any]] = mapped_column(JsonList, default=list)
    previous_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
