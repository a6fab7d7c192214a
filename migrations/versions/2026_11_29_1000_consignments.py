"""Consignments, dispatches, serial blocks, scan events, alerts and delivery standards (with defaults).

Revision ID: 89386f350e10
Revises: 1dd797e5a38a
Create Date: 2026-11-29 09:41:07.547653
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "89386f350e10"
down_revision: str | None = "1dd797e5a38a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "urgency",
            sa.Enum(
                "normal",
                "urgent",
                "very_urgent",
                "flash",
                name="urgency",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "area",
            sa.Enum("urban", "rural", "remote", name="area", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.CheckConstraint("hours > 0 AND hours <= 720", name=op.f("ck_delivery_standards_hours_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_standards")),
        sa.UniqueConstraint("urgency", "area", name="uq_delivery_standards_urgency_area"),
    )
    op.create_table(
        "serial_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=2), nullable=False),
        sa.Column("country", sa.String(length=2), server_default="VN", nullable=False),
        sa.Column("first_serial", sa.Integer(), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.Column("next_serial", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("first_serial <= last_serial", name=op.f("ck_serial_blocks_first_before_last")),
        sa.CheckConstraint(
            "first_serial >= 0 AND last_serial <= 99999999", name=op.f("ck_serial_blocks_serial_range")
        ),
        sa.CheckConstraint("length(prefix) = 2", name=op.f("ck_serial_blocks_prefix_length")),
        sa.CheckConstraint(
            "next_serial >= first_serial AND next_serial <= last_serial + 1",
            name=op.f("ck_serial_blocks_next_in_block"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_serial_blocks")),
    )
    with op.batch_alter_table("serial_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_serial_blocks_prefix"), ["prefix"], unique=False)

    op.create_table(
        "dispatches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_code", sa.String(length=32), nullable=False),
        sa.Column("doc_number", sa.String(length=64), nullable=False),
        sa.Column("doc_title", sa.String(length=500), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_dispatches_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sender_code"],
            ["bodies.code"],
            name=op.f("fk_dispatches_sender_code_bodies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatches")),
    )
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispatches_sender_code"), ["sender_code"], unique=False)

    op.create_table(
        "consignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking", sa.String(length=13), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "registered",
                "accepted",
                "in_transit",
                "at_delivery_office",
                "out_for_delivery",
                "delivery_failed",
                "held",
                "delivered",
                "returned",
                "cancelled",
                name="status",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("sender_code", sa.String(length=32), nullable=False),
        sa.Column("recipient_code", sa.String(length=32), nullable=True),
        sa.Column("recipient_name", sa.String(length=255), nullable=False),
        sa.Column("recipient_address", sa.String(length=500), nullable=True),
        sa.Column("origin_code", sa.String(length=32), nullable=False),
        sa.Column("destination_code", sa.String(length=32), nullable=False),
        sa.Column(
            "route",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("doc_number", sa.String(length=64), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("doc_title", sa.String(length=500), nullable=True),
        sa.Column(
            "urgency",
            sa.Enum(
                "normal",
                "urgent",
                "very_urgent",
                "flash",
                name="urgency",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "confidentiality",
            sa.Enum(
                "none",
                "confidential",
                "secret",
                "top_secret",
                name="confidentiality",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("deliver_by", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pieces", sa.Integer(), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("dispatch_id", sa.Integer(), nullable=True),
        sa.Column("dispatch_position", sa.Integer(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_to", sa.String(length=255), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_event_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_office_code", sa.String(length=32), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.CheckConstraint("length(tracking) = 13", name=op.f("ck_consignments_tracking_length")),
        sa.CheckConstraint("pieces >= 1 AND pieces <= 99", name=op.f("ck_consignments_pieces_range")),
        sa.CheckConstraint(
            "recipient_code IS NOT NULL OR recipient_name IS NOT NULL",
            name=op.f("ck_consignments_has_recipient"),
        ),
        sa.CheckConstraint(
            "weight_g IS NULL OR (weight_g > 0 AND weight_g <= 30000)",
            name=op.f("ck_consignments_weight_range"),
        ),
        sa.ForeignKeyConstraint(
            ["destination_code"],
            ["offices.code"],
            name=op.f("fk_consignments_destination_code_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["dispatch_id"],
            ["dispatches.id"],
            name=op.f("fk_consignments_dispatch_id_dispatches"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["last_office_code"],
            ["offices.code"],
            name=op.f("fk_consignments_last_office_code_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["origin_code"],
            ["offices.code"],
            name=op.f("fk_consignments_origin_code_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_code"],
            ["bodies.code"],
            name=op.f("fk_consignments_recipient_code_bodies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["users.id"],
            name=op.f("fk_consignments_registered_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sender_code"],
            ["bodies.code"],
            name=op.f("fk_consignments_sender_code_bodies"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consignments")),
        sa.UniqueConstraint("sender_code", "reference", name="uq_consignments_sender_reference"),
        sa.UniqueConstraint("tracking", name=op.f("uq_consignments_tracking")),
    )
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consignments_changed_at"), ["changed_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_consignments_destination_code"), ["destination_code"], unique=False
        )
        batch_op.create_index("ix_consignments_dispatch", ["dispatch_id", "dispatch_position"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_last_event_at"), ["last_event_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_origin_code"), ["origin_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_recipient_code"), ["recipient_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_registered_at"), ["registered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_consignments_sender_code"), ["sender_code"], unique=False)
        batch_op.create_index("ix_consignments_status_due", ["status", "due_at"], unique=False)

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "late",
                "stalled",
                "suspected_lost",
                "missing_from_bag",
                "misrouted",
                "sequence_anomaly",
                "security_hold",
                "duty_gap",
                "inquiry_overdue",
                name="alert_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("consignment_id", sa.Integer(), nullable=True),
        sa.Column("cause_key", sa.String(length=128), server_default="", nullable=False),
        sa.Column("office_code", sa.String(length=32), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "acknowledged",
                "resolved",
                name="alert_state",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledge_note", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_alerts_acknowledged_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["consignments.id"],
            name=op.f("fk_alerts_consignment_id_consignments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["office_code"], ["offices.code"], name=op.f("fk_alerts_office_code_offices"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_consignment_id"), ["consignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_office_code"), ["office_code"], unique=False)
        batch_op.create_index("ix_alerts_state_opened", ["state", "opened_at"], unique=False)
        batch_op.create_index(
            "uq_alerts_open_general_cause",
            ["kind", "cause_key"],
            unique=True,
            postgresql_where=sa.text("state <> 'resolved' AND consignment_id IS NULL"),
            sqlite_where=sa.text("state <> 'resolved' AND consignment_id IS NULL"),
        )
        batch_op.create_index(
            "uq_alerts_open_cause",
            ["consignment_id", "kind", "cause_key"],
            unique=True,
            postgresql_where=sa.text("state <> 'resolved'"),
            sqlite_where=sa.text("state <> 'resolved'"),
        )

    op.create_table(
        "scan_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("consignment_id", sa.Integer(), nullable=False),
        sa.Column(
            "event",
            sa.Enum(
                "EMA",
                "EDD",
                "EDE",
                "EMG",
                "EDG",
                "EMH",
                "EMI",
                "EDF",
                "EDH",
                "XHD",
                "XRL",
                "XRS",
                name="event_code",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("office_code", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("bag_scan_id", sa.String(length=36), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_scan_events_by_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["consignment_id"],
            ["consignments.id"],
            name=op.f("fk_scan_events_consignment_id_consignments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["office_code"],
            ["offices.code"],
            name=op.f("fk_scan_events_office_code_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_events")),
    )
    with op.batch_alter_table("scan_events", schema=None) as batch_op:
        batch_op.create_index("ix_scan_events_consignment_at", ["consignment_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_scan_events_recorded_at"), ["recorded_at"], unique=False)

    _insert_default_standards()


# Hours from acceptance to delivery; reasoning in docs/delivery-standards.md. Copied, not imported:
# a migration must keep doing what it did when it was written.
DEFAULT_HOURS = {
    "flash": {"urban": 4, "rural": 8, "remote": 12},
    "very_urgent": {"urban": 8, "rural": 12, "remote": 24},
    "urgent": {"urban": 12, "rural": 24, "remote": 36},
    "normal": {"urban": 24, "rural": 48, "remote": 72},
}


def _insert_default_standards() -> None:
    table = sa.table("delivery_standards", sa.column("urgency"), sa.column("area"), sa.column("hours"))
    rows = [
        {"urgency": u, "area": a, "hours": h}
        for u, by_area in DEFAULT_HOURS.items()
        for a, h in by_area.items()
    ]
    op.bulk_insert(table, rows)


def downgrade() -> None:
    with op.batch_alter_table("scan_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scan_events_recorded_at"))
        batch_op.drop_index("ix_scan_events_consignment_at")

    op.drop_table("scan_events")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_alerts_open_cause",
            postgresql_where=sa.text("state <> 'resolved'"),
            sqlite_where=sa.text("state <> 'resolved'"),
        )
        batch_op.drop_index("uq_alerts_open_general_cause")
        batch_op.drop_index("ix_alerts_state_opened")
        batch_op.drop_index(batch_op.f("ix_alerts_office_code"))
        batch_op.drop_index(batch_op.f("ix_alerts_consignment_id"))

    op.drop_table("alerts")
    with op.batch_alter_table("consignments", schema=None) as batch_op:
        batch_op.drop_index("ix_consignments_status_due")
        batch_op.drop_index(batch_op.f("ix_consignments_sender_code"))
        batch_op.drop_index(batch_op.f("ix_consignments_registered_at"))
        batch_op.drop_index(batch_op.f("ix_consignments_recipient_code"))
        batch_op.drop_index(batch_op.f("ix_consignments_origin_code"))
        batch_op.drop_index(batch_op.f("ix_consignments_last_event_at"))
        batch_op.drop_index("ix_consignments_dispatch")
        batch_op.drop_index(batch_op.f("ix_consignments_destination_code"))
        batch_op.drop_index(batch_op.f("ix_consignments_changed_at"))

    op.drop_table("consignments")
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatches_sender_code"))

    op.drop_table("dispatches")
    with op.batch_alter_table("serial_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_serial_blocks_prefix"))

    op.drop_table("serial_blocks")
    op.drop_table("delivery_standards")
