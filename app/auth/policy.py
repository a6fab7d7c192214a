"""Who may do what: the one place where roles and scopes are decided.

Every domain asks here; nothing else compares roles. Functions answer a yes/no question
(``may_*``) or raise Forbidden (``require_*``).
"""

from __future__ import annotations

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
