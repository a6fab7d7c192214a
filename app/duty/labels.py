"""What the kinds of duty are called, for people (Vietnamese first)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from models.duty import DutyKind

KIND = {
    DutyKind.LEADERSHIP: _l("Leadership duty"),
    DutyKind.OPERATIONS: _l("Operations duty"),
    DutyKind.SHIFT: _l("Shift duty"),
}


def kind_label(kind: DutyKind | str) -> str:
    member = DutyKind(kind)
    return str(KIND.get(member, member.value))
