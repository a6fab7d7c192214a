"""Foundation: post offices, election bodies, users, API tokens and the audit log.

Revision ID: 1dd797e5a38a
Revises:
Create Date: 2026-11-29 09:36:00.650360
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "1dd797e5a38a"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offices",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "post_office", "sorting_centre", name="office_kind", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("parent_code", sa.String(length=32), nullable=True),
        sa.Column(
            "area",
            sa.Enum("urban", "rural", "remote", name="area", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("commune", sa.String(length=255), nullable=True),
        sa.CheckConstraint("code <> ''", name=op.f("ck_offices_code_not_empty")),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["offices.code"],
            name=op.f("fk_offices_parent_code_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_offices")),
    )
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offices_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "bodies",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "national_council",
                "province_commission",
                "commune_commission",
                "election_board",
                "polling_team",
                "agency",
                name="body_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("commune", sa.String(length=255), nullable=True),
        sa.Column("office_code", sa.String(length=32), nullable=False),
        sa.CheckConstraint("code <> ''", name=op.f("ck_bodies_code_not_empty")),
        sa.ForeignKeyConstraint(
            ["office_code"], ["offices.code"], name=op.f("fk_bodies_office_code_offices"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_bodies")),
    )
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bodies_office_code"), ["office_code"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=255), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin", "board", "clerk", "printer", name="role", native_enum=False, create_constraint=True
            ),
            nullable=False,
        ),
        sa.Column("office_code", sa.String(length=32), nullable=True),
        sa.Column("body_code", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(role = 'admin' AND office_code IS NULL AND body_code IS NULL) OR (role = 'board' AND body_code IS NOT NULL AND office_code IS NULL) OR (role IN ('clerk', 'printer') AND office_code IS NOT NULL AND body_code IS NULL)",
            name=op.f("ck_users_role_scope"),
        ),
        sa.CheckConstraint("username <> ''", name=op.f("ck_users_username_not_empty")),
        sa.ForeignKeyConstraint(
            ["body_code"], ["bodies.code"], name=op.f("fk_users_body_code_bodies"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["office_code"], ["offices.code"], name=op.f("fk_users_office_code_offices"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_body_code"), ["body_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_office_code"), ["office_code"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_log_object", ["object_type", "object_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_object")
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_id"))

    op.drop_table("audit_log")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_office_code"))
        batch_op.drop_index(batch_op.f("ix_users_body_code"))

    op.drop_table("users")
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bodies_office_code"))

    op.drop_table("bodies")
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offices_parent_code"))

    op.drop_table("offices")
