"""Property tests for the CSV imports: whatever the file holds, it is imported whole or not at all, and a
refusal names the row and column (or the file, or the header) — never another kind of failure."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.consignments.imports import import_csv
from app.errors import Invalid
from app.reference.services import import_offices
from models import Consignment, Office

FIELD_KEY = re.compile(r"^(row \d+(\.[a-z_]+)?|file|header)$")  # "row 7": a row with too few cells
CONSIGNMENT_COLUMNS = [
    "recipient", "recipient_name", "recipient_address", "recipient_office", "document_number", "document_date",
    "document_title", "urgency", "confidentiality", "pieces", "weight_g", "reference",
]  # fmt: skip
VALID = {
    "recipient": ["UBBC-MUONGPHANG", "UBBC-MUONGNHE", "UBBC-SINTHAU", ""],
    "recipient_name": ["", "Bệnh viện tỉnh"],
    "recipient_address": ["", "Phường Mường Thanh, tỉnh Điện Biên"],
    "recipient_office": ["", "32105"],
    "document_number": ["80/CV-UBBC", "12/QĐ-UBBC"],
    "document_date": ["", "21/02/2026", "2026-02-21"],
    "document_title": ["", "Về việc niêm yết danh sách cử tri"],
    "urgency": ["Hỏa tốc", "flash", "Thượng khẩn", "khẩn", "normal"],
    "confidentiality": ["", "Mật", "none"],
    "pieces": ["1", "3"],
    "weight_g": ["", "250"],
}
FROM_PROVINCE = {"sender": "UBBC-DIENBIEN", "origin": None, "prefix": "EB"}
# Text a spreadsheet or a hostile file may hold: Vietnamese in both normal forms, separators, quotes, line
# breaks, control characters (NUL included), very long values.
NASTY = st.text(
    alphabet=st.sampled_from(list("aZ09 ,;\"'\n\r\t\x00\x07\x1bđĐơƯệ̣́\u00a0\ufeff-/.")), max_size=40
) | st.sampled_from(["", "x" * 300, "UBBC-ATLANTIS", "99999", "31/02/2026", "-1", "1e9", "Tối mật"])


@st.composite
def consignment_rows(draw):
    rows = []
    for index in range(draw(st.integers(1, 6))):
        row = {column: draw(st.sampled_from(options)) for column, options in VALID.items()}
        if not row["recipient"]:
            row["recipient_name"], row["recipient_office"] = "Bệnh viện tỉnh", "32105"
        row["reference"] = f"P-{index}"
        for column in draw(st.lists(st.sampled_from(CONSIGNMENT_COLUMNS), max_size=3)):
            row[column] = draw(NASTY)
        rows.append(row)
    return rows


def _csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _whole_or_nothing(session, model, run):
    """Run an import in a savepoint; check it took everything or nothing; undo it for the next example."""
    savepoint = session.begin_nested()
    before = _count(session, model)
    result, refused = None, None
    try:
        result = run()
    except Invalid as exc:
        refused = exc
    after = _count(session, model)
    savepoint.rollback()
    if refused is not None:
        assert refused.errors, "a refusal names what is wrong"
        assert all(FIELD_KEY.match(key) for key in refused.errors), refused.errors
        assert after == before  # nothing half-written
    return result, after - before


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=consignment_rows(), raw=st.booleans(), junk=st.binary(max_size=64))
def test_a_consignment_file_is_imported_whole_or_not_at_all(session, rows, raw, junk):
    data = junk if raw else _csv(CONSIGNMENT_COLUMNS, rows)
    result, added = _whole_or_nothing(
        session,
        Consignment,
        lambda: import_csv(session, None, data, **FROM_PROVINCE),
    )
    if result is not None:
        assert added == result["created"] == result["rows"] == len(rows)


def test_a_clean_file_from_the_strategy_is_accepted(session):
    """The strategy's unmutated rows are valid: the property above does test acceptance, not only refusal."""
    rows = [{column: options[0] for column, options in VALID.items()} | {"reference": "P-0"}]
    result, added = _whole_or_nothing(
        session,
        Consignment,
        lambda: import_csv(session, None, _csv(CONSIGNMENT_COLUMNS, rows), **FROM_PROVINCE),
    )
    assert result is not None
    assert added == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "code": st.sampled_from(["97001", "97002", "97003"]) | NASTY,
                "name": st.sampled_from(["Bưu cục Thử"]) | NASTY,
                "kind": st.sampled_from(["post_office", "sorting_centre"]) | NASTY,
                "parent": st.sampled_from(["", "32000", "97001"]) | NASTY,
                "area": st.sampled_from(["urban", "rural", "remote"]) | NASTY,
                "commune": st.sampled_from(["", "Xã Thử"]) | NASTY,
            }
        ),
        min_size=1,
        max_size=5,
    )
)
def test_an_office_file_is_imported_whole_or_not_at_all(session, rows):
    data = _csv(["code", "name", "kind", "parent", "area", "commune"], rows)
    result, added = _whole_or_nothing(session, Office, lambda: import_offices(session, None, data))
    if result is not None:
        assert added == result["created"]
        assert result["rows"] == len(rows)


def test_a_control_character_is_named_by_row_and_column(session):
    rows = [
        {column: options[0] for column, options in VALID.items()} | {"reference": f"P-{i}"} for i in (0, 1)
    ]
    rows[1]["document_title"] = "Về việc\x00bầu cử"
    data = _csv(CONSIGNMENT_COLUMNS, rows)
    result, added = _whole_or_nothing(
        session, Consignment, lambda: import_csv(session, None, data, **FROM_PROVINCE)
    )
    assert (result, added) == (None, 0)
    with pytest.raises(Invalid) as refused:
        import_csv(session, None, data, **FROM_PROVINCE)
    assert set(refused.value.errors) == {"row 3.document_title"}
