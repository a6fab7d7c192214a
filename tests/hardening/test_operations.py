"""What operators rely on: metrics, backups that restore, proxies, health."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.alerts.services import open_alert
from models import AlertKind
from tests.conftest import build_app
from tests.factories import make_consignment

HOATOC = [sys.executable, "-c", "from app.cli import main; main()"]


def test_metrics_expose_requests_alerts_and_consignments(client, session):
    item = make_consignment(session)
    open_alert(session, AlertKind.LATE, "quá hạn", consignment=item)
    session.commit()
    client.get("/healthz")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'hoatoc_open_alerts{kind="late"} 1.0' in text
    assert 'hoatoc_consignments{status="registered"}' in text
    assert 'hoatoc_http_requests_total{endpoint="healthz",method="GET",status="200"}' in text
    assert "hoatoc_http_request_duration_seconds_bucket" in text
    assert item.tracking not in text  # labels are endpoint names, never paths


def test_metrics_token_when_configured(app):
    guarded = build_app(app.config["DATABASE_URL"], METRICS_TOKEN="scrape-secret")
    client = guarded.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200


def test_proxy_hops_take_the_client_address_from_the_proxy(app):
    behind = build_app(app.config["DATABASE_URL"], PROXY_HOPS=1)

    @behind.route("/whoami")
    def whoami() -> str:
        from flask import request

        return request.remote_addr or ""

    seen = (
        behind.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"}).get_data(as_text=True)
    )
    assert seen == "203.0.113.7"


def test_sqlite_backup_restores(tmp_path: Path):
    env = dict(
        os.environ, HOATOC_DATABASE_URL=f"sqlite:///{tmp_path / 'live.db'}", HOATOC_DEMO_PASSWORD="demo-pass"
    )
    assert (
        subprocess.run(
            [*HOATOC, "demo", "--no-serve", "--no-documents"], env=env, capture_output=True, timeout=120
        ).returncode
        == 0
    )
    copy = tmp_path / "backups" / "hoatoc-1.db"
    result = subprocess.run(
        [*HOATOC, "backup", str(copy)], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "users 6" in result.stdout
    # Restoring is pointing the service at the copy: it is a complete, current database.
    restored = dict(env, HOATOC_DATABASE_URL=f"sqlite:///{copy}")
    token = subprocess.run(
        [*HOATOC, "users", "token", "admin"], env=restored, capture_output=True, text=True, timeout=60
    )
    assert token.returncode == 0
    assert token.stdout.startswith("hts_")
    check = subprocess.run([*HOATOC, "db", "check"], env=restored, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    again = subprocess.run(
        [*HOATOC, "backup", str(copy)], env=env, capture_output=True, text=True, timeout=60
    )
    assert again.returncode != 0
    assert "exists" in again.stderr


def test_backup_refuses_postgresql(tmp_path: Path):
    url = os.environ.get("HOATOC_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("needs HOATOC_TEST_POSTGRES_URL")
    env = dict(os.environ, HOATOC_DATABASE_URL=url)
    destination = str(tmp_path / "x.db")
    result = subprocess.run(
        [*HOATOC, "backup", destination], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "pg_dump" in result.stderr
