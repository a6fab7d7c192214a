"""The `hoatoc` command as operators script it: real processes, real exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HOATOC = [sys.executable, "-c", "from app.cli import main; main()"]


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["HOATOC_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
    env.pop("HOATOC_SECRET_KEY", None)
    return env


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HOATOC, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_upgrade_import_create_token(cli_env, tmp_path):
    assert run(cli_env, "db", "upgrade").returncode == 0
    offices = tmp_path / "offices.csv"
    offices.write_text(
        "code,name,kind,parent,area,commune\n1,Trung tâm,sorting_centre,,urban,\n2,Bưu cục,post_office,1,rural,Xã\n",
        encoding="utf-8-sig",
    )
    result = run(cli_env, "import", "offices", str(offices))
    assert result.returncode == 0, result.stderr
    assert "2 rows, 2 created" in result.stdout
    created = run(
        cli_env, "users", "create", "gdv.2", "--role", "clerk", "--office", "2", stdin="a-long-password\n"
    )
    assert created.returncode == 0, created.stderr
    token = run(cli_env, "users", "token", "gdv.2")
    assert token.returncode == 0
    assert token.stdout.strip().startswith("hts_")
    assert len(token.stdout.strip().splitlines()) == 1
    assert run(cli_env, "db", "check").returncode == 0


def test_failures_exit_nonzero_with_one_line(cli_env, tmp_path):
    run(cli_env, "db", "upgrade")
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,kind,parent,area,commune\n1,A,castle,,urban,\n", encoding="utf-8")
    result = run(cli_env, "import", "offices", str(bad))
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "row 2.kind" in result.stderr
    unknown = run(cli_env, "users", "token", "nobody")
    assert unknown.returncode != 0
    assert unknown.stdout == ""
    assert len(unknown.stderr.strip().splitlines()) == 1


def test_user_with_unknown_office_fails(cli_env):
    run(cli_env, "db", "upgrade")
    result = run(
        cli_env, "users", "create", "x", "--role", "clerk", "--office", "404", stdin="a-long-password\n"
    )
    assert result.returncode != 0
    assert "404" in result.stderr


def test_demo_twice_is_harmless(cli_env):
    cli_env["HOATOC_DEMO_PASSWORD"] = "demo-password"
    first = run(cli_env, "demo", "--no-serve")
    second = run(cli_env, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "ubbc.tinh" in second.stdout
    assert "demo-password" in second.stdout
    # Documents on their way the first time only: a second run keeps what the demo's users did since.
    assert "53 bưu gửi mới / new consignments" in first.stdout
    assert "bưu gửi mới" not in second.stdout
    assert "đã có / already there" in second.stdout


def test_production_refuses_default_secret(cli_env):
    cli_env["HOATOC_ENV"] = "production"
    code = "import wsgi"
    result = subprocess.run(
        [sys.executable, "-c", code], env=cli_env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "HOATOC_SECRET_KEY" in result.stderr


def test_demo_serves_the_vietnamese_login_page_and_the_demo_users_can_sign_in(cli_env):
    import socket
    import threading
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli_env["HOATOC_DEMO_PASSWORD"] = "demo-password"
    server = subprocess.Popen(
        [*HOATOC, "demo", "--port", str(port), "--sweep-every", "1"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(server.stdout), daemon=True).start()
    try:
        deadline, html = time.monotonic() + 60, ""
        while time.monotonic() < deadline and not html:
            try:
                html = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5).read().decode()
            except OSError:
                time.sleep(0.3)
        assert '<html lang="vi">' in html
        assert "Đăng nhập" in html
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/tokens",
            data=b'{"username": "ubbc.tinh", "password": "demo-password"}',
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
        # The sweep runs beside the demo server, so that alerts follow the clock and the scans.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(" sweep: " in line for line in output):
            time.sleep(0.2)
        assert any(" sweep: examined" in line for line in output), output
    finally:
        server.terminate()
        server.wait(timeout=30)
