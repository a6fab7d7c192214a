"""`hoatoc duty` as operators script it: real processes, real exit codes, a database of its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HOATOC = [sys.executable, "-c", "from app.cli import main; main()"]


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = dict(os.environ)
    env["HOATOC_DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('duty-cli') / 'cli.db'}"
    env["HOATOC_ELECTION_PERIODS"] = "2026-03-01/2026-03-22"
    env.pop("HOATOC_SECRET_KEY", None)
    assert run(env, "demo", "--no-serve", "--no-documents").returncode == 0
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HOATOC, *args], env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2]
    )


def _counts(stdout: str) -> tuple[int, int]:
    match = re.search(r"duty gaps: (\d+) opened, (\d+) resolved", stdout)
    assert match, stdout
    return int(match.group(1)), int(match.group(2))


def test_check_as_of_a_rehearsal_time_raises_then_resolves(cli_env):
    before = run(cli_env, "duty", "check", "--as-of", "2026-02-27T08:00")
    assert before.returncode == 0, before.stderr
    assert _counts(before.stdout) == (0, 0)

    eve = run(cli_env, "duty", "check", "--as-of", "2026-02-28T08:00")
    assert eve.returncode == 0, eve.stderr
    opened, _resolved = _counts(eve.stdout)
    assert opened > 0
    assert "overdue inquiries: 0 opened" in eve.stdout
    assert _counts(run(cli_env, "duty", "check", "--as-of", "2026-02-28T08:00").stdout) == (0, 0)

    after = run(cli_env, "duty", "check", "--as-of", "2026-03-23T00:00+07:00")
    assert _counts(after.stdout) == (0, opened)


def test_who_and_failures(cli_env):
    nobody = run(cli_env, "duty", "who", "32105", "--at", "2026-03-15T08:00")
    assert nobody.returncode == 0, nobody.stderr
    assert nobody.stdout == ""
    unknown = run(cli_env, "duty", "who", "99999")
    assert unknown.returncode != 0
    assert len(unknown.stderr.strip().splitlines()) == 1
    assert "99999" in unknown.stderr
    bad_time = run(cli_env, "duty", "check", "--as-of", "tomorrow morning")
    assert bad_time.returncode != 0
    assert len(bad_time.stderr.strip().splitlines()) == 1
