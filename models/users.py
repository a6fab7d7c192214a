"""Users, their role and scope, and the API tokens they hold."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, created_at, enum_column, intpk
from models.reference import Body, Office


class Role(enum.StrEnum):
    ADMIN = "admin"
    BOARD = "board"
    CLERK = "clerk"
    PRINTER = "printer"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # The scope a role is bound to lives in the database too, not only in Python.
        CheckConstraint(
            "(role = 'admin' AND office_code IS NULL AND body_code IS NULL)"
            " OR (role = 'board' AND body_code IS NOT NULL AND office_code IS NULL)"
            " OR (role IN ('clerk', 'printer') AND office_code IS NOT NULL AND body_code IS NULL)",
            name="role_scope",
        ),
        CheckConstraint("username <> ''", name="username_not_empty"),
    )

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(255))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    office_code: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("offices.code", ondelete="RESTRICT"), index=True
    )
    body_code: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("bodies.code", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[created_at]

    office: Mapped[Office | None] = relationship(lazy="joined")
    body: Mapped[Body | None] = relationship(lazy="joined")

    # Flask-Login protocol, kept here so that the web layer needs no wrapper class.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(Base):
    """A bearer token. Only its SHA-256 is stored: a leaked table yields no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User] = relationship(lazy="joined")
