"""The sweep at scale: a full sweep, and a sweep after 1 % of the items changed, at 100k, 300k and 1M.

    python -m benchmarks.bench_sweep [--sizes 100000,300000,1000000] [--postgres URL] [--explain]
    python -m benchmarks sweep           # the same, in the table of every benchmark

A scratch PostgreSQL database (hoatoc_bench_sweep, on the server of $HOATOC_BENCH_POSTGRES_URL or --postgres,
default the local one) is created, migrated and dropped. For each size the consignments table is filled with
generate_series (one INSERT … SELECT, then VACUUM ANALYZE): open items accepted at 32100 for the communes of
Điện Biên, all four urgencies, last seen between a few minutes and four days before the sweep time, so that
some are on time and some late, stalled or suspected lost (about what a bad election morning looks like), with
the estimate acceptance gives (the deadline). The insert trigger puts every item in consignment_checks at
CHECK_AT_ONCE, as for any registration: the first sweep examines them all.

Figures, each timed around ``app.alerts.sweep.sweep`` with a commit per batch, as ``hoatoc sweep`` runs it:
- full sweep: every item examined once, its flags raised, its next check set;
- 1 % changed: 1 % of the items scanned again (what scanning leaves: a new sighting, which the trigger
  puts in front of the sweep), then a sweep at the same time: only those are examined;
- the full sweep again (alerts, checks and revised estimates reset first) with ``--workers 2``.
Targets: full sweep of 1M ≤ 30 s; the 1 % sweep of 1M ≤ 2 s, growing with the change, not the table.
--explain prints EXPLAIN (ANALYZE, BUFFERS) of the batch's main statement (the claim) for the 1 % sweep.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # allow `python benchmarks/bench_sweep.py`
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/postgres"
SCRATCH = "hoatoc_bench_sweep"
SIZES = (100_000, 300_000, 1_000_000)
FULL_TARGET_S = 30.0
CHANGED_TARGET_S = 2.0
WORKERS = 2  # the full sweep again with `hoatoc sweep --workers 2` (threads sharing the work by SKIP LOCKED)
# Sunday 15 March 2026, 07:00 in Điện Biên: election morning.
AS_OF = datetime(2026, 3, 15, 0, 0, tzinfo=UTC)

# Items last seen `age` seconds before AS_OF: mostly recent, a tail of old ones. Due after the standard's
# hours for their urgency and (rural) area; the route is origin, sorting centre, destination.
LOAD_SQL = """
INSERT INTO consignments (
    tracking, status, sender_code, recipient_code, recipient_name, origin_code, destination_code, route,
    doc_number, urgency, confidentiality, pieces, registered_at, accepted_at, due_at, expected_at,
    last_event_at, last_office_code, changed_at, details)
SELECT
    'EB' || lpad(g::text, 8, '0') || '0VN',
    CASE WHEN g % 3 = 0 THEN 'in_transit' ELSE 'accepted' END,
    'UBBC-DIENBIEN', b.code, b.name, '32100', b.office_code,
    jsonb_build_array('32100', '32000', b.office_code),
    '80/CV-UBBC', u.urgency, 'none', 1,
    :as_of - make_interval(secs => s.age + 600), :as_of - make_interval(secs => s.age + 600),
    :as_of - make_interval(secs => s.age + 600) + make_interval(hours => u.hours),
    :as_of - make_interval(secs => s.age + 600) + make_interval(hours => u.hours),
    :as_of - make_interval(secs => s.age), CASE WHEN g % 3 = 0 THEN '32000' ELSE '32100' END,
    :as_of - make_interval(secs => s.age), '{}'::jsonb
FROM generate_series(1, :n) AS g
CROSS JOIN LATERAL (
    SELECT CASE WHEN g % 20 = 0 THEN (g::bigint * 7919) % 345600           -- 5 %: up to four days
                WHEN g % 10 = 0 THEN (g::bigint * 7919) % 43200            -- 5 %: up to twelve hours
                ELSE (g::bigint * 7919) % 10800 END AS age                 -- 90 %: up to three hours
) AS s
CROSS JOIN LATERAL (
    SELECT (ARRAY['flash', 'very_urgent', 'urgent', 'normal'])[1 + g % 4] AS urgency,
           (ARRAY[8, 12, 24, 48])[1 + g % 4] AS hours
) AS u
JOIN LATERAL (
    SELECT code, name, office_code FROM bodies WHERE kind = 'commune_commission'
    ORDER BY code OFFSET (g % 45) LIMIT 1
) AS b ON true
"""

# What scanning leaves on 1 % of the items: seen again at the sorting centre (the trigger on consignments
# puts them in front of the sweep, as it does for the scans' own bulk UPDATE).
CHANGE_SQL = """
UPDATE consignments SET last_event_at = :as_of, last_office_code = '32000', status = 'in_transit',
       changed_at = :as_of
WHERE id % 100 = :residue
"""


def scratch_url(server: str) -> str:
    return make_url(server).set(database=SCRATCH).render_as_string(hide_password=False)


def recreate(server: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {SCRATCH}"))
    admin.dispose()


def drop(server: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)"))
    admin.dispose()


def load(app, n: int) -> float:  # type: ignore[no-untyped-def]
    from app.db import get_database

    engine = get_database(app).engine
    started = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE alerts, consignments RESTART IDENTITY CASCADE"))
        conn.execute(text(LOAD_SQL), {"n": n, "as_of": AS_OF})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("consignments", "consignment_checks", "alerts"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
    return time.monotonic() - started


def timed_sweep(app):  # type: ignore[no-untyped-def]
    from app import db
    from app.alerts.sweep import sweep

    with app.app_context():
        started = time.monotonic()
        result = sweep(db.session, AS_OF, after_batch=db.session.commit)
        db.session.commit()
        return time.monotonic() - started, result


RESET_SQL = [
    # Back to what the load left, without reloading: no alerts, every item to be examined, the estimates
    # the sweep revised put back (only those: writing every wide consignments row would take minutes).
    "TRUNCATE alerts RESTART IDENTITY",
    "UPDATE consignment_checks SET next_check_at = '2000-01-01 00:00:00+00'",
    "UPDATE consignments SET expected_at = due_at WHERE expected_at IS DISTINCT FROM due_at",
]


def reset(app) -> None:  # type: ignore[no-untyped-def]
    from app.db import get_database

    with get_database(app).engine.begin() as conn:
        for statement in RESET_SQL:
            conn.execute(text(statement))
    with get_database(app).engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("consignments", "consignment_checks", "alerts"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))


def timed_workers(app, workers: int):  # type: ignore[no-untyped-def]
    from app.cli.sweep import sweep_with_workers

    started = time.monotonic()
    result = sweep_with_workers(app, AS_OF, workers=workers)
    return time.monotonic() - started, result


def change_one_percent(app, residue: int = 7) -> int:  # type: ignore[no-untyped-def]
    from app.db import get_database

    with get_database(app).engine.begin() as conn:
        changed = conn.execute(text(CHANGE_SQL), {"as_of": AS_OF, "residue": residue}).rowcount
    with get_database(app).engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE consignment_checks"))
    return changed


def explain_claim(app) -> str:  # type: ignore[no-untyped-def]
    """EXPLAIN ANALYZE of the batch's main statement, in a transaction rolled back afterwards."""
    from sqlalchemy.schema import CreateTable

    from app import db
    from app.alerts.claim import batch_table, claim
    from app.alerts.sweep import DEFAULT_BATCH, prefer_index_joins
    from app.standards.services import scan_gaps

    with app.app_context():
        session = db.session
        conn = session.connection()
        prefer_index_joins(session, True)  # as each batch of the sweep does
        conn.execute(CreateTable(batch_table, if_not_exists=True))
        statement = batch_table.insert().from_select(
            [c.name for c in batch_table.columns],
            claim("postgresql", AS_OF, DEFAULT_BATCH, scan_gaps(session)),
        )
        compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        rows = conn.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {compiled}")).scalars().all()
        session.rollback()
        return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--postgres", default=os.environ.get("HOATOC_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the claim (1 % sweep)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]

    from app import create_app, db, demo, migrate
    from app.db import get_database
    from benchmarks.report import Row, emit

    recreate(args.postgres)
    app = create_app(
        {"DATABASE_URL": scratch_url(args.postgres), "HOATOC_ENV": "development", "HOATOC_CLI": True}
    )
    rows: list[Row] = []
    try:
        with app.app_context():
            migrate.upgrade(get_database(app).engine)
            demo.load(db.session, "bench-password")
            db.session.commit()
        for n in sizes:
            seconds = load(app, n)
            print(f"{n:>9,} items loaded in {seconds:.1f} s", flush=True)
            full, result = timed_sweep(app)
            opened = sum(result.opened.values())
            print(f"{n:>9,} full sweep: {full:.2f} s, {result.summary()}", flush=True)
            changed = change_one_percent(app)
            again, result2 = timed_sweep(app)
            print(f"{n:>9,} after {changed:,} changed: {again:.2f} s, {result2.summary()}", flush=True)
            if args.explain and n == sizes[-1]:
                change_one_percent(app, residue=13)  # another 1 %: the first is already swept
                print(explain_claim(app), flush=True)
            reset(app)
            parallel, result3 = timed_workers(app, WORKERS)
            print(f"{n:>9,} full sweep, {WORKERS} workers: {parallel:.2f} s, {result3.summary()}", flush=True)
            last = n == max(sizes)
            rows.append(
                Row(
                    f"full sweep, {n:,} open items ({opened:,} alerts)",
                    f"{full:.2f} s",
                    target=f"≤ {FULL_TARGET_S:.0f} s" if last else "",
                    ok=full <= FULL_TARGET_S or not last,
                )
            )
            rows.append(
                Row(
                    f"  the same, --workers {WORKERS}",
                    f"{parallel:.2f} s",
                    target=f"≤ {FULL_TARGET_S:.0f} s" if last else "",
                    ok=(parallel <= FULL_TARGET_S or not last) and result3.examined == n,
                )
            )
            rows.append(
                Row(
                    f"sweep after 1 % changed, {n:,} items ({result2.examined:,} read)",
                    f"{again:.2f} s",
                    target=f"≤ {CHANGED_TARGET_S:.0f} s" if last else "",
                    ok=(again <= CHANGED_TARGET_S or not last) and result2.examined == changed,
                )
            )
    finally:
        get_database(app).dispose()
        drop(args.postgres)
    return emit(rows, "sweep")


if __name__ == "__main__":
    sys.exit(main())
