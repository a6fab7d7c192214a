"""Reference data: post offices and the election bodies they deliver to."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, code_str, enum_column, name_str


class OfficeKind(enum.StrEnum):
    POST_OFFICE = "post_office"
    SORTING_CENTRE = "sorting_centre"


class Area(enum.StrEnum):
    URBAN = "urban"
    RURAL = "rural"
    REMOTE = "remote"


class BodyKind(enum.StrEnum):
    NATIONAL_COUNCIL = "national_council"
    PROVINCE_COMMISSION = "province_commission"
    COMMUNE_COMMISSION = "commune_commission"
    ELECTION_BOARD = "election_board"
    POLLING_TEAM = "polling_team"
    AGENCY = "agency"


class Office(Base):
    __tablename__ = "offices"
    __table_args__ = (CheckConstraint("code <> ''", name="code_not_empty"),)

    code: Mapped[code_str] = mapped_column(primary_key=True)
    name: Mapped[name_str]
    kind: Mapped[OfficeKind] = mapped_column(enum_column(OfficeKind, "office_kind"))
    # The sorting centre (or higher office) this office exchanges mail through.
    parent_code: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("offices.code", ondelete="RESTRICT"), index=True
    )
    area: Mapped[Area] = mapped_column(enum_column(Area, "area"))
    commune: Mapped[str | None] = mapped_column(String(255))

    parent: Mapped[Office | None] = relationship(remote_side=[code], lazy="joined", join_depth=1)

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class Body(Base):
    __tablename__ = "bodies"
    __table_args__ = (CheckConstraint("code <> ''", name="code_not_empty"),)

    code: Mapped[code_str] = mapped_column(primary_key=True)
    name: Mapped[name_str]
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind, "body_kind"))
    address: Mapped[str | None] = mapped_column(String(500))
    commune: Mapped[str | None] = mapped_column(String(255))
    # The post office that delivers to this body.
    office_code: Mapped[str] = mapped_column(
        String(32), ForeignKey("offices.code", ondelete="RESTRICT"), index=True
    )

    office: Mapped[Office] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Body {self.code}>"
