"""Integrity seals: a hash chain over the audit log and the scan events (tamper evidence).

Revision ID: 8c2f4d6e1a37
Revises: d4e5d2313964
Create Date: 2026-11-29 10:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8c2f4d6e1a37"
down_revision: str | None = "d4e5d2313964"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "integrity_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stream", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("start_key", sa.String(length=64), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_key", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column(
            "chunks",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("row_count >= 0", name=op.f("ck_integrity_seals_row_count_positive")),
        sa.CheckConstraint("stream IN ('audit', 'scans')", name=op.f("ck_integrity_seals_stream_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrity_seals")),
        sa.UniqueConstraint("stream", "sequence", name="uq_integrity_seals_stream_sequence"),
    )


def downgrade() -> None:
    op.drop_table("integrity_seals")
