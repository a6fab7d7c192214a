"""What every recorded scan pays on consignments: the checks trigger joins by hashing; two unread indexes go.

The update trigger of consignment_checks: its transition tables have no statistics, so the planner
estimated one row each and joined them in a nested loop, comparing every old row with every new one. A
500-scan batch's UPDATE of consignments spent 50 of its 65 ms there (250,000 row comparisons; 1,000 rows
would be four times that). With nested loops off for this function the join is a hash join whatever the
estimate: 3 ms for 500 rows. (The function already set hash joins on: the sweep turns them off for its
own statements.)

ix_consignments_changed_at and ix_consignments_last_event_at: no query filters or sorts by either column
(the sweep finds its work through consignment_checks, boards sort by registration time), yet a scan
changes both on every item it moves, and the update cannot be HOT, so each was one more index entry per
scanned item.

Revision ID: 8c4f1a2e9b37
Revises: 6b0e3d9a4f12
Create Date: 2026-11-29 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8c4f1a2e9b37"
down_revision: str | None = "6b0e3d9a4f12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNREAD = ("changed_at", "last_event_at")


def upgrade() -> None:
    # SQLite's triggers are per row (no join to plan).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER FUNCTION consignment_checks_on_update() SET enable_nestloop = off")
    # Not through batch_alter_table: on SQLite a rebuilt consignments table would lose its triggers.
    for column in UNREAD:
        op.drop_index(f"ix_consignments_{column}", table_name="consignments")


def downgrade() -> None:
    for column in UNREAD:
        op.create_index(f"ix_consignments_{column}", "consignments", [column], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER FUNCTION consignment_checks_on_update() RESET enable_nestloop")
