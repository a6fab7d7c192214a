"""Faults against the real thing: gunicorn workers, PostgreSQL, the network between them.

- A worker killed in the middle of a scan batch leaves nothing half-written, and the device's retry
  stores every scan exactly once.
- The database going away (the connection cut; the server itself stopped and started under load) makes
  requests fail fast with 503 and Retry-After, and the service recovers by itself when it comes back.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
import uuid
from collections import Counter

import psycopg
import pytest
import requests
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from app import create_app, db
from app.db import get_database
from tests.factories import make_consignment
from tests.resilience.harness import Gunicorn, PrivateCluster, TcpProxy, scratch_postgres

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
    # Public tracking is answered in front of Flask when all is well (app.tracking.fastpath), by the route not.
    public = f"/api/v1/track/{_consignments(url, 1)[0]}"
    try:
        server.wait_ready()
        assert requests.get(f"{server.url}/api/v1/offices", headers=headers, timeout=10).status_code == 200
        assert requests.get(f"{server.url}{public}", timeout=10).status_code == 200
        arbiter = server.process.pid

        proxy.cut()
        for path in ("/api/v1/offices", "/api/v1/offices/32100", public, "/healthz"):
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
        assert requests.get(f"{server.url}{public}", timeout=10).status_code == 200
        assert server.process.pid == arbiter  # recovered by itself: the same server, never restarted
        assert server.process.poll() is None
    finally:
        server.stop()
        proxy.cut()


def test_connection_lost_at_commit_answers_503_and_the_retry_stores_once(postgres):
    """The server ends the session's connection after the batch is written, before the commit at the edge."""
    url, tokens = postgres
    app = create_app({"DATABASE_URL": url.render_as_string(hide_password=False), "HOATOC_ENV": "testing"})
    batch = _batch(_consignments(url, 3))
    ids = [scan["id"] for scan in batch["scans"]]
    killed: list[int] = []

    def terminate_own_backend(session):
        if killed:
            return  # once: the retry commits
        killed.append(session.connection().execute(text("SELECT pg_backend_pid()")).scalar())
        with psycopg.connect(_libpq(url), autocommit=True) as killer:
            # Waits until the backend has exited: without a timeout the commit could outrun the signal.
            assert killer.execute("SELECT pg_terminate_backend(%s, 10000)", (killed[0],)).fetchone()[0]

    event.listen(get_database(app).sessionmaker, "before_commit", terminate_own_backend)
    headers = {"Authorization": f"Bearer {tokens['clerk']}"}
    try:
        lost = app.test_client().post("/api/v1/scans", json=batch, headers=headers)
        assert killed  # the hook ran: the commit itself met the dead connection
        assert lost.status_code == 503, lost.get_data(as_text=True)
        assert lost.headers["Content-Type"].startswith("application/problem+json")
        assert int(lost.headers["Retry-After"]) > 0
        assert _stored(url, ids) == 0  # nothing committed: the device keeps the batch and sends it again
        retry = app.test_client().post("/api/v1/scans", json=batch, headers=headers)
        assert retry.status_code == 200
        assert {r["result"] for r in retry.json["results"]} == {"recorded"}
        assert _stored(url, ids) == len(ids)
    finally:
        get_database(app).dispose()


def test_deadlock_with_another_writer_answers_503_and_changes_nothing(postgres):
    """Another transaction and the request each hold a consignment the other wants: PostgreSQL ends the
    request's transaction (SQLSTATE 40P01), which is the client's to retry, not a server fault."""
    url, tokens = postgres
    app = create_app({"DATABASE_URL": url.render_as_string(hide_password=False), "HOATOC_ENV": "testing"})
    held, scanned = _consignments(url, 2)
    batch = {"scans": [{"id": str(uuid.uuid4()), "tracking": scanned, "event": "EMA"}]}
    lock = "SELECT 1 FROM consignments WHERE tracking = %s FOR UPDATE"
    other = psycopg.connect(_libpq(url))
    other.execute("SET deadlock_timeout = '30s'")  # so that PostgreSQL picks the request as the victim
    other.execute(lock, (held,))
    waiter = threading.Thread(target=lambda: other.execute(lock, (scanned,)), daemon=True)

    def want_what_the_other_holds(session):
        waiter.start()  # the other now waits for the consignment this request has written
        _wait_until_blocked(url)
        session.connection().execute(text(lock.replace("%s", ":t")), {"t": held})

    event.listen(get_database(app).sessionmaker, "before_commit", want_what_the_other_holds, once=True)
    headers = {"Authorization": f"Bearer {tokens['clerk']}"}
    try:
        response = app.test_client().post("/api/v1/scans", json=batch, headers=headers)
        waiter.join(timeout=30)
        other.rollback()
        assert not waiter.is_alive()  # the other went on once the request's transaction was ended
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert int(response.headers["Retry-After"]) > 0
        assert _stored(url, [batch["scans"][0]["id"]]) == 0
        retry = app.test_client().post("/api/v1/scans", json=batch, headers=headers)
        assert [r["result"] for r in retry.json["results"]] == ["recorded"]
    finally:
        other.close()
        get_database(app).dispose()


class _Scanner(threading.Thread):
    """A handheld that keeps sending small batches; on 503 it waits as Retry-After says (capped) and sends
    the same batch again, until it is answered — as the clerk station and the handheld client do."""

    def __init__(self, url, token, trackings, stop):
        super().__init__(daemon=True)
        self.url, self.trackings, self.stop = url, trackings, stop
        self.headers = {"Authorization": f"Bearer {token}"}
        self.answers: Counter[int] = Counter()
        self.without_retry_after = 0
        self.errors: list[str] = []
        self.acknowledged: list[str] = []
        self.unanswered: list[str] = []

    def run(self):
        session = requests.Session()
        while not self.stop.is_set():
            batch = {"scans": [
                {"id": str(uuid.uuid4()), "tracking": random.choice(self.trackings), "event": "EDD", "office": "32000"}
                for _ in range(5)
            ]}  # fmt: skip
            if not self._deliver(session, batch):
                self.unanswered += [s["id"] for s in batch["scans"]]

    def _deliver(self, session, batch) -> bool:
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            try:
                response = session.post(
                    f"{self.url}/api/v1/scans", json=batch, headers=self.headers, timeout=30
                )
            except requests.RequestException as exc:
                self.errors.append(repr(exc))
                return False
            self.answers[response.status_code] += 1
            if response.status_code == 200:
                self.acknowledged += [
                    r["id"] for r in response.json()["results"] if r["result"] != "rejected"
                ]
                return True
            if response.status_code != 503:
                self.errors.append(f"{response.status_code}: {response.text[:200]}")
                return False
            if "Retry-After" not in response.headers:
                self.without_retry_after += 1
            time.sleep(min(int(response.headers.get("Retry-After", "1")), 1) / 4)
        return False


def test_postgresql_restart_under_load_answers_503_then_recovers(tmp_path):
    """A real PostgreSQL server (the test's own) stopped and started again while four scanners send."""
    try:
        cluster = PrivateCluster()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    cluster.start()
    server = None
    try:
        with scratch_postgres(cluster.url) as (url, tokens):
            trackings = _consignments(url, 50)
            server = Gunicorn(url.render_as_string(hide_password=False), workers=2, log=tmp_path / "g.log")
            server.wait_ready()
            arbiter, stop = server.process.pid, threading.Event()
            scanners = [_Scanner(server.url, tokens["admin"], trackings, stop) for _ in range(4)]
            for scanner in scanners:
                scanner.start()
            time.sleep(2)
            cluster.stop()
            time.sleep(3)  # the outage: every request meanwhile must be a prompt 503
            during = sum(s.answers[503] for s in scanners)
            cluster.start()
            time.sleep(4)
            stop.set()
            for scanner in scanners:
                scanner.join(timeout=90)
            answers = sum((s.answers for s in scanners), Counter())
            acknowledged = [i for s in scanners for i in s.acknowledged]
            print(f"\nrestart under load: answers {dict(answers)}, scans acknowledged {len(acknowledged)}")
            assert [e for s in scanners for e in s.errors] == []  # only 200 and 503, never a 500
            assert [i for s in scanners for i in s.unanswered] == []
            assert during > 0  # the outage was seen, as 503
            assert sum(s.without_retry_after for s in scanners) == 0
            assert server.process.pid == arbiter  # recovered by itself: the same server, never restarted
            assert server.process.poll() is None
            assert len(set(acknowledged)) == len(acknowledged)
            assert _stored(url, acknowledged) == len(acknowledged)  # every acknowledged scan, exactly once
            server.stop()
    finally:
        if server is not None:
            server.stop()
        cluster.destroy()
