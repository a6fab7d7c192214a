"""Faults against the real thing: gunicorn workers, PostgreSQL, the network between them.

- A worker killed in the middle of a scan batch leaves nothing half-written, and the device's retry
  stores every scan exactly once.
- The database going away makes requests fail fast with 503 and Retry-After, and the service recovers
  by itself when it comes back.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import psycopg
import pytest
import requests
from sqlalchemy.engine import make_url

from app import create_app, db
from app.db import get_database
from tests.factories import make_consignment
from tests.resilience.harness import Gunicorn, TcpProxy

pytestmark = pytest.mark.slow


def _consignments(url, n):
    app = create_app({"DATABASE_URL": url.render_as_string(hide_password=False), "HOATOC_ENV": "testing"})
    with app.app_context():
        trackings = [make_consignment(db.session).tracking for _ in range(n)]
        db.session.commit()
    get_database(app).dispose()
    return trackings


def _libpq(url):
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _batch(trackings):
    return {"scans": [{"id": str(uuid.uuid4()), "tracking": t, "event": "EMA"} for t in trackings]}


def _stored(url, ids):
    with psycopg.connect(_libpq(url)) as conn:
        return conn.execute("SELECT count(*) FROM scan_events WHERE id = ANY(%s)", (ids,)).fetchone()[0]


def _wait_until_blocked(url, timeout=15.0):
    """Until a session other than ours waits on a lock: the batch is inside its transaction."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()[0]
            if waiting:
                return
            time.sleep(0.05)
    raise TimeoutError("the batch never reached the database")


def test_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(postgres, tmp_path):
    url, tokens = postgres
    batch = _batch(_consignments(url, 200))
    ids = [scan["id"] for scan in batch["scans"]]
    headers = {"Authorization": f"Bearer {tokens['clerk']}"}
    server = Gunicorn(url.render_as_string(hide_password=False), workers=1, log=tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        outcome: dict[str, object] = {}

        def send() -> None:
            try:
                outcome["response"] = requests.post(
                    f"{server.url}/api/v1/scans", json=batch, headers=headers, timeout=60
                )
            except requests.ConnectionError as exc:
                outcome["error"] = exc

        # Hold the scan table so the batch stops inside its transaction, then kill the worker there.
        with psycopg.connect(_libpq(url)) as locker:
            locker.execute("LOCK TABLE scan_events IN SHARE ROW EXCLUSIVE MODE")
            sender = threading.Thread(target=send)
            sender.start()
            _wait_until_blocked(url)
            for pid in server.worker_pids():
                os.kill(pid, signal.SIGKILL)
            sender.join(timeout=30)
            locker.rollback()
        assert "error" in outcome, "the client should have lost its connection with the worker"
        assert _stored(url, ids) == 0  # the killed transaction left nothing behind

        server.wait_ready()  # the arbiter started a new worker
        retry = requests.post(f"{server.url}/api/v1/scans", json=batch, headers=headers, timeout=60)
        assert retry.status_code == 200
        assert {r["result"] for r in retry.json()["results"]} == {"recorded"}
        again = requests.post(f"{server.url}/api/v1/scans", json=batch, headers=headers, timeout=60)
        assert {r["result"] for r in again.json()["results"]} == {"duplicate"}
        assert _stored(url, ids) == len(ids)
    finally:
        server.stop()


def test_database_outage_answers_503_and_recovers_without_restart(postgres, tmp_path):
    url, tokens = postgres
    target = make_url(os.environ["HOATOC_TEST_POSTGRES_URL"])
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    server = Gunicorn(proxied, workers=2, log=tmp_path / "gunicorn.log")
    headers = {"Authorization": f"Bearer {tokens['clerk']}"}
    try:
        server.wait_ready()
        assert requests.get(f"{server.url}/api/v1/offices", headers=headers, timeout=10).status_code == 200
        arbiter = server.process.pid

        proxy.cut()
        for path in ("/api/v1/offices", "/api/v1/offices/32100", "/healthz"):
            response = requests.get(f"{server.url}{path}", headers=headers, timeout=30)
            assert response.status_code == 503, (path, response.text)
            if path.startswith("/api/"):
                assert response.headers["Content-Type"].startswith("application/problem+json")
                assert int(response.headers["Retry-After"]) > 0
        scan = requests.post(
            f"{server.url}/api/v1/scans", json=_batch(["EB000000005VN"]), headers=headers, timeout=30
        )
        assert scan.status_code == 503

        proxy.restore()
        deadline, status = time.monotonic() + 20, None
        while time.monotonic() < deadline and status != 200:
            status = requests.get(f"{server.url}/api/v1/offices", headers=headers, timeout=10).status_code
            time.sleep(0.2)
        assert status == 200
        assert server.process.pid == arbiter  # recovered by itself: the same server, never restarted
        assert server.process.poll() is None
    finally:
        server.stop()
        proxy.cut()
