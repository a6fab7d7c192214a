"""The main menu: which pages each role sees. Pages not (yet) registered are left out."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from models import Role, User

ALL = frozenset(Role)

# (endpoint, label, roles that see it), in menu order.
MENU: list[tuple[str, object, frozenset[Role]]] = [
    ("board_pages.board", _l("Status board"), frozenset({Role.ADMIN, Role.BOARD})),
    ("consignment_pages.new", _l("Register"), frozenset({Role.ADMIN, Role.BOARD, Role.CLERK})),
    ("consignment_pages.index", _l("Consignments"), ALL),
    ("scan_pages.station", _l("Scan station"), frozenset({Role.ADMIN, Role.CLERK})),
    ("label_pages.station", _l("Label station"), frozenset({Role.ADMIN, Role.PRINTER})),
    ("alert_pages.index", _l("Alerts"), frozenset({Role.ADMIN, Role.BOARD, Role.CLERK})),
    ("duty_pages.index", _l("Duty roster"), frozenset({Role.ADMIN, Role.CLERK})),
    ("inquiry_pages.index", _l("Inquiries"), frozenset({Role.ADMIN, Role.BOARD, Role.CLERK})),
    ("standards_pages.index", _l("Delivery standards"), frozenset({Role.ADMIN})),
    ("webhook_pages.index", _l("Webhooks"), frozenset({Role.ADMIN})),
    ("admin_pages.index", _l("Administration"), frozenset({Role.ADMIN})),
]

# What each page is for, one line under its tile on the home page.
PURPOSE = {
    "board_pages.board": _l("Where each of your body's documents is, and what is late."),
    "consignment_pages.new": _l("Send a document: to one recipient, to many, or from a CSV file."),
    "consignment_pages.index": _l("Find any consignment by number, document, status or flag."),
    "scan_pages.station": _l("Scan items and bags with the barcode scanner, even offline."),
    "label_pages.station": _l("Print PDF sheets and thermal labels, and reprints with a reason."),
    "alert_pages.index": _l("Late, stalled, suspected lost and held items to act on."),
    "duty_pages.index": _l("Who is on duty at each office, and the hours nobody covers."),
    "inquiry_pages.index": _l("Questions about an item, answered by the post within a deadline."),
    "standards_pages.index": _l("Delivery deadlines by urgency and area, working days and holidays."),
    "webhook_pages.index": _l("Notify other systems of status changes and alerts."),
    "admin_pages.index": _l("Users, offices, election bodies and tracking-number blocks."),
}

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.BOARD: _l("Election body"),
    Role.CLERK: _l("Post-office clerk"),
    Role.PRINTER: _l("Label printing"),
}


def nav_links(user: User) -> list[tuple[str, str]]:
    endpoints = current_app.view_functions
    return [(ep, str(label)) for ep, label, roles in MENU if user.role in roles and ep in endpoints]


def role_label(role: Role) -> str:
    return str(ROLE_LABELS.get(role, role.value))
