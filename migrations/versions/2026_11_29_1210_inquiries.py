"""Inquiries about consignments, routed to the office that last saw the item, with answer deadlines.

Revision ID: 7b4f2c8e1a63
Revises: 5d1e7a9c3b20
Create Date: 2026-11-29 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b4f2c8e1a63"
down_revision: str | None = "5d1e7a9c3b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consignment_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("office_code", sa.String(length=32), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum("open", "answered", name="inquiry_state", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(state = 'open' AND answer IS NULL AND answered_by_id IS NULL AND answered_at IS NULL)"
            " OR (state = 'answered' AND answer IS NOT NULL AND answer <> ''"
            " AND answered_by_id IS NOT NULL AND answered_at IS NOT NULL)",
            name=op.f("ck_inquiries_answer_matches_state"),
        ),
        sa.CheckConstraint("question <> ''", name=op.f("ck_inquiries_question_not_empty")),
        sa.CheckConstraint("due_at > asked_at", name=op.f("ck_inquiries_due_after_asked")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_inquiries_answered_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_inquiries_asked_by_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["consignments.id"],
            name=op.f("fk_inquiries_consignment_id_consignments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["office_code"],
            ["offices.code"],
            name=op.f("fk_inquiries_office_code_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inquiries")),
    )
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inquiries_consignment_id"), ["consignment_id"], unique=False)
        batch_op.create_index("ix_inquiries_office_state", ["office_code", "state"], unique=False)
        batch_op.create_index("ix_inquiries_state_due", ["state", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inquiries", schema=None) as batch_op:
        batch_op.drop_index("ix_inquiries_state_due")
        batch_op.drop_index("ix_inquiries_office_state")
        batch_op.drop_index(batch_op.f("ix_inquiries_consignment_id"))
    op.drop_table("inquiries")
