"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from models.audit import AuditEntry
from models.base import Base
from models.reference import Area, Body, BodyKind, Office, OfficeKind
from models.users import ApiToken, Role, User

__all__ = [
    "ApiToken",
    "Area",
    "AuditEntry",
    "Base",
    "Body",
    "BodyKind",
    "Office",
    "OfficeKind",
    "Role",
    "User",
]
