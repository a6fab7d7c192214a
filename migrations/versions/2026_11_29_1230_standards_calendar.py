"""Delivery standards: scan gaps (stalled, suspected lost) by urgency and the calendar, with defaults.

Revision ID: 3c6a1f0e9b21
Revises: 7b4f2c8e1a63
Create Date: 2026-11-29 12:30:00
"""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "3c6a1f0e9b21"
down_revision: str | None = "7b4f2c8e1a63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

URGENCY = sa.Enum(
    "normal", "urgent", "very_urgent", "flash", name="urgency", native_enum=False, create_constraint=True
)

# Copied, not imported: a migration must keep doing what it did when it was written.
# Reasoning in docs/delivery-standards.md.
SCAN_GAPS = {"flash": (6, 24), "very_urgent": (8, 36), "urgent": (12, 48), "normal": (24, 96)}
# Every hour counts by default (priority election mail moves every day); an admin may stop the clock on
# weekends and the holidays below outside election periods.
WEEKENDS_COUNT, HOLIDAYS_COUNT = True, True
ELECTION_PERIODS = [
    (
        "Bầu cử đại biểu Quốc hội khóa XVI và đại biểu HĐND các cấp (15/3/2026)",
        date(2026, 3, 1),
        date(2026, 3, 22),
    )
]
HOLIDAYS = [
    (date(2026, 1, 1), "Tết Dương lịch"),
    (date(2026, 2, 16), "Tết Nguyên đán"),
    (date(2026, 2, 17), "Tết Nguyên đán"),
    (date(2026, 2, 18), "Tết Nguyên đán"),
    (date(2026, 2, 19), "Tết Nguyên đán"),
    (date(2026, 2, 20), "Tết Nguyên đán"),
    (date(2026, 4, 26), "Giỗ Tổ Hùng Vương"),
    (date(2026, 4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    (date(2026, 5, 1), "Ngày Quốc tế Lao động"),
    (date(2026, 9, 1), "Quốc khánh"),
    (date(2026, 9, 2), "Quốc khánh"),
]
TABLE_FIRST_DAY, TABLE_LAST_DAY = date(2020, 1, 1), date(2040, 12, 31)


def upgrade() -> None:
    calendar_settings = op.create_table(
        "calendar_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weekends_count", sa.Boolean(), nullable=False),
        sa.Column("holidays_count", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_calendar_settings_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_settings")),
    )
    counting_days = op.create_table(
        "counting_days",
        sa.Column("day_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("counts", sa.Boolean(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day_no", name=op.f("pk_counting_days")),
    )
    with op.batch_alter_table("counting_days", schema=None) as batch_op:
        batch_op.create_index(
            "uq_counting_days_ordinal",
            ["ordinal"],
            unique=True,
            postgresql_where=sa.text("counts"),
            sqlite_where=sa.text("counts"),
        )
    election_periods = op.create_table(
        "election_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_election_periods_ordered")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_election_periods")),
    )
    holidays = op.create_table(
        "holidays",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holidays")),
    )
    scan_gaps = op.create_table(
        "scan_gap_standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("urgency", URGENCY, nullable=False),
        sa.Column("stall_hours", sa.Integer(), nullable=False),
        sa.Column("loss_hours", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "loss_hours > stall_hours AND loss_hours <= 2160",
            name=op.f("ck_scan_gap_standards_loss_after_stall"),
        ),
        sa.CheckConstraint(
            "stall_hours > 0 AND stall_hours <= 720", name=op.f("ck_scan_gap_standards_stall_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_gap_standards")),
        sa.UniqueConstraint("urgency", name="uq_scan_gap_standards_urgency"),
    )
    op.bulk_insert(
        scan_gaps,
        [{"urgency": u, "stall_hours": s, "loss_hours": lo} for u, (s, lo) in SCAN_GAPS.items()],
    )
    op.bulk_insert(
        calendar_settings, [{"id": 1, "weekends_count": WEEKENDS_COUNT, "holidays_count": HOLIDAYS_COUNT}]
    )
    op.bulk_insert(
        election_periods, [{"name": n, "starts_on": s, "ends_on": e} for n, s, e in ELECTION_PERIODS]
    )
    op.bulk_insert(holidays, [{"day": d, "name": n} for d, n in HOLIDAYS])
    op.bulk_insert(counting_days, _counting_days())


def _counts(day: date) -> bool:
    if any(first <= day <= last for _name, first, last in ELECTION_PERIODS):
        return True
    if not WEEKENDS_COUNT and day.weekday() >= 5:
        return False
    return HOLIDAYS_COUNT or day not in {d for d, _name in HOLIDAYS}


def _counting_days() -> list[dict[str, object]]:
    rows, ordinal, day = [], 0, TABLE_FIRST_DAY
    while day <= TABLE_LAST_DAY:
        counts = _counts(day)
        rows.append({"day_no": (day - date(1970, 1, 1)).days, "counts": counts, "ordinal": ordinal})
        ordinal += 1 if counts else 0
        day += timedelta(days=1)
    return rows


def downgrade() -> None:
    op.drop_table("scan_gap_standards")
    op.drop_table("holidays")
    op.drop_table("election_periods")
    with op.batch_alter_table("counting_days", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_counting_days_ordinal", postgresql_where=sa.text("counts"), sqlite_where=sa.text("counts")
        )
    op.drop_table("counting_days")
    op.drop_table("calendar_settings")
