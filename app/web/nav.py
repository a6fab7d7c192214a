"""The main menu: which pages each role sees. Pages not (yet) registered are left out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from models import Role, User

ALL = frozenset(Role)


@dataclass(frozen=True)
class Page:
    """A page of the main menu: who sees it, and (on the home page) what it is for."""

    endpoint: str
    label: object
    purpose: object
    roles: frozenset[Role]


# In menu order.
MENU: list[Page] = [
    Page(
        "board_pages.board",
        _l("Status board"),
        _l("Where each of your body's documents is, and what is late."),
        frozenset({Role.ADMIN, Role.BOARD}),
    ),
    Page(
        "consignment_pages.new",
        _l("Register"),
        _l("Send a document: to one recipient, to many, or from a CSV file."),
        frozenset({Role.ADMIN, Role.BOARD, Role.CLERK}),
    ),
    Page(
        "consignment_pages.index",
        _l("Consignments"),
        _l("Find any consignment by number, document, status or flag."),
        ALL,
    ),
    Page(
        "scan_pages.station",
        _l("Scan station"),
        _l("Scan items and bags with the barcode scanner, even offline."),
        frozenset({Role.ADMIN, Role.CLERK}),
    ),
    Page(
        "label_pages.station",
        _l("Label station"),
        _l("Print PDF sheets and thermal labels, and reprints with a reason."),
        frozenset({Role.ADMIN, Role.PRINTER}),
    ),
    Page(
        "alert_pages.index",
        _l("Alerts"),
        _l("Late, stalled, suspected lost and held items to act on."),
        frozenset({Role.ADMIN, Role.BOARD, Role.CLERK}),
    ),
    Page(
        "duty_pages.index",
        _l("Duty roster"),
        _l("Who is on duty at each office, and the hours nobody covers."),
        frozenset({Role.ADMIN, Role.CLERK}),
    ),
    Page(
        "inquiry_pages.index",
        _l("Inquiries"),
        _l("Questions about an item, answered by the post within a deadline."),
        frozenset({Role.ADMIN, Role.BOARD, Role.CLERK}),
    ),
    Page(
        "standards_pages.index",
        _l("Delivery standards"),
        _l("Delivery deadlines by urgency and area, working days and holidays."),
        frozenset({Role.ADMIN}),
    ),
    Page(
        "webhook_pages.index",
        _l("Webhooks"),
        _l("Notify other systems of status changes and alerts."),
        frozenset({Role.ADMIN}),
    ),
    Page(
        "admin_pages.index",
        _l("Administration"),
        _l("Users, offices, election bodies and tracking-number blocks."),
        frozenset({Role.ADMIN}),
    ),
]

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.BOARD: _l("Election body"),
    Role.CLERK: _l("Post-office clerk"),
    Role.PRINTER: _l("Label printing"),
}


def pages_for(user: User) -> list[Page]:
    endpoints = current_app.view_functions
    return [page for page in MENU if user.role in page.roles and page.endpoint in endpoints]


def nav_links(user: User) -> list[tuple[str, str]]:
    return [(page.endpoint, str(page.label)) for page in pages_for(user)]


def role_label(role: Role) -> str:
    return str(ROLE_LABELS.get(role, role.value))
