"""Delivery standards: how long an item may take, how long it may go unscanned, and which days count.

Admins change them (``app/standards``). The reasoning behind the defaults is in docs/delivery-standards.md.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, enum_column, intpk
from models.consignments import Urgency
from models.reference import Area


class DeliveryStandard(Base):
    __tablename__ = "delivery_standards"
    __table_args__ = (
        UniqueConstraint("urgency", "area", name="uq_delivery_standards_urgency_area"),
        CheckConstraint("hours > 0 AND hours <= 720", name="hours_range"),
    )

    id: Mapped[intpk]
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency, "urgency"))
    area: Mapped[Area] = mapped_column(enum_column(Area, "area"))
    # Hours from acceptance (EMA) to delivery.
    hours: Mapped[int] = mapped_column(Integer)


# Defaults, reasoned in docs/delivery-standards.md: Hỏa tốc moves at once by dedicated transport within
# the province; remote and border communes add the time of mountain roads and fewer trips a day.
DEFAULT_HOURS: dict[Urgency, dict[Area, int]] = {
    Urgency.FLASH: {Area.URBAN: 4, Area.RURAL: 8, Area.REMOTE: 12},
    Urgency.VERY_URGENT: {Area.URBAN: 8, Area.RURAL: 12, Area.REMOTE: 24},
    Urgency.URGENT: {Area.URBAN: 12, Area.RURAL: 24, Area.REMOTE: 36},
    Urgency.NORMAL: {Area.URBAN: 24, Area.RURAL: 48, Area.REMOTE: 72},
}


class ScanGapStandard(Base):
    """How long an item of an urgency may go without a scan before it is stalled, then suspected lost."""

    __tablename__ = "scan_gap_standards"
    __table_args__ = (
        UniqueConstraint("urgency", name="uq_scan_gap_standards_urgency"),
        CheckConstraint("stall_hours > 0 AND stall_hours <= 720", name="stall_range"),
        CheckConstraint("loss_hours > stall_hours AND loss_hours <= 2160", name="loss_after_stall"),
    )

    id: Mapped[intpk]
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency, "urgency"))
    # The longest time allowed between two scans (or since registration before the first one).
    stall_hours: Mapped[int] = mapped_column(Integer)
    # No scan for this long: the item is suspected lost.
    loss_hours: Mapped[int] = mapped_column(Integer)


# (stall hours, loss hours) per urgency; reasoned in docs/delivery-standards.md.
DEFAULT_SCAN_GAPS: dict[Urgency, tuple[int, int]] = {
    Urgency.FLASH: (6, 24),
    Urgency.VERY_URGENT: (8, 36),
    Urgency.URGENT: (12, 48),
    Urgency.NORMAL: (24, 96),
}


class CalendarSettings(Base):
    """Which days the delivery clock runs on outside election periods. One row (id 1)."""

    __tablename__ = "calendar_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    weekends_count: Mapped[bool] = mapped_column(Boolean)
    holidays_count: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Holiday(Base):
    """A public holiday (local date): does not count unless holidays count or an election period covers it."""

    __tablename__ = "holidays"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))


class ElectionPeriod(Base):
    """Local dates (both included) during which every hour counts, weekends and holidays alike."""

    __tablename__ = "election_periods"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="ordered"),)

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(255))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class CountingDay(Base):
    """The calendar above, unrolled per local day so that the sweep can add counting hours in SQL.

    Derived data: rebuilt by ``app.standards.services`` whenever the calendar changes. ``day_no`` is
    the number of days since 1970-01-01 (local); ``ordinal`` the number of counting days before it,
    so that "k counting days after d" is an equality join (see app/standards/calendar.py).
    """

    __tablename__ = "counting_days"
    __table_args__ = (
        Index(
            "uq_counting_days_ordinal",
            "ordinal",
            unique=True,
            postgresql_where=text("counts"),
            sqlite_where=text("counts"),
        ),
    )

    day_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    counts: Mapped[bool] = mapped_column(Boolean)
    ordinal: Mapped[int] = mapped_column(Integer)
