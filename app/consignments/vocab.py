"""The words the consignment pages show: the shared vocabulary (app/vocabulary.py, one wording for a
status on every page) and the kinds of election body, which only these pages group by."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.vocabulary import CONFIDENTIALITY, DETAIL, EVENT, FLAG, STATUS, STATUS_TONE, URGENCY

__all__ = [
    "BODY_KIND",
    "CONFIDENTIALITY",
    "DETAIL",
    "EVENT",
    "FLAG",
    "STATUS",
    "STATUS_TONE",
    "URGENCY",
    "words",
]

BODY_KIND = {
    "national_council": _l("National Election Council"),
    "province_commission": _l("Provincial election commissions"),
    "commune_commission": _l("Commune election commissions"),
    "election_board": _l("Election boards"),
    "polling_team": _l("Polling teams"),
    "agency": _l("Other agencies"),
}


def words(table: dict[str, object], key: str | None) -> str:
    return str(table.get(key or "", key or ""))
