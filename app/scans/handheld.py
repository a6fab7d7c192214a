"""Reading a handheld scanner's export: CSV (id,tracking,event,office,at,reason,action,receiver; ``bag`` may
stand for ``tracking``) or the API's JSON (``{"scans": [...]}`` or a bare list). Each row becomes the scan
the API would have received, so the same rules, ids and retries apply.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _

from app.api.parsing import MAX_JSON_DEPTH, nested_deeper_than
from app.api.schemas import normalise_text
from app.csvio import decode, read_csv
from app.errors import Invalid
from app.scans.inputs import MAX_SCANS

CSV_REQUIRED = ("id", "event")
CSV_OPTIONAL = ("tracking", "bag", "office", "at", "reason", "action", "receiver")
DETAILS = ("reason", "action", "receiver")


def read_export(data: bytes, name: str = "") -> list[tuple[int, Any]]:
    """(row or position number, raw scan) for every scan of the file, in file order."""
    text = decode(data)
    if name.lower().endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return _from_json(text)
    parsed = read_csv(data, required=CSV_REQUIRED, optional=CSV_OPTIONAL)
    return [(number, _scan(row)) for number, row in parsed.rows]


def _scan(row: dict[str, str]) -> dict[str, Any]:
    scan: dict[str, Any] = {"id": row["id"], "event": row["event"]}
    for key in ("tracking", "bag", "office", "at"):
        if row.get(key):
            scan[key] = row[key]
    scan["details"] = {key: row[key] for key in DETAILS if row.get(key)}
    return scan


def _from_json(text: str) -> list[tuple[int, Any]]:
    try:
        data = json.loads(text)
    except ValueError:
        raise Invalid(_("The file is neither CSV nor JSON."), {"file": _("Not JSON.")}) from None
    except RecursionError:
        raise _too_deep() from None
    # A request body's limit (app.api.parsing): deeper, reading it (normalise_text) would overflow the stack.
    # Text that is not Unicode is the scan reader's to refuse, scan by scan, as for a request.
    if nested_deeper_than(data, MAX_JSON_DEPTH):
        raise _too_deep()
    scans = data.get("scans") if isinstance(data, dict) else data
    if not isinstance(scans, list):
        raise Invalid(_("A JSON export holds a list of scans."), {"file": _("No list of scans.")})
    return [(position, normalise_text(scan)) for position, scan in enumerate(scans, start=1)]


def _too_deep() -> Invalid:
    return Invalid(_("The file is neither CSV nor JSON."), {"file": _("Nested too deeply.")})


def parts(rows: list[tuple[int, Any]], size: int = MAX_SCANS) -> Iterator[list[tuple[int, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
