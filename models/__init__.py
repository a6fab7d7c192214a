"""SQLAlchemy models, one module per aggregate. Importing this package registers them all.

Every module of the package is imported below so that its tables join the metadata (migrations and
``alembic check`` see them) without this file listing each one; import names from their module.
"""

import importlib as _importlib
import pkgutil as _pkgutil

from models.alerts import SEVERITY, Alert, AlertKind, AlertState
from models.audit import AuditEntry
from models.base import Base
from models.consignments import Confidentiality, Consignment, Dispatch, Status, Urgency
from models.events import EventCode, ScanEvent
from models.reference import Area, Body, BodyKind, Office, OfficeKind
from models.serials import SerialBlock
from models.standards import DEFAULT_HOURS, DeliveryStandard
from models.users import ApiToken, Role, User

__all__ = [
    "DEFAULT_HOURS",
    "SEVERITY",
    "Alert",
    "AlertKind",
    "AlertState",
    "ApiToken",
    "Area",
    "AuditEntry",
    "Base",
    "Body",
    "BodyKind",
    "Confidentiality",
    "Consignment",
    "DeliveryStandard",
    "Dispatch",
    "EventCode",
    "Office",
    "OfficeKind",
    "Role",
    "ScanEvent",
    "SerialBlock",
    "Status",
    "Urgency",
    "User",
]

for _info in _pkgutil.iter_modules(__path__):
    _importlib.import_module(f"{__name__}.{_info.name}")
