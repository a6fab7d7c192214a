"""Write a .po file from a Python mapping {msgid: msgstr}: `python scripts/po_from_dict.py mapping.py out.po`.

The mapping file defines TRANSLATIONS = {...}. Handy for adding a domain's Vietnamese catalog at once.
"""

from __future__ import annotations

import runpy
import sys

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po


def main(mapping_path: str, out_path: str) -> None:
    translations: dict[str, str] = runpy.run_path(mapping_path)["TRANSLATIONS"]
    catalog = Catalog(locale="vi", project="hoatoc", charset="utf-8")
    for msgid, msgstr in translations.items():
        catalog.add(msgid, msgstr)
    with open(out_path, "wb") as fh:
        write_po(fh, catalog, width=110, omit_header=False, sort_output=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
