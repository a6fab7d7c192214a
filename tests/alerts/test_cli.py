"""`hoatoc sweep` as operators script it: --as-of (RFC 3339, local without offset), --dry-run, failures."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from models import Alert, AlertKind
from models.base import utcnow
from tests.alerts.committed import committed, hoatoc
from tests.alerts.helpers import accepted, alerts_of, next_check

HOATOC = [sys.executable, "-c", "from app.cli import main; main()"]


@pytest.mark.committing
def test_sweep_as_of_a_local_time_raises_what_is_due_then(app):
    with committed(app) as ids:
        item = accepted(db.session)  # due 12:00 local on 10/03/2026
        ids.append(item.id)
        db.session.commit()
        before = hoatoc(app, "sweep", "--as-of", "2026-03-10T11:59:59", "--no-deliver")
        assert before.returncode == 0, before.stderr
        assert "2026-03-10T11:59:59+07:00" in before.stdout
        assert "late=0" in before.stdout
        after = hoatoc(app, "sweep", "--as-of", "2026-03-10T05:00:00Z", "--no-deliver")
        assert after.returncode == 0, after.stderr
        assert "opened late=1" in after.stdout
        db.session.expire_all()
        kinds = db.session.scalars(select(Alert.kind).where(Alert.consignment_id == item.id)).all()
        assert kinds == [AlertKind.LATE]


@pytest.mark.committing
def test_dry_run_tells_what_would_happen_and_changes_nothing(app):
    with committed(app) as ids:
        item = accepted(db.session)
        ids.append(item.id)
        db.session.commit()
        result = hoatoc(app, "sweep", "--as-of", "2026-03-11T08:00:00+07:00", "--dry-run")
        assert result.returncode == 0, result.stderr
        assert f"would open late {item.tracking}" in result.stdout
        assert "nothing was changed" in result.stdout
        db.session.expire_all()
        assert db.session.scalars(select(Alert).where(Alert.consignment_id == item.id)).all() == []


@pytest.mark.committing
def test_a_future_as_of_is_a_question_unless_it_is_a_rehearsal(app):
    """ "What will be late by tomorrow morning?" on live data must not flag items before their deadline."""
    with committed(app) as ids:
        item = accepted(db.session, at=utcnow() - timedelta(hours=1))  # due in 3 hours
        ids.append(item.id)
        db.session.commit()
        checked_at = next_check(db.session, item)
        db.session.rollback()  # a new snapshot for each look after a command
        tomorrow = (utcnow() + timedelta(days=1)).isoformat()
        asked = hoatoc(app, "sweep", "--as-of", tomorrow, "--no-deliver")
        assert asked.returncode == 0, asked.stderr
        assert f"would open late {item.tracking}" in asked.stdout
        assert "nothing was changed" in asked.stdout
        assert "--as-of is in the future" in asked.stderr
        db.session.expire_all()
        assert alerts_of(db.session, item) == []
        assert next_check(db.session, item) == checked_at  # the real sweeps still check it on time
        db.session.rollback()
        rehearsed = hoatoc(app, "sweep", "--as-of", tomorrow, "--no-deliver", "--rehearsal")
        assert rehearsed.returncode == 0, rehearsed.stderr
        db.session.expire_all()
        assert AlertKind.LATE in {a.kind for a in alerts_of(db.session, item)}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HOATOC, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    values = dict(os.environ)
    values["HOATOC_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    values.pop("HOATOC_SECRET_KEY", None)
    return values


@pytest.mark.parametrize(
    "args",
    [
        ("sweep", "--as-of", "tomorrow morning"),
        ("sweep", "--as-of", "2026-13-01T00:00"),
        ("sweep", "--every", "60", "--as-of", "2026-03-10T08:00"),
        ("sweep", "--every", "0"),
        ("webhooks", "deliver", "--batch", "0"),
    ],
)
def test_bad_arguments_fail_with_one_line(env, args):
    result = _run(env, *args)
    assert result.returncode != 0
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_an_unreachable_database_fails_with_one_line(env):
    env["HOATOC_DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    for args in (("sweep",), ("webhooks", "deliver")):
        result = _run(env, *args)
        assert result.returncode == 1
        assert result.stderr.startswith("hoatoc: database unavailable")
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_fresh_database_sweeps_cleanly(env):
    assert _run(env, "db", "upgrade").returncode == 0
    result = _run(env, "sweep", "--as-of", "2026-03-15T07:00")
    assert result.returncode == 0, result.stderr
    assert "examined 0" in result.stdout


def _lines_until(process: subprocess.Popen[str], needle: str, limit: int = 20) -> list[str]:
    """Read standard output until a line contains needle (the process is killed by the caller's timeout)."""
    seen: list[str] = []
    assert process.stdout is not None
    for _ in range(limit):
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            break
    return seen


def test_the_sweep_loop_keeps_going_and_stops_cleanly_on_sigterm(env):
    import signal

    assert _run(env, "db", "upgrade").returncode == 0
    loop = subprocess.Popen(
        [*HOATOC, "sweep", "--every", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        lines = _lines_until(loop, "sweep:")
        lines += _lines_until(loop, "sweep:")
        assert sum("sweep: examined 0" in line for line in lines) == 2, lines
    finally:
        loop.send_signal(signal.SIGTERM)
        _out, err = loop.communicate(timeout=60)
    assert loop.returncode == 0, err
