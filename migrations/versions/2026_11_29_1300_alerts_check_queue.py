"""The sweep's schedule moves to consignment_checks, kept by triggers; consignments.next_check_at goes.

Writing next_check_at on the consignments row cost a non-HOT update of a wide row with a dozen indexes
(measured: ten times an update of this narrow table), which put a full sweep of a million items past its
target. The triggers put a consignment in front of the sweep whenever it is inserted or what the sweep
judges by changes, whoever writes it (ORM, the scans' bulk UPDATE, plain SQL).

SQLite drops a table's triggers when it rebuilds the table (a batch migration that drops or alters a
column of consignments): such a migration must create these triggers again (tests/alerts fail otherwise).

Revision ID: 6b0e3d9a4f12
Revises: 1f9a3e6d2c70
Create Date: 2026-11-29 13:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "6b0e3d9a4f12"
down_revision: str | None = "1f9a3e6d2c70"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK_AT_ONCE = datetime(2000, 1, 1, tzinfo=UTC)
FINAL = "('delivered', 'returned', 'cancelled')"
# What the sweep's decisions depend on (not expected_at or changed_at, which the sweep writes itself).
WATCHED = (
    "status",
    "registered_at",
    "accepted_at",
    "due_at",
    "deliver_by",
    "urgency",
    "last_event_at",
    "last_office_code",
    "delivered_at",
    "cancelled_at",
    "route",
)

PG_FUNCTIONS = f"""
CREATE FUNCTION consignment_checks_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO consignment_checks (consignment_id, next_check_at)
    SELECT id, TIMESTAMPTZ '2000-01-01 00:00:00+00' FROM new_rows WHERE status NOT IN {FINAL}
    ON CONFLICT (consignment_id) DO UPDATE SET next_check_at = EXCLUDED.next_check_at;
    RETURN NULL;
END $$;

CREATE FUNCTION consignment_checks_on_update() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = on AS $$
BEGIN
    INSERT INTO consignment_checks (consignment_id, next_check_at)
    SELECT n.id, TIMESTAMPTZ '2000-01-01 00:00:00+00'
    FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id
    WHERE ({", ".join("n." + c for c in WATCHED)}) IS DISTINCT FROM ({", ".join("o." + c for c in WATCHED)})
    ON CONFLICT (consignment_id) DO UPDATE SET next_check_at = EXCLUDED.next_check_at;
    RETURN NULL;
END $$;
"""  # noqa: S608 - built from this module's constants only
# Statement-level with transition tables: one INSERT … SELECT per statement, however many rows it wrote.
# The transition tables have no index: old and new rows are matched by hashing, whatever the caller set.
PG_TRIGGERS = """
CREATE TRIGGER consignment_checks_on_insert AFTER INSERT ON consignments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION consignment_checks_on_insert();
CREATE TRIGGER consignment_checks_on_update AFTER UPDATE ON consignments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION consignment_checks_on_update();
"""
SQLITE_TRIGGERS = [
    f"""
CREATE TRIGGER consignment_checks_on_insert AFTER INSERT ON consignments
WHEN NEW.status NOT IN {FINAL}
BEGIN
    INSERT OR REPLACE INTO consignment_checks (consignment_id, next_check_at)
    VALUES (NEW.id, '2000-01-01 00:00:00.000000');
END
""",  # noqa: S608 - built from this module's constants only
    f"""
CREATE TRIGGER consignment_checks_on_update AFTER UPDATE OF {", ".join(WATCHED)} ON consignments
WHEN {" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in WATCHED)}
BEGIN
    INSERT OR REPLACE INTO consignment_checks (consignment_id, next_check_at)
    VALUES (NEW.id, '2000-01-01 00:00:00.000000');
END
""",  # noqa: S608 - built from this module's constants only
]

POPULATE = f"SELECT id, :at FROM consignments WHERE status NOT IN {FINAL}"  # noqa: S608 - constants only


def _at_once() -> datetime:
    return CHECK_AT_ONCE if op.get_bind().dialect.name != "sqlite" else CHECK_AT_ONCE.replace(tzinfo=None)


def upgrade() -> None:
    op.create_table(
        "consignment_checks",
        sa.Column("consignment_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["consignments.id"],
            name=op.f("fk_consignment_checks_consignment_id_consignments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consignment_id", name=op.f("pk_consignment_checks")),
    )
    with op.batch_alter_table("consignment_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consignment_checks_next_check_at"), ["next_check_at"], unique=False
        )
    op.execute(
        sa.text("INSERT INTO consignment_checks (consignment_id, next_check_at) " + POPULATE).bindparams(
            sa.bindparam("at", _at_once(), type_=sa.DateTime(timezone=True))
        )
    )
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_consignments_next_check_at",
            postgresql_where=sa.text("next_check_at IS NOT NULL"),
            sqlite_where=sa.text("next_check_at IS NOT NULL"),
        )
        batch_op.drop_column("next_check_at")
    # After the batch above: on SQLite it rebuilds consignments, which would drop triggers made before.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTIONS)
        op.execute(PG_TRIGGERS)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER consignment_checks_on_update ON consignments")
        op.execute("DROP TRIGGER consignment_checks_on_insert ON consignments")
        op.execute("DROP FUNCTION consignment_checks_on_update()")
        op.execute("DROP FUNCTION consignment_checks_on_insert()")
    else:
        op.execute("DROP TRIGGER consignment_checks_on_update")
        op.execute("DROP TRIGGER consignment_checks_on_insert")
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_consignments_next_check_at",
            ["next_check_at"],
            unique=False,
            postgresql_where=sa.text("next_check_at IS NOT NULL"),
            sqlite_where=sa.text("next_check_at IS NOT NULL"),
        )
    op.execute(
        sa.text(
            "UPDATE consignments SET next_check_at = "
            "(SELECT k.next_check_at FROM consignment_checks AS k WHERE k.consignment_id = consignments.id)"
        )
    )
    with op.batch_alter_table("consignment_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consignment_checks_next_check_at"))
    op.drop_table("consignment_checks")
