"""Add or update entries of a .po file: `python scripts/po_add.py FILE 'msgid=msgstr' ...`."""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str, pairs: list[str]) -> None:
    with open(path, "rb") as fh:
        catalog = read_po(fh)
    for pair in pairs:
        msgid, _sep, msgstr = pair.partition("=")
        catalog.add(msgid, msgstr)
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=110, sort_output=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
