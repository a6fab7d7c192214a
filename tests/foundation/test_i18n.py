"""Every message of the code and the templates has a Vietnamese translation."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_is_translated_to_vietnamese():
    sys.path.insert(0, str(ROOT / "scripts"))
    from i18n_missing import missing

    untranslated = missing("vi")
    assert untranslated == {}, f"run scripts/i18n_missing.py; untranslated: {sorted(untranslated)[:20]}"
