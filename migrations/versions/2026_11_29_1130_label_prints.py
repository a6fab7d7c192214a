"""Label prints: every label printed, with its copy number (reprints) and who printed it.

Revision ID: 5b1e0c7a9d21
Revises: d58efab36db0
Create Date: 2026-11-29 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e0c7a9d21"
down_revision: str | None = "d58efab36db0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "label_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consignment_id", sa.Integer(), nullable=False),
        sa.Column("copy", sa.Integer(), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("printed_by_id", sa.Integer(), nullable=True),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("size", sa.String(length=16), nullable=False),
        sa.Column("dpi", sa.Integer(), nullable=True),
        sa.Column("batch", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint("copy >= 1", name=op.f("ck_label_prints_copy_positive")),
        sa.CheckConstraint("format IN ('pdf', 'zpl')", name=op.f("ck_label_prints_format_known")),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["consignments.id"],
            name=op.f("fk_label_prints_consignment_id_consignments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["printed_by_id"],
            ["users.id"],
            name=op.f("fk_label_prints_printed_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_prints")),
        sa.UniqueConstraint("consignment_id", "copy", name="uq_label_prints_consignment_copy"),
    )
    with op.batch_alter_table("label_prints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_label_prints_batch"), ["batch"], unique=False)
        batch_op.create_index(batch_op.f("ix_label_prints_consignment_id"), ["consignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_label_prints_printed_at"), ["printed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("label_prints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_label_prints_printed_at"))
        batch_op.drop_index(batch_op.f("ix_label_prints_consignment_id"))
        batch_op.drop_index(batch_op.f("ix_label_prints_batch"))
    op.drop_table("label_prints")
