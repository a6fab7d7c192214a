"""Print, as .po entries, every message of the code and templates that has no Vietnamese translation.

python scripts/i18n_missing.py            # all missing
python scripts/i18n_missing.py >> app/translations/vi/LC_MESSAGES/<domain>.po   # then fill msgstr
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.i18n import load_catalog  # noqa: E402

METHOD_MAP = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "_l": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
}


def extracted_messages() -> dict[str, str]:
    """msgid -> first place it is used."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid and filename.startswith("app"):
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def missing(locale: str = "vi") -> dict[str, str]:
    catalog = load_catalog(locale)
    known = catalog._catalog
    return {m: where for m, where in extracted_messages().items() if not known.get(m)}


def _po_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


if __name__ == "__main__":
    for msgid, where in sorted(missing().items(), key=lambda kv: kv[1]):
        print(f'#: {where}\nmsgid "{_po_escape(msgid)}"\nmsgstr ""\n')
