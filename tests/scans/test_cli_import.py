"""`hoatoc scans import FILE --user USERNAME`: a handheld's export recorded from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import db
from models import ScanEvent
from tests.conftest import build_app
from tests.factories import make_consignment
from tests.scans.helpers import VN, ago

HOATOC = [sys.executable, "-c", "from app.cli import main; main()"]


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HOATOC, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def database(tmp_path: Path) -> tuple[dict[str, str], str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "HOATOC_DATABASE_URL": url}
    env.pop("HOATOC_SECRET_KEY", None)
    assert run(env, "demo", "--no-serve", "--no-documents").returncode == 0
    app = build_app(url)
    with app.app_context():
        tracking = make_consignment(db.session, now=ago(600)).tracking
        db.session.commit()
    return env, tracking, app


def _events(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ScanEvent))


def test_a_csv_export_is_recorded_once_and_bad_rows_are_named(database, tmp_path):
    env, tracking, app = database
    # As handhelds write it: Vietnam time, without an offset.
    at = ago(60).astimezone(VN).strftime("%Y-%m-%dT%H:%M:%S")
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    export = tmp_path / "may-quet-01.csv"
    export.write_text(
        "id,tracking,event,office,at,reason,action,receiver\n"
        f"{first},{tracking},EMA,32100,{at},,,\n"
        f"{second},EB000000005VN,EMA,32100,{at},,,\n"
        f"{first},{tracking},EMA,32100,{at},,,\n",
        encoding="utf-8-sig",
    )
    result = run(env, "scans", "import", str(export), "--user", "gdv.32100")
    assert result.returncode == 1
    assert "row 3: rejected" in result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
    assert "1 recorded, 1 duplicate, 1 rejected" in result.stderr
    assert _events(app) == 1
    again = run(env, "scans", "import", str(export), "--user", "gdv.32100")
    assert "0 recorded, 2 duplicate, 1 rejected" in again.stderr
    assert _events(app) == 1


def test_a_json_export_and_who_may_import(database, tmp_path):
    env, tracking, app = database
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps({"scans": [{"id": str(uuid.uuid4()), "tracking": tracking, "event": "EMA"}]})
    )
    board = run(env, "scans", "import", str(export), "--user", "ubbc.tinh")
    assert board.returncode == 1
    assert len(board.stderr.strip().splitlines()) == 1
    assert _events(app) == 0
    clerk = run(env, "scans", "import", str(export), "--user", "gdv.32100")
    assert clerk.returncode == 0, clerk.stderr
    assert "1 recorded" in clerk.stdout
    assert _events(app) == 1


@pytest.mark.parametrize(
    "content",
    [
        '{"scans": ' + "[" * 100_000 + "]" * 100_000 + "}",  # deeper than the interpreter's stack
        '{"scans": ' + "[" * 900 + "]" * 900 + "}",  # read by json, then too deep for the checks after it
    ],
    ids=["deeper than json reads", "deeper than the checks after it"],
)
def test_a_json_file_nested_too_deeply_fails_with_one_line(database, tmp_path, content):
    env, _tracking, app = database
    export = tmp_path / "export.json"
    export.write_text(content)
    result = run(env, "scans", "import", str(export), "--user", "gdv.32100")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # a reason, not a traceback
    assert _events(app) == 0
