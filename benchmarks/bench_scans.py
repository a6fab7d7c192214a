"""Scan throughput under gunicorn, beside floors measured in the same run.

    python -m benchmarks.bench_scans [--duration 10] [--clients 16] [--workers 4] [--threads 4] [--postgres URL]
                                     [--suffix NAME]
    python -m benchmarks scans            # the same, in the table of every benchmark

The database is a scratch PostgreSQL database created for the run on the server of $HOATOC_BENCH_POSTGRES_URL
(or --postgres; default the local server) and dropped after it; its name carries --suffix (or
$HOATOC_BENCH_SUFFIX) and the process id, so that runs from several checkouts never share one. The service runs
under gunicorn on 127.0.0.1 (a random port, gthread workers, HOATOC_ENV=development and a random secret);
16 client threads with keep-alive connections (http.client) send requests for a fixed time. Figures:

- bulk: scans recorded per second with 500 scans per request, beside the floor of raw batched inserts of
  scan-like rows with psycopg (500 rows per transaction, the same 16 threads) into the same database;
  target: at least 30 % of the floor;
- single: scans recorded per second with one scan per request, beside a bare Flask JSON endpoint under the
  same gunicorn settings and load generator; target: at least 40 % of the floor, and p99 under 50 ms.

Every scan sent is a new, valid scan of a registered item (EMA, EDD, EDE, EMG along its route) and must come
back `recorded`; anything else is counted and reported. Request bodies are encoded before the clock starts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # allow `python benchmarks/bench_scans.py`
    sys.path.insert(0, str(ROOT))

# The service's workers take seconds to import under load, the bare app's a fraction of one: the harness's
# gunicorn waits until every worker has loaded its app, so that whole servers are compared.
from benchmarks.harness import Gunicorn, percentile, run_together  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/postgres"
BULK = 500
BULK_TARGET = 0.30
SINGLE_TARGET = 0.40
P99_TARGET_MS = 50.0
# Along the factory route 32100 -> 32000 -> destination (Mường Phăng, 32260).
JOURNEY = (("EMA", "32100"), ("EDD", "32000"), ("EDE", "32000"), ("EMG", "32260"))


def bare_app():  # gunicorn "benchmarks.bench_scans:bare_app()": the floor of a Flask JSON endpoint
    from flask import Flask, jsonify, request

    app = Flask("bare")

    @app.post("/bare")
    def bare():
        body = request.get_json()
        return jsonify(results=[{"id": s.get("id"), "result": "recorded"} for s in body["scans"]])

    return app


def ceiling_app():  # gunicorn "benchmarks.bench_scans:ceiling_app()": the least a durable single scan costs
    """A scan recorded with no framework and no rules, in one statement and one round trip: the item locked,
    the event inserted, the item updated, committed (autocommit).

    Not a floor (nothing the service could be compared with fairly: it skips validation, admission, status
    derivation, audit, alerts and webhooks), but how far the single-scan target is from what a durable write
    per request costs on this machine at all, measured in the same run.
    """
    import hashlib

    import orjson
    import psycopg

    dsn = os.environ["HOATOC_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    local = threading.local()
    sql = """
        WITH item AS (SELECT id FROM consignments WHERE tracking = %(tracking)s FOR NO KEY UPDATE),
        event AS (
            INSERT INTO scan_events (id, consignment_id, event, office_code, at, recorded_at, details, fingerprint)
            SELECT %(id)s, item.id, %(event)s, %(office)s, %(at)s, now(), '{}', %(fingerprint)s FROM item
            RETURNING consignment_id)
        UPDATE consignments SET last_office_code = %(office)s, last_event_at = %(at)s
        FROM event WHERE consignments.id = event.consignment_id"""

    def app(environ, start_response):
        if environ["REQUEST_METHOD"] != "POST":  # the readiness probe
            start_response("404 Not Found", [("Content-Length", "0")])
            return [b""]
        scans = orjson.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))["scans"]
        conn = getattr(local, "conn", None) or psycopg.connect(dsn, autocommit=True)
        local.conn = conn
        for scan in scans:
            conn.execute(sql, {**scan, "fingerprint": hashlib.sha256(orjson.dumps(scan)).hexdigest()})
        results = [{"id": s["id"], "result": "recorded", "tracking": s["tracking"]} for s in scans]
        body = orjson.dumps({"results": results})
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return app


# --- the scratch database -------------------------------------------------------------------------------


@contextmanager
def scratch_postgres(server_url: str, suffix: str = "") -> Iterator[str]:
    """A database of its own on the server of SERVER_URL, dropped at the end whatever happens."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    tag = "".join(c for c in suffix.lower() if c.isalnum() or c == "_")[:20]
    name = f"hoatoc_bench_scans_{tag + '_' if tag else ''}{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare_database(url: str, items: int) -> tuple[str, list[str]]:
    """Rebuild the schema, load the reference data and `items` consignments; return an admin token."""
    from sqlalchemy import insert

    from app import create_app, db, migrate
    from app.auth.services import issue_token
    from app.db import get_database
    from app.demo import load
    from app.s10 import compose
    from models import Consignment, User

    app = create_app({"DATABASE_URL": url, "HOATOC_ENV": "development", "SECRET_KEY": "bench"})
    engine = get_database(app).engine
    migrate.upgrade(engine)
    registered = datetime.now(UTC) - timedelta(days=1)
    trackings = [compose("EB", 10_000_000 + n) for n in range(items)]
    with app.app_context():
        load(db.session, "bench-password")
        admin = db.session.query(User).filter_by(username="admin").one()
        token, _ = issue_token(db.session, admin, timedelta(days=1))
        rows = [
            {
                "tracking": t, "status": "registered", "sender_code": "UBBC-DIENBIEN",
                "recipient_code": "UBBC-MUONGPHANG", "recipient_name": "Ủy ban bầu cử xã Mường Phăng",
                "origin_code": "32100", "destination_code": "32260", "route": ["32100", "32000", "32260"],
                "doc_number": "80/CV-UBBC", "urgency": "flash", "confidentiality": "none", "pieces": 1,
                "registered_at": registered, "due_at": registered + timedelta(hours=12),
                "changed_at": registered, "details": {},
            }
            for t in trackings
        ]  # fmt: skip
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Consignment), rows[start : start + 5000])
        db.session.commit()
    get_database(app).dispose()
    return token, trackings


# --- the load generator -------------------------------------------------------------------------------


@dataclass
class Tally:
    requests: int = 0
    scans: int = 0
    wrong: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def run_clients(
    port: int, path: str, headers: dict[str, str], bodies: list[list[tuple[bytes, int]]], duration: float
) -> tuple[Tally, float]:
    """Each client sends its own pre-encoded bodies in turn until the time is up."""
    tallies = [Tally() for _ in bodies]

    def client(index: int, start: Callable[[], object], running: Callable[[], bool]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        tally = tallies[index]
        start()
        for body, count in bodies[index]:
            if not running():
                break
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                tally.errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            tally.latencies.append(time.perf_counter() - began)
            tally.requests += 1
            if response.status != 200:
                tally.wrong += count
                tally.errors.append(f"{response.status} {payload[:200]!r}")
                continue
            recorded = sum(1 for r in json.loads(payload)["results"] if r["result"] == "recorded")
            tally.scans += recorded
            tally.wrong += count - recorded
        conn.close()

    elapsed = run_together(len(bodies), duration, client)
    total = Tally()
    for t in tallies:
        total.requests += t.requests
        total.scans += t.scans
        total.wrong += t.wrong
        total.errors += t.errors
        total.latencies += t.latencies
    return total, elapsed


def scan_bodies(
    trackings: list[str], per_request: int, clients: int, start: datetime
) -> list[list[tuple[bytes, int]]]:
    """Per client: its own items, each taken along the journey, `per_request` scans per body."""
    shares = [trackings[i::clients] for i in range(clients)]
    bodies: list[list[tuple[bytes, int]]] = []
    for share in shares:
        mine: list[tuple[bytes, int]] = []
        for step, (event, office) in enumerate(JOURNEY):
            for first in range(0, len(share), per_request):
                # Each scan at its own moment, as a handheld records them (no two deadlines alike).
                scans = [
                    {
                        "id": str(uuid.uuid4()), "tracking": t, "event": event, "office": office,
                        "at": (start + timedelta(minutes=step * 10, milliseconds=first + n)).isoformat(),
                    }
                    for n, t in enumerate(share[first : first + per_request])
                ]  # fmt: skip
                mine.append((json.dumps({"scans": scans}).encode(), len(scans)))
        bodies.append(mine)
    return bodies


# --- raw insert floor -----------------------------------------------------------------------------------


def raw_insert_floor(url: str, clients: int, duration: float) -> float:
    """Rows per second: batches of 500 scan-like rows, one transaction each, psycopg executemany."""
    import psycopg
    from psycopg.types.json import Jsonb

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_scans")
        conn.execute("CREATE TABLE bench_raw_scans (LIKE scan_events INCLUDING DEFAULTS INCLUDING INDEXES)")
    counts = [0] * clients
    now = datetime.now(UTC)
    sql = (
        "INSERT INTO bench_raw_scans (id, consignment_id, event, office_code, at, recorded_at, by_id, details,"
        " bag_scan_id, fingerprint) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )

    def client(index: int, start: Callable[[], object], running: Callable[[], bool]) -> None:
        with psycopg.connect(dsn) as conn:
            start()
            while running():
                rows = [
                    (
                        str(uuid.uuid4()),
                        n,
                        "EMA",
                        "32100",
                        now,
                        now,
                        1,
                        Jsonb({}),
                        None,
                        secrets.token_hex(32),
                    )
                    for n in range(BULK)
                ]
                with conn.cursor() as cur:
                    cur.executemany(sql, rows)
                conn.commit()
                counts[index] += BULK

    elapsed = run_together(clients, duration, client)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_raw_scans")
    return sum(counts) / elapsed


# --- the run --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("HOATOC_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--suffix", default=os.environ.get("HOATOC_BENCH_SUFFIX", ""), help="in the database name"
    )
    args = parser.parse_args(argv)
    with scratch_postgres(args.postgres, args.suffix) as database:
        return measure(database, args)


def measure(database: str, args: argparse.Namespace) -> int:
    from benchmarks.report import Row, emit

    # Enough items that no client runs out of new scans within the time (4 scans per item).
    bulk_items, single_items = 48_000, 16_000
    print(f"preparing a scratch database with {bulk_items + single_items:,} consignments ...", flush=True)
    token, trackings = prepare_database(database, bulk_items + single_items)
    start = datetime.now(UTC) - timedelta(hours=2)
    bulk = scan_bodies(trackings[:bulk_items], BULK, args.clients, start)
    single = scan_bodies(trackings[bulk_items:], 1, args.clients, start)
    bare_body = json.dumps({"scans": [{"id": str(uuid.uuid4()), "tracking": "EB100000005VN"}]}).encode()
    bare = [[(bare_body, 1)] * 200_000] * args.clients
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    env = {
        "HOATOC_DATABASE_URL": database,
        "HOATOC_ENV": "development",
        "HOATOC_SECRET_KEY": secrets.token_hex(32),
    }
    print(
        f"gunicorn gthread, {args.workers} workers x {args.threads} threads; {args.clients} clients; "
        f"{args.duration:g} s per figure; {os.cpu_count()} CPUs; load average before {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    with Gunicorn("wsgi:app", env, args.workers, args.threads) as server:
        server.wait_ready("/healthz")
        bulk_tally, bulk_time = run_clients(server.port, "/api/v1/scans", headers, bulk, args.duration)
        single_tally, single_time = run_clients(server.port, "/api/v1/scans", headers, single, args.duration)
    with Gunicorn("benchmarks.bench_scans:bare_app()", env, args.workers, args.threads) as server:
        server.wait_ready("/")
        json_headers = {"Content-Type": "application/json"}
        bare_tally, bare_time = run_clients(server.port, "/bare", json_headers, bare, args.duration)
    with Gunicorn("benchmarks.bench_scans:ceiling_app()", env, args.workers, args.threads) as server:
        server.wait_ready("/")
        again = scan_bodies(trackings[bulk_items:], 1, args.clients, start)  # new scan ids, same items
        ceiling_tally, ceiling_time = run_clients(server.port, "/", json_headers, again, args.duration)
    raw = raw_insert_floor(database, args.clients, args.duration)

    bulk_rate = bulk_tally.scans / bulk_time
    single_rate = single_tally.scans / single_time
    bare_rate = bare_tally.requests / bare_time
    p50 = percentile(single_tally.latencies, 0.50) * 1000
    p99 = percentile(single_tally.latencies, 0.99) * 1000
    rows = [
        Row("scans: bulk, scans/s (500 per request)", f"{bulk_rate:,.0f}", f"{raw:,.0f}", f"{bulk_rate / raw:.0%}",
            f">= {BULK_TARGET:.0%} raw ins.", bulk_rate / raw >= BULK_TARGET),
        Row("scans: single, scans/s (1 per request)", f"{single_rate:,.0f}", f"{bare_rate:,.0f}",
            f"{single_rate / bare_rate:.0%}", f">= {SINGLE_TARGET:.0%} bare", single_rate / bare_rate >= SINGLE_TARGET),
        Row(f"scans: single, p99 latency ms (p50 {p50:.0f})", f"{p99:.1f}", "", "", f"< {P99_TARGET_MS:.0f} ms",
            p99 < P99_TARGET_MS),
    ]  # fmt: skip
    print(
        f"floors: raw batched inserts (psycopg, {BULK} rows per transaction) {raw:,.0f} rows/s; "
        f"bare Flask JSON endpoint {bare_rate:,.0f} req/s; load average after {os.getloadavg()[0]:.1f}"
    )
    for label, tally in (("bulk", bulk_tally), ("single", single_tally)):
        if tally.wrong or tally.errors:
            print(f"{label}: {tally.wrong} scans not recorded; first errors: {tally.errors[:3]}")
    ceiling = ceiling_tally.scans / ceiling_time
    print(
        f"ceiling: a single scan with no framework and no rules, one statement (lock, insert, update) "
        f"{ceiling:,.0f} req/s = {ceiling / bare_rate:.0%} of the bare endpoint; the service's "
        f"{single_rate / ceiling:.0%} of it"
    )
    print(f"requests: bulk {bulk_tally.requests}, single {single_tally.requests}, bare {bare_tally.requests}")
    return emit(rows, "scans")


if __name__ == "__main__":
    raise SystemExit(main())
