"""Public tracking lookups with 1,000,000 consignments and 10,000,000 events stored, beside a bare endpoint.

    python -m benchmarks.bench_tracking [--consignments 1000000] [--events-per 10] [--duration 10] [--keep NAME]
    python -m benchmarks tracking

`--keep NAME` loads into database NAME and keeps it; a later run with the same NAME and sizes reuses the load
(minutes saved when iterating). Without it the database is a scratch one with a unique name, dropped at the end.

A scratch PostgreSQL database (on $HOATOC_BENCH_POSTGRES_URL's server, dropped afterwards) is filled with
set-based SQL: valid S10 numbers, each item with its journey of scan events; indexes are built after the
load, as a restore would. The service runs under gunicorn (the scans benchmark's settings) with the public
rate limit lifted (one client address sends everything here) and its counters in Redis as on several hosts
($HOATOC_BENCH_REDIS_URL, default the local server); 16 keep-alive clients ask for random
numbers for a fixed time. The floor is a bare Flask JSON endpoint under the same gunicorn settings and the
same load generator. Targets: at least 60 % of the floor, p99 under 50 ms.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_scans import DEFAULT_POSTGRES  # noqa: E402
from benchmarks.harness import (  # noqa: E402
    CpuMeter,
    Gunicorn,
    database_name,
    hammer,
    percentile,
    postgres_backend_pids,
    postgres_database,
    redis_pids,
    worker_pids,
)
from benchmarks.report import Row, emit  # noqa: E402

RATIO_TARGET = 0.60
P99_TARGET_MS = 50.0
FIRST_SERIAL = 20_000_000
JOURNEY = ("EMA", "EDD", "EDE", "EDD", "EDE", "EMG", "EDG", "EMH", "EDG", "EMG")
OFFICES = ("32100", "32000", "32000", "32000", "32000", "32260", "32260", "32260", "32260", "32260")

# The S10 check digit computed by the database, so that a million numbers need no Python loop.
CHECK_DIGIT = """(CASE (11 - ((s/10000000)%10*8 + (s/1000000)%10*6 + (s/100000)%10*4 + (s/10000)%10*2
    + (s/1000)%10*3 + (s/100)%10*5 + (s/10)%10*9 + s%10*7) % 11) WHEN 10 THEN 0 WHEN 11 THEN 5
    ELSE 11 - ((s/10000000)%10*8 + (s/1000000)%10*6 + (s/100000)%10*4 + (s/10000)%10*2
    + (s/1000)%10*3 + (s/100)%10*5 + (s/10)%10*9 + s%10*7) % 11 END)"""


def bare_app():  # gunicorn "benchmarks.bench_tracking:bare_app()": the floor, a bare JSON GET
    from flask import Flask, jsonify

    app = Flask("bare")

    @app.get("/bare/<tracking>")
    def bare(tracking: str):
        return jsonify(tracking=tracking, status="in_transit", events=[])

    return app


def sample(url: str) -> list[str]:
    """About 2 % of the numbers, spread over the table: what the clients ask for."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return [row[0] for row in conn.execute("SELECT tracking FROM consignments TABLESAMPLE SYSTEM (2)")]


def loaded(url: str, consignments: int, events_per: int) -> bool:
    """Whether a kept database already holds this load (the marker is written last)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        if conn.execute("SELECT to_regclass('bench_tracking_load')").fetchone()[0] is None:
            return False
        row = conn.execute("SELECT consignments, events_per FROM bench_tracking_load").fetchone()
        return row == (consignments, events_per)


def load(url: str, consignments: int, events_per: int) -> None:
    """Schema, reference data, then the consignments and their events in set-based SQL."""
    import psycopg

    from app import create_app, db, migrate
    from app.db import get_database
    from app.demo import load as load_demo

    app = create_app({"DATABASE_URL": url, "HOATOC_ENV": "development", "SECRET_KEY": "bench"})
    migrate.upgrade(get_database(app).engine)
    with app.app_context():
        load_demo(db.session, "bench-password")
        db.session.commit()
    get_database(app).dispose()
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    started = time.monotonic()
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET synchronous_commit = off")
        conn.execute(f"""
            INSERT INTO consignments (tracking, status, sender_code, recipient_code, recipient_name, origin_code,
                destination_code, route, doc_number, urgency, confidentiality, pieces, registered_at, due_at,
                changed_at, details)
            SELECT 'EB' || lpad(s::text, 8, '0') || {CHECK_DIGIT}::text || 'VN', 'at_delivery_office',
                'UBBC-DIENBIEN', 'UBBC-MUONGPHANG', 'Ủy ban bầu cử xã Mường Phăng', '32100', '32260',
                '["32100", "32000", "32260"]', '80/CV-UBBC', 'flash', 'none', 1, now() - interval '3 days',
                now() - interval '2 days', now(), '{{}}'
            FROM generate_series({FIRST_SERIAL}, {FIRST_SERIAL + consignments - 1}) AS s""")  # noqa: S608 - numbers only
        print(f"  {consignments:,} consignments in {time.monotonic() - started:.0f} s", flush=True)
        # Bulk load without the indexes, then build them: how a restore does it, and much faster.
        conn.execute("ALTER TABLE scan_events DROP CONSTRAINT pk_scan_events")
        conn.execute("DROP INDEX ix_scan_events_consignment_at")
        conn.execute("DROP INDEX IF EXISTS ix_scan_events_recorded_at")
        events = "ARRAY[" + ",".join(f"'{e}'" for e in JOURNEY[:events_per]) + "]"
        offices = "ARRAY[" + ",".join(f"'{o}'" for o in OFFICES[:events_per]) + "]"
        low, high = conn.execute("SELECT min(id), max(id) FROM consignments").fetchone()
        for first in range(low, high + 1, 100_000):
            conn.execute(f"""
                INSERT INTO scan_events (id, consignment_id, event, office_code, at, recorded_at, details, fingerprint)
                SELECT md5(c.id || '-' || k)::uuid::text, c.id, ({events})[k], ({offices})[k],
                    c.registered_at + k * interval '20 minutes', c.registered_at + k * interval '21 minutes',
                    '{{}}', md5(c.id || '/' || k) || md5(k || '/' || c.id)
                FROM consignments c, generate_series(1, {events_per}) AS k
                WHERE c.id BETWEEN {first} AND {first + 99_999}""")  # noqa: S608 - numbers only
            done = min(first + 100_000 - low, high - low + 1)
            print(f"  events for {done:,} consignments, {time.monotonic() - started:.0f} s", flush=True)
        conn.execute("ALTER TABLE scan_events ADD CONSTRAINT pk_scan_events PRIMARY KEY (id)")
        conn.execute("CREATE INDEX ix_scan_events_consignment_at ON scan_events (consignment_id, at)")
        conn.execute("CREATE INDEX ix_scan_events_recorded_at ON scan_events (recorded_at)")
        conn.execute("VACUUM ANALYZE consignments")
        conn.execute("VACUUM ANALYZE scan_events")
        total = conn.execute("SELECT count(*) FROM scan_events").fetchone()[0]
        conn.execute("CREATE TABLE bench_tracking_load AS SELECT %s AS consignments, %s AS events_per",
                     (consignments, events_per))  # fmt: skip
        print(f"  {total:,} events, indexes built, in {time.monotonic() - started:.0f} s", flush=True)


def measure(url: str, args: argparse.Namespace, existed: bool) -> int:
    if existed and loaded(url, args.consignments, args.events_per):
        print("  reusing the kept load", flush=True)
    else:
        if existed:
            raise SystemExit(f"database {args.keep} exists but holds another load: drop it first")
        load(url, args.consignments, args.events_per)
    numbers = sample(url)
    env = {
        "HOATOC_DATABASE_URL": url,
        "HOATOC_ENV": "development",
        "HOATOC_SECRET_KEY": secrets.token_hex(32),
        "HOATOC_RATELIMIT_TRACK": "100000000 per minute",
        # As in production on several hosts: rate-limit counters in Redis (this machine runs one).
        "HOATOC_RATELIMIT_STORAGE": os.environ.get("HOATOC_BENCH_REDIS_URL", "redis://127.0.0.1:6379"),
    }
    print(
        f"gunicorn gthread {args.workers}x{args.threads}; {args.clients} clients; "
        f"{args.warmup:g} s warm-up then {args.duration:g} s; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    app_paths, bare_paths = [f"/api/v1/track/{t}" for t in numbers], [f"/bare/{t}" for t in numbers]
    with Gunicorn("wsgi:app", env, args.workers, args.threads) as server:
        server.wait_ready("/healthz")
        # Not counted: connections opened, statements prepared, caches warm.
        hammer(server.port, app_paths, args.clients, args.warmup)
        meter = CpuMeter(
            {"workers": worker_pids(server), "postgres": postgres_backend_pids(url), "redis": redis_pids()}
        )
        ok, other, latencies, elapsed = hammer(server.port, app_paths, args.clients, args.duration)
        app_cpu = meter.per_request(ok + other)
    with Gunicorn("benchmarks.bench_tracking:bare_app()", env, args.workers, args.threads) as server:
        server.wait_ready("/bare/x")
        hammer(server.port, bare_paths, args.clients, args.warmup)  # the same warm-up for the floor
        meter = CpuMeter({"workers": worker_pids(server)})
        bare_ok, _other, _latencies, bare_elapsed = hammer(
            server.port, bare_paths, args.clients, args.duration
        )
        bare_cpu = meter.per_request(bare_ok)
    print(f"CPU ms per request: lookup {_cpu(app_cpu)}; bare {_cpu(bare_cpu)}")
    rate, floor = ok / elapsed, bare_ok / bare_elapsed
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    print(
        f"lookups: {ok:,} answered 200, {other:,} other; bare {bare_ok:,}; {len(numbers):,} distinct numbers asked"
    )
    label = f"{args.consignments / 1e6:g}M items, {args.consignments * args.events_per / 1e6:g}M events"
    rows = [
        Row(f"tracking lookups/s ({label})", f"{rate:,.0f}/s", f"{floor:,.0f}/s", f"{rate / floor:.0%}",
            f">= {RATIO_TARGET:.0%} bare", rate / floor >= RATIO_TARGET and other == 0),
        Row(f"tracking lookup p99 ms (p50 {p50:.0f})", f"{p99:.1f}", "", "", f"< {P99_TARGET_MS:.0f} ms",
            p99 < P99_TARGET_MS),
    ]  # fmt: skip
    return emit(rows, "tracking")


def _cpu(figures: dict[str, float]) -> str:
    return ", ".join(f"{name} {ms:.2f}" for name, ms in figures.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("HOATOC_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--consignments", type=int, default=1_000_000)
    parser.add_argument("--events-per", type=int, default=10, choices=range(1, len(JOURNEY) + 1))
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before each measurement")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", metavar="NAME", help="load into database NAME, keep it, reuse it next time")
    args = parser.parse_args(argv)
    name = args.keep or database_name("tracking")
    with postgres_database(args.postgres, name, keep=bool(args.keep)) as (url, existed):
        return measure(url, args, existed)


if __name__ == "__main__":
    raise SystemExit(main())
