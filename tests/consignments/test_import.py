"""CSV import (docs/consignments-csv.md): all or nothing, row-numbered errors, Vietnamese kept exactly."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select

from app.consignments.imports import import_csv
from app.errors import Forbidden, Invalid
from models import Consignment, Urgency, User
from tests.consignments.helpers import counts
from tests.support import assert_problem

ROOT = Path(__file__).resolve().parents[2]
HEADER = "recipient,recipient_name,recipient_address,recipient_office,document_number,document_date,document_title,urgency,confidentiality,pieces,weight_g,reference\n"
TITLE = "Về việc niêm yết danh sách cử tri"
ROWS = [
    f"UBBC-MUONGPHANG,,,,80/CV-UBBC,21/02/2026,{TITLE},Hỏa tốc,,1,250,CSV-1\n",
    f"UBBC-MUONGNHE,,,,80/CV-UBBC,2026-02-21,{TITLE},flash,,2,,CSV-2\n",
    "UBBC-SINTHAU,,,,81/QĐ-UBBC,,,Thượng khẩn,Mật,1,,CSV-3\n",
    ',Bệnh viện tỉnh,"Phường Mường Thanh, tỉnh Điện Biên",32105,82/CV-UBBC,,,khẩn,,1,,CSV-4\n',
]


def csv_bytes(rows: list[str], *, bom: bool = False, nfd: bool = False) -> bytes:
    text = HEADER + "".join(rows)
    if nfd:
        text = unicodedata.normalize("NFD", text)
    return (("\ufeff" if bom else "") + text).encode()


def test_import_with_bom_and_nfd_keeps_vietnamese_as_nfc(session):
    result = import_csv(session, None, csv_bytes(ROWS, bom=True, nfd=True), sender="UBBC-DIENBIEN", origin=None,
                        prefix="EB")  # fmt: skip
    assert (result["rows"], result["created"], result["existing"]) == (4, 4, 0)
    assert [i["row"] for i in result["consignments"]] == [2, 3, 4, 5]
    assert result["consignments"][3]["recipient"] == "Bệnh viện tỉnh"
    stored = {
        c.reference: c
        for c in session.scalars(select(Consignment).where(Consignment.reference.like("CSV-%")))
    }
    assert stored["CSV-1"].doc_title == unicodedata.normalize("NFC", TITLE)
    assert str(stored["CSV-1"].doc_date) == "2026-02-21"
    assert stored["CSV-1"].urgency == Urgency.FLASH
    assert stored["CSV-3"].urgency == Urgency.VERY_URGENT
    assert stored["CSV-3"].confidentiality.value == "confidential"
    assert stored["CSV-4"].recipient_address == "Phường Mường Thanh, tỉnh Điện Biên"
    assert stored["CSV-4"].destination_code == "32105"


def test_importing_the_same_file_again_registers_nothing(session):
    data = csv_bytes(ROWS[:3])
    first = import_csv(session, None, data, sender="UBBC-DIENBIEN", origin=None, prefix="EB")
    before = counts(session)
    second = import_csv(session, None, data, sender="UBBC-DIENBIEN", origin=None, prefix="EB")
    assert (second["created"], second["existing"]) == (0, 3)
    assert [i["tracking"] for i in second["consignments"]] == [i["tracking"] for i in first["consignments"]]
    assert counts(session)[:2] == before[:2]


def test_a_bad_row_names_row_and_column_and_imports_nothing(session):
    rows = [ROWS[0], ROWS[1], "UBBC-SINTHAU,,,,81/QĐ,,,sớm,,1,,CSV-3\n", ROWS[0].replace("CSV-1", "CSV-5"),
            ROWS[1].replace("CSV-2", "CSV-6"), "UBBC-ATLANTIS,,,,80/CV,,,flash,,1,,CSV-7\n"]  # fmt: skip
    before = counts(session)
    with pytest.raises(Invalid) as excinfo:
        import_csv(session, None, csv_bytes(rows), sender="UBBC-DIENBIEN", origin=None, prefix="EB")
    assert set(excinfo.value.errors) == {"row 4.urgency", "row 7.recipient"}
    assert "UBBC-ATLANTIS" in excinfo.value.errors["row 7.recipient"][0]
    assert counts(session) == before


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (",,,,80/CV,,,flash,,1,,\n", "recipient_name"),
        (",Ông A,,99999,80/CV,,,flash,,1,,\n", "recipient_office"),
        ("UBBC-MUONGNHE,,,,,,,flash,,1,,\n", "document_number"),
        ("UBBC-MUONGNHE,,,,80/CV,31/02/2026,,flash,,1,,\n", "document_date"),
        ("UBBC-MUONGNHE,,,,80/CV,,,flash,,0,,\n", "pieces"),
        ("UBBC-MUONGNHE,,,,80/CV,,,flash,,1,nặng,\n", "weight_g"),
        ("UBBC-MUONGNHE,,,,80/CV,,,flash,rất mật,1,,\n", "confidentiality"),
        ("UBBC-MUONGNHE,,,,80/CV,,,flash,,1,,CSV-1\n", "reference"),  # twice in the file
    ],
)
def test_each_column_is_named(session, row, column):
    with pytest.raises(Invalid) as excinfo:
        import_csv(session, None, csv_bytes([ROWS[0], row]), sender="UBBC-DIENBIEN", origin=None, prefix="EB")
    assert f"row 3.{column}" in excinfo.value.errors, excinfo.value.errors


def test_header_and_empty_files(session):
    with pytest.raises(Invalid) as excinfo:
        import_csv(
            session, None, b"recipient,colour\nX,red\n", sender="UBBC-DIENBIEN", origin=None, prefix="EB"
        )
    assert "header" in excinfo.value.errors
    with pytest.raises(Invalid) as excinfo:
        import_csv(session, None, HEADER.encode(), sender="UBBC-DIENBIEN", origin=None, prefix="EB")
    assert "file" in excinfo.value.errors
    with pytest.raises(Invalid) as excinfo:
        import_csv(session, None, "ỗ".encode("utf-16"), sender="UBBC-DIENBIEN", origin=None, prefix="EB")
    assert "file" in excinfo.value.errors


def test_rows_without_a_sender_need_one(session):
    with pytest.raises(Invalid) as excinfo:
        import_csv(session, None, csv_bytes(ROWS[:1]), sender=None, origin=None, prefix="EB")
    assert "row 2.sender" in excinfo.value.errors


def test_api_upload(api, session):
    upload = {"file": (io.BytesIO(csv_bytes(ROWS)), "gui.csv", "text/csv")}
    response = api.as_("board").post(
        "/api/v1/consignments/import", data=upload, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["created"] == 4
    bad = {"file": (io.BytesIO(csv_bytes([ROWS[0], "UBBC-X,,,,1,,,flash,,1,,\n"])), "gui.csv")}
    before = counts(session)
    problem = assert_problem(
        api.as_("board").post("/api/v1/consignments/import", data=bad, content_type="multipart/form-data"),
        422,
        "row 3.recipient",
    )
    assert problem["errors"]
    assert counts(session) == before
    missing = api.as_("board").post(
        "/api/v1/consignments/import", data={}, content_type="multipart/form-data"
    )
    assert_problem(missing, 422, "files.file")


def test_scope_applies_row_by_row(api, session):
    other_sender = csv_bytes([ROWS[0].replace("UBBC-MUONGPHANG", "UBBC-MUONGNHE")])
    upload = {"file": (io.BytesIO(other_sender), "x.csv"), "sender": "UBBC-MUONGLAY"}
    problem = assert_problem(
        api.as_("board2").post(
            "/api/v1/consignments/import", data=upload, content_type="multipart/form-data"
        ),
        422,
    )
    assert "row 2.sender" in problem["errors"]
    printer = {"file": (io.BytesIO(csv_bytes(ROWS)), "x.csv")}
    assert_problem(
        api.as_("printer").post(
            "/api/v1/consignments/import", data=printer, content_type="multipart/form-data"
        ),
        403,
    )
    printer_user = session.scalar(select(User).where(User.username == "in.32100"))
    with pytest.raises(Forbidden):
        import_csv(session, printer_user, csv_bytes(ROWS), sender="UBBC-DIENBIEN", origin=None, prefix="EB")


def _hoatoc(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from app.cli import main; main()", *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)


def test_command_line_import(tmp_path):
    env = dict(
        os.environ, HOATOC_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", HOATOC_DEMO_PASSWORD="demo-pass-1"
    )
    assert _hoatoc(env, "demo", "--no-serve", "--no-documents").returncode == 0
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(ROWS, bom=True))
    result = _hoatoc(env, "consignments", "import", str(good), "--sender", "UBBC-DIENBIEN")
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.strip().splitlines()]
    assert [line[0] for line in lines] == ["2", "3", "4", "5"]
    assert all(line[3] == "created" for line in lines)
    assert "4 registered" in result.stderr
    again = _hoatoc(env, "consignments", "import", str(good), "--sender", "UBBC-DIENBIEN")
    assert {line.split("\t")[3] for line in again.stdout.strip().splitlines()} == {"existing"}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([ROWS[0].replace("CSV-1", "CSV-9"), "UBBC-X,,,,1,,,flash,,1,,\n"]))
    failed = _hoatoc(env, "consignments", "import", str(bad), "--sender", "UBBC-DIENBIEN")
    assert failed.returncode != 0
    assert failed.stdout == ""
    assert len(failed.stderr.strip().splitlines()) == 1
    assert "row 3.recipient" in failed.stderr


def test_a_huge_cell_is_named_by_row_and_column(api, session):
    """Beyond the csv module's own field limit (131,072 characters) too: a 422, never a 500."""
    huge = ROWS[1].replace(TITLE, "x" * 2_000_000)
    before = counts(session)
    with pytest.raises(Invalid) as excinfo:
        import_csv(
            session, None, csv_bytes([ROWS[0], huge]), sender="UBBC-DIENBIEN", origin=None, prefix="EB"
        )
    assert set(excinfo.value.errors) == {"row 3.document_title"}
    upload = {"file": (io.BytesIO(csv_bytes([ROWS[0], huge])), "gui.csv")}
    response = api.as_("board").post(
        "/api/v1/consignments/import", data=upload, content_type="multipart/form-data"
    )
    assert_problem(response, 422, "row 3.document_title")
    assert counts(session) == before


def test_a_column_named_twice_is_refused(api, session):
    data = b"recipient,recipient,document_number,urgency\nUBBC-MUONGPHANG,UBBC-MUONGNHE,CSV/2,flash\n"
    before = counts(session)
    with pytest.raises(Invalid) as excinfo:
        import_csv(session, None, data, sender="UBBC-DIENBIEN", origin=None, prefix="EB")
    assert set(excinfo.value.errors) == {"header"}
    assert "recipient" in excinfo.value.errors["header"][0]
    upload = {"file": (io.BytesIO(data), "gui.csv")}
    response = api.as_("board").post(
        "/api/v1/consignments/import", data=upload, content_type="multipart/form-data"
    )
    assert_problem(response, 422, "header")
    assert counts(session) == before
