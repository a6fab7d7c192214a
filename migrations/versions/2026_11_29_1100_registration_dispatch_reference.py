"""A dispatch may carry the sender's reference, unique per sender (idempotent dispatch registration).

Revision ID: d58efab36db0
Revises: 89386f350e10
Create Date: 2026-11-29 09:48:33.615236
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d58efab36db0"
down_revision: str | None = "89386f350e10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_dispatches_sender_reference", ["sender_code", "reference"])


def downgrade() -> None:
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.drop_constraint("uq_dispatches_sender_reference", type_="unique")
        batch_op.drop_column("reference")
