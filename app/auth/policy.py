"""Who may do what: the one place where roles and scopes are decided.

Every domain asks here; nothing else compares roles. Functions answer a yes/no question
(``may_*``) or raise Forbidden (``require_*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.errors import Forbidden
from models import Role, User


def is_admin(actor: User) -> bool:
    return actor.role == Role.ADMIN


def require_admin(actor: User) -> None:
    if not is_admin(actor):
        raise Forbidden(_("Only administrators may do this."))


def may_act_for_body(actor: User, body_code: str | None) -> bool:
    """Board users act only for their own body."""
    return is_admin(actor) or (actor.role == Role.BOARD and actor.body_code == body_code)


def may_work_at_office(actor: User, office_code: str | None) -> bool:
    """Clerks scan and accept only at their own office."""
    return is_admin(actor) or (actor.role == Role.CLERK and actor.office_code == office_code)


def may_print_at_office(actor: User, office_code: str | None) -> bool:
    return is_admin(actor) or (actor.role == Role.PRINTER and actor.office_code == office_code)


def require_office(actor: User, office_code: str | None) -> None:
    if not may_work_at_office(actor, office_code):
        raise Forbidden(_("You may only work at your own post office."), {"office": _("Not your office.")})


def require_body(actor: User, body_code: str | None) -> None:
    if not may_act_for_body(actor, body_code):
        raise Forbidden(_("You may only act for your own election body."), {"sender": _("Not your body.")})


# --- Duty rosters and inquiries (operations desk) ---------------------------------------------------------


def may_manage_duty(actor: User, office_code: str | None) -> bool:
    """Admins keep every office's roster; a clerk keeps its own office's roster."""
    return is_admin(actor) or (actor.role == Role.CLERK and actor.office_code == office_code)


def require_duty_manager(actor: User, office_code: str | None) -> None:
    if not may_manage_duty(actor, office_code):
        raise Forbidden(
            _("Only the office's own clerks or an administrator may change its duty roster."),
            {"office": _("Not your office.")},
        )


def may_hold_duty(person: User, office_code: str, *, leadership: bool, higher_offices: Any = ()) -> bool:
    """Who may be put on duty at an office: its own clerks, administrators anywhere and, for leadership
    duty, the clerks of the sorting centre(s) above it (the centre's managers lead the offices under it)."""
    if not person.active:
        return False
    if person.role == Role.ADMIN:
        return True
    if person.role != Role.CLERK:
        return False
    return person.office_code == office_code or (leadership and person.office_code in higher_offices)


def may_ask_about_consignments(actor: User) -> bool:
    """Roles that may open inquiries at all (printers only print)."""
    return actor.role in (Role.ADMIN, Role.BOARD, Role.CLERK)


def may_open_inquiry(actor: User, consignment: Any) -> bool:
    """The sending or receiving body's board users, clerks who see the item, admins."""
    if not may_ask_about_consignments(actor):
        return False
    if actor.role == Role.BOARD:
        return actor.body_code in (consignment.sender_code, consignment.recipient_code)
    return may_see_consignment(actor, consignment)


def may_see_inquiry(actor: User, inquiry: Any) -> bool:
    """Admins all; clerks those routed to their office (and those they asked); boards those on their items."""
    if is_admin(actor) or inquiry.asked_by_id == actor.id:
        return True
    if actor.role == Role.CLERK:
        return actor.office_code == inquiry.office_code
    if actor.role == Role.BOARD:
        return actor.body_code in (inquiry.consignment.sender_code, inquiry.consignment.recipient_code)
    return False


def may_answer_inquiry(actor: User, inquiry: Any) -> bool:
    """The clerks of the office the inquiry was routed to, and admins."""
    return is_admin(actor) or (actor.role == Role.CLERK and actor.office_code == inquiry.office_code)


# --- Scans and bags (post-office clerks) ------------------------------------------------------------------


def may_scan(actor: User) -> bool:
    """Clerks (at their own office, checked per scan with may_work_at_office) and admins record scans."""
    return actor.role in (Role.ADMIN, Role.CLERK)


def require_scanner(actor: User) -> None:
    if not may_scan(actor):
        raise Forbidden(_("Only post-office clerks and administrators record scans and handle bags."))


def may_see_bag(actor: User, bag: Any) -> bool:
    """Admins; the clerks of both ends of the bag; the label printer of its origin office."""
    if is_admin(actor):
        return True
    if actor.role == Role.CLERK:
        return actor.office_code in (bag.origin_code, bag.destination_code)
    return actor.role == Role.PRINTER and actor.office_code == bag.origin_code


def require_bag_origin(actor: User, bag: Any) -> None:
    """Only the origin office's clerks (and admins) fill and seal a bag."""
    if not may_work_at_office(actor, bag.origin_code):
        raise Forbidden(
            _("Only the clerks of the bag's origin office may fill and seal it."),
            {"bag": _("Not your office.")},
        )


def require_bag_destination(actor: User, bag: Any) -> None:
    """Only the destination office's clerks (and admins) open a bag and check its contents."""
    if not may_work_at_office(actor, bag.destination_code):
        raise Forbidden(
            _("Only the clerks of the bag's destination office may open it."),
            {"office": _("Not your office.")},
        )


# --- Consignments (registration, visibility, confidentiality) ---------------------------------------------


@dataclass(frozen=True)
class ConsignmentScope:
    """Which consignments a user may see; the query layer turns it into SQL.

    ``everything`` for admins; ``body``: sent by or to that body (board); ``office``: originating at,
    destined to or routed through that office (clerk); ``origin_office``: originating there (printer).
    """

    everything: bool = False
    body: str | None = None
    office: str | None = None
    origin_office: str | None = None


def consignment_scope(actor: User) -> ConsignmentScope:
    if is_admin(actor):
        return ConsignmentScope(everything=True)
    if actor.role == Role.BOARD:
        return ConsignmentScope(body=actor.body_code)
    if actor.role == Role.CLERK:
        return ConsignmentScope(office=actor.office_code)
    if actor.role == Role.PRINTER:
        return ConsignmentScope(origin_office=actor.office_code)
    return ConsignmentScope()


def may_see_consignment(actor: User, consignment: Any) -> bool:
    scope = consignment_scope(actor)
    if scope.everything:
        return True
    if scope.body is not None:
        return scope.body in (consignment.sender_code, consignment.recipient_code)
    if scope.office is not None:
        return scope.office in (consignment.origin_code, consignment.destination_code) or scope.office in (
            consignment.route or []
        )
    return scope.origin_office is not None and scope.origin_office == consignment.origin_code


def may_read_classified_title(actor: User, consignment: Any) -> bool:
    """A classified document's title: admins and the sending and receiving bodies only."""
    if is_admin(actor):
        return True
    return actor.role == Role.BOARD and actor.body_code in (
        consignment.sender_code,
        consignment.recipient_code,
    )


def counter_office(actor: User) -> str | None:
    """The office whose counter a clerk registers at (the default origin of what they register)."""
    return actor.office_code if actor.role == Role.CLERK else None


def require_register_consignment(actor: User, sender_code: str, origin_code: str) -> None:
    """Boards register for their own body; clerks what is handed in at their own counter."""
    if is_admin(actor):
        return
    if actor.role == Role.BOARD:
        require_body(actor, sender_code)
        return
    if actor.role == Role.CLERK:
        if actor.office_code != origin_code:
            raise Forbidden(
                _("Clerks register only what is handed in at their own counter."),
                {"origin": _("Not your office.")},
            )
        return
    raise Forbidden(_("Your role may not register consignments."))


def may_cancel_consignment(actor: User, consignment: Any) -> bool:
    """The sender's board, the clerks of the origin office, admins."""
    if is_admin(actor):
        return True
    if actor.role == Role.BOARD:
        return actor.body_code == consignment.sender_code
    return actor.role == Role.CLERK and actor.office_code == consignment.origin_code


def may_register_consignments(actor: User) -> bool:
    """Whether the role registers at all (the form, the CSV import); which sender and office is checked above."""
    return actor.role in (Role.ADMIN, Role.BOARD, Role.CLERK)


# --- Alerts, delivery standards, webhooks -----------------------------------------------------------------


def may_list_alerts(actor: User) -> bool:
    """Admins, election bodies (their items' alerts) and clerks (their office's); not the label station."""
    return actor.role in (Role.ADMIN, Role.BOARD, Role.CLERK)


def require_alert_list(actor: User) -> ConsignmentScope:
    """The scope of the alerts a user sees: that of the consignments they see, plus their office's."""
    if not may_list_alerts(actor):
        raise Forbidden(_("Your role does not follow alerts."))
    return consignment_scope(actor)


def may_see_alert(actor: User, alert: Any) -> bool:
    if is_admin(actor):
        return True
    if not may_list_alerts(actor):
        return False
    if actor.role == Role.CLERK and alert.office_code == actor.office_code:
        return True
    return alert.consignment is not None and may_see_consignment(actor, alert.consignment)


def require_acknowledge_alert(actor: User, alert: Any) -> None:
    """Whoever sees an alert may acknowledge it: the people who can act on it."""
    if not may_see_alert(actor, alert):
        raise Forbidden(_("This alert concerns neither your body nor your office."), {"id": _("Not yours.")})
