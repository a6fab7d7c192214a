"""Duty rosters: leadership, operations and shift duty per office, half-open [starts_at, ends_at).

Revision ID: 5d1e7a9c3b20
Revises: 8c2f4d6e1a37
Create Date: 2026-11-29 12:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5d1e7a9c3b20"
down_revision: str | None = "8c2f4d6e1a37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "duty_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_code", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "leadership",
                "operations",
                "shift",
                name="duty_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_duty_shifts_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_duty_shifts_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["office_code"],
            ["offices.code"],
            name=op.f("fk_duty_shifts_office_code_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_duty_shifts_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_shifts")),
        sa.UniqueConstraint(
            "office_code", "user_id", "kind", "starts_at", "ends_at", name="uq_duty_shifts_exact"
        ),
    )
    with op.batch_alter_table("duty_shifts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_duty_shifts_office_period", ["office_code", "starts_at", "ends_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_duty_shifts_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("duty_shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_shifts_user_id"))
        batch_op.drop_index("ix_duty_shifts_office_period")
    op.drop_table("duty_shifts")
