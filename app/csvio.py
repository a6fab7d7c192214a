"""Reading CSV files as people make them: Excel's UTF-8 with BOM, NFC text, row-numbered errors."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.api.schemas import CONTROL_CHARACTERS
from app.errors import Invalid

MAX_CELL_ERRORS = 100  # enough to fix a file by; a garbled file would otherwise list every cell
MAX_CELL_CHARS = 10_000  # far beyond any field's own limit; a longer cell is a mistake, named by its place
# The csv module refuses a cell over 131,072 characters with an error that names neither row nor column.
# Its limit is one for the whole process, so it is raised once here (bodies are capped by the request
# size anyway) and read_csv measures the cells itself, naming the row and column of a long one.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


@dataclass
class CsvRows:
    header: list[str]
    # (row number as a spreadsheet shows it, the row as a dict of column -> text)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            _("The file is not UTF-8 text. In Excel, save as 'CSV UTF-8'."), {"file": _("Not UTF-8.")}
        ) from exc
    return unicodedata.normalize("NFC", text)


def read_csv(data: bytes, required: Iterable[str], optional: Iterable[str] = ()) -> CsvRows:
    """Parse a CSV with a header row; unknown or missing columns are errors."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise Invalid(_("The file is empty."), {"file": _("No header row.")}) from None
    required, allowed = list(required), set(required) | set(optional)
    errors: dict[str, list[str]] = {}
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c not in allowed]
    # A column named twice would let one of its cells win silently.
    repeated = [c for c in dict.fromkeys(header) if header.count(c) > 1]
    if missing:
        errors["header"] = [_("Missing column: %(col)s", col=c) for c in missing]
    if unknown:
        errors.setdefault("header", []).extend(_("Unknown column: %(col)s", col=c) for c in unknown)
    if repeated:
        errors.setdefault("header", []).extend(_("Column named twice: %(col)s", col=c) for c in repeated)
    if errors:
        raise Invalid(_("The header row does not match the expected columns."), errors)
    result = CsvRows(header=header)
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise Invalid(
                _(
                    "Row %(row)d has %(got)d cells, the header has %(want)d.",
                    row=number,
                    got=len(values),
                    want=len(header),
                ),
                {f"row {number}": _("Wrong number of cells.")},
            )
        row = {h: v.strip() for h, v in zip(header, values, strict=True)}
        for column, value in row.items():
            problem = _cell_problem(value)
            if problem and len(errors) < MAX_CELL_ERRORS:
                errors[f"row {number}.{column}"] = [problem]
        result.rows.append((number, row))
    if errors:
        raise Invalid(_("Nothing was imported: fix the cells listed and try again."), errors)
    return result


def _cell_problem(value: str) -> str | None:
    if len(value) > MAX_CELL_CHARS:
        return _("Longer than %(n)d characters.", n=MAX_CELL_CHARS)
    if CONTROL_CHARACTERS.search(value):
        return _("Contains a control character, which text may not hold.")
    return None


def row_error(row: int, column: str, message: str) -> dict[str, list[str]]:
    return {f"row {row}.{column}": [message]}
