"""Delivery standards: how long an item may take, by urgency and destination area. Admins change them."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_column, intpk
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
