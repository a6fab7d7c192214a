"""Consignments: next_check_at, when the sweep must look at an item again (NULL: nothing to watch).

Revision ID: 8e2d4b7c1a55
Revises: 3c6a1f0e9b21
Create Date: 2026-11-29 12:40:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "8e2d4b7c1a55"
down_revision: str | None = "3c6a1f0e9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK_AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)


def upgrade() -> None:
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_consignments_next_check_at",
            ["next_check_at"],
            unique=False,
            postgresql_where=sa.text("next_check_at IS NOT NULL"),
            sqlite_where=sa.text("next_check_at IS NOT NULL"),
        )
    # Items already open are looked at by the first sweep after the upgrade.
    consignments = sa.table(
        "consignments",
        sa.column("status", sa.String()),
        sa.column("next_check_at", sa.DateTime(timezone=True)),
    )
    at_once = CHECK_AT_ONCE if op.get_bind().dialect.name != "sqlite" else CHECK_AT_ONCE.replace(tzinfo=None)
    op.execute(
        consignments.update()
        .where(consignments.c.status.not_in(["delivered", "returned", "cancelled"]))
        .values(next_check_at=at_once)
    )


def downgrade() -> None:
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_consignments_next_check_at",
            postgresql_where=sa.text("next_check_at IS NOT NULL"),
            sqlite_where=sa.text("next_check_at IS NOT NULL"),
        )
        batch_op.drop_column("next_check_at")
