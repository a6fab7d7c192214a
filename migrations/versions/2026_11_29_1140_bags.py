"""Bags (receptacles) and their items: sealed together at the origin, checked on opening at the destination.

Revision ID: d4e5d2313964
Revises: 5b1e0c7a9d21
Create Date: 2026-11-29 09:48:40.170858
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "d4e5d2313964"
down_revision: str | None = "5b1e0c7a9d21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin_code", sa.String(length=32), nullable=False),
        sa.Column("destination_code", sa.String(length=32), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "filling", "sealed", "opened", name="bag_state", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sealed_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "unexpected",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(state = 'filling' AND sealed_at IS NULL AND opened_at IS NULL)"
            " OR (state = 'sealed' AND sealed_at IS NOT NULL AND opened_at IS NULL)"
            " OR (state = 'opened' AND sealed_at IS NOT NULL AND opened_at IS NOT NULL)",
            name=op.f("ck_bags_state_times"),
        ),
        sa.CheckConstraint("origin_code <> destination_code", name=op.f("ck_bags_different_offices")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_bags_created_by_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["destination_code"],
            ["offices.code"],
            name=op.f("fk_bags_destination_code_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_bags_opened_by_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["origin_code"], ["offices.code"], name=op.f("fk_bags_origin_code_offices"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["sealed_by_id"], ["users.id"], name=op.f("fk_bags_sealed_by_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bags")),
    )
    with op.batch_alter_table("bags", schema=None) as batch_op:
        batch_op.create_index("ix_bags_destination_state", ["destination_code", "state"], unique=False)
        batch_op.create_index("ix_bags_origin_state", ["origin_code", "state"], unique=False)

    op.create_table(
        "bag_items",
        sa.Column("bag_id", sa.Integer(), nullable=False),
        sa.Column("consignment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("found", sa.Boolean(), nullable=True),
        sa.CheckConstraint("position >= 1", name=op.f("ck_bag_items_position_positive")),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_bag_items_added_by_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["bag_id"], ["bags.id"], name=op.f("fk_bag_items_bag_id_bags"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["consignments.id"],
            name=op.f("fk_bag_items_consignment_id_consignments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("bag_id", "consignment_id", name=op.f("pk_bag_items")),
        sa.UniqueConstraint("bag_id", "position", name="uq_bag_items_bag_id_position"),
    )
    with op.batch_alter_table("bag_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bag_items_consignment_id"), ["consignment_id"], unique=False)
        batch_op.create_index(
            "uq_bag_items_active_consignment",
            ["consignment_id"],
            unique=True,
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )


def downgrade() -> None:
    with op.batch_alter_table("bag_items", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bag_items_active_consignment",
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )
        batch_op.drop_index(batch_op.f("ix_bag_items_consignment_id"))

    op.drop_table("bag_items")
    with op.batch_alter_table("bags", schema=None) as batch_op:
        batch_op.drop_index("ix_bags_origin_state")
        batch_op.drop_index("ix_bags_destination_state")

    op.drop_table("bags")
