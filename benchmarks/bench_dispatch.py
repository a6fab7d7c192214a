"""Dispatch registration throughput beside the floor of raw batched inserts, on SQLite and PostgreSQL.

    python -m benchmarks.bench_dispatch [--postgres URL] [--no-postgres] [--recipients 1000] [--rounds 5]
    python -m benchmarks dispatch        (the same, in the table of every benchmark)

For each backend, in a scratch database (a temporary SQLite file; on the PostgreSQL server of URL, default
$HOATOC_BENCH_POSTGRES_URL or the local server, a database created for the run and dropped after it), with
the demo data plus RECIPIENTS extra bodies:
- figure: consignments per second of one RECIPIENTS-recipient dispatch, end to end through the real
  application (POST /api/v1/dispatches with a bearer token, JSON in and out, commit), best of ROUNDS;
  the service call alone (register_dispatch + commit) is shown beside it;
- floor: the same number of consignment-like rows (every column of ``consignments``) inserted into the
  same table with the driver's executemany and committed, best of ROUNDS;
- ratio of figure to floor; target: at least 20 %.
Wall-clock time is measured (the database works in another process), rounds interleaved.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # allow `python benchmarks/bench_dispatch.py`
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, delete, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app, db, migrate, s10  # noqa: E402
from app.auth.services import issue_token  # noqa: E402
from app.consignments.services import register_dispatch  # noqa: E402
from app.db import get_database  # noqa: E402
from app.demo import load as load_demo  # noqa: E402
from app.reference.services import import_bodies  # noqa: E402
from benchmarks.report import Row, emit  # noqa: E402
from models import AuditEntry, Consignment, Dispatch, User  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://root@127.0.0.1:5432/postgres"
RATIO_TARGET = 0.20
FLOOR_PREFIX = "EF"  # floor rows use their own prefix so they never meet the application's numbers
COLUMNS = (
    "tracking", "status", "sender_code", "recipient_code", "recipient_name", "recipient_address", "origin_code",
    "destination_code", "route", "doc_number", "doc_date", "doc_title", "urgency", "confidentiality", "deliver_by",
    "pieces", "weight_g", "reference", "dispatch_id", "dispatch_position", "registered_at", "registered_by_id",
    "due_at", "changed_at", "details",
)  # fmt: skip


def prepare(url: str, recipients: int) -> Any:
    app = create_app(
        {"DATABASE_URL": url, "HOATOC_ENV": "testing", "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False}
    )
    with app.app_context():
        migrate.upgrade(get_database(app).engine)
        load_demo(db.session, "bench-password")
        import_bodies(db.session, None, bodies_csv(recipients))
        db.session.commit()
    return app


@contextmanager
def scratch_postgres(server_url: str) -> Iterator[str]:
    """A database of its own on the server of SERVER_URL, dropped at the end whatever happens."""
    url = make_url(server_url)
    name = f"hoatoc_bench_dispatch_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bodies_csv(count: int) -> bytes:
    """COUNT polling teams spread over the demo's 45 commune post offices."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["code", "name", "kind", "address", "commune", "office"])
    for n in range(count):
        office = 32100 + 5 * (n % 45)
        writer.writerow([f"TBC-{n:05d}", f"Tổ bầu cử số {n + 1}", "polling_team", f"Nhà văn hóa bản {n % 97}",
                         "", str(office)])  # fmt: skip
    return buffer.getvalue().encode()


def dispatch_body(recipients: int, round_no: int, kind: str) -> dict[str, Any]:
    return {
        "sender": "UBBC-DIENBIEN",
        "recipients": [f"TBC-{n:05d}" for n in range(recipients)],
        "document": {"number": f"{round_no}/CV-UBBC", "title": "V/v gửi tài liệu bầu cử đến các tổ bầu cử"},
        "urgency": "flash",
        "reference": f"bench-{kind}-{round_no}-{time.time_ns()}",
    }


def via_api(app: Any, recipients: int) -> Callable[[int], None]:
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        raw, _token = issue_token(db.session, admin, timedelta(hours=1))
        db.session.commit()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}

    def run(round_no: int) -> None:
        response = client.post(
            "/api/v1/dispatches", json=dispatch_body(recipients, round_no, "api"), headers=headers
        )
        if response.status_code != 201 or len(response.get_json()["consignments"]) != recipients:
            raise RuntimeError(
                f"dispatch failed: {response.status_code} {response.get_data(as_text=True)[:300]}"
            )

    return run


def via_service(app: Any, recipients: int) -> Callable[[int], None]:
    def run(round_no: int) -> None:
        with app.app_context():
            from app.consignments.schemas import DispatchIn

            admin = db.session.scalar(select(User).where(User.username == "admin"))
            data = DispatchIn().load(dispatch_body(recipients, round_no, "service"))
            result = register_dispatch(db.session, admin, data, prefix=app.config["SERIAL_PREFIX"])
            db.session.commit()
            if len(result.items) != recipients:
                raise RuntimeError("dispatch incomplete")

    return run


def floor_rows(count: int, round_no: int) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    rows = []
    for n in range(count):
        office = str(32100 + 5 * (n % 45))
        rows.append((
            s10.compose(FLOOR_PREFIX, round_no * 100_000 + n), "registered", "UBBC-DIENBIEN", f"TBC-{n:05d}",
            f"Tổ bầu cử số {n + 1}", f"Nhà văn hóa bản {n % 97}", "32100", office,
            json.dumps(["32100", "32000", office]), f"{round_no}/CV-UBBC", None, "V/v gửi tài liệu bầu cử", "flash",
            "none", None, 1, None, None, None, n, now, None, now + timedelta(hours=8), now, "{}",
        ))  # fmt: skip
    return rows


def via_driver(app: Any, count: int) -> Callable[[int], None]:
    """The floor: one executemany of COUNT rows with the DBAPI connection, and a commit."""
    engine = get_database(app).engine
    postgres = engine.dialect.name == "postgresql"
    marks = [
        "%s::jsonb" if postgres and c in ("route", "details") else ("%s" if postgres else "?")
        for c in COLUMNS
    ]
    sql = f"INSERT INTO consignments ({', '.join(COLUMNS)}) VALUES ({', '.join(marks)})"  # noqa: S608 - constants

    def run(round_no: int) -> None:
        rows = floor_rows(count, round_no)
        if not postgres:  # stored as SQLAlchemy stores UTCDateTime in SQLite: naive UTC text
            rows = [tuple(v.replace(tzinfo=None).isoformat(" ") if isinstance(v, datetime) else v for v in r)
                    for r in rows]  # fmt: skip
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            if not postgres:
                cursor.execute("BEGIN")  # the app's SQLite connections are in autocommit mode until told
            cursor.executemany(sql, rows)
            connection.commit()
        finally:
            connection.close()

    return run


def clean(app: Any) -> None:
    """Remove what a round made (untimed), so every round sees the same table sizes."""
    with get_database(app).engine.begin() as conn:
        conn.execute(
            delete(AuditEntry.__table__).where(
                AuditEntry.action.in_(["consignment.register", "dispatch.register"])
            )
        )
        conn.execute(delete(Consignment.__table__))
        conn.execute(delete(Dispatch.__table__))


def measure(app: Any, runs: dict[str, Callable[[int], None]], rounds: int) -> dict[str, float]:
    best = dict.fromkeys(runs, float("inf"))
    for round_no in range(1, rounds + 1):
        for name, run in runs.items():
            start = time.perf_counter()
            run(round_no)
            best[name] = min(best[name], time.perf_counter() - start)
            clean(app)
    return best


def bench(url: str, recipients: int, rounds: int) -> tuple[dict[str, float], str]:
    app = prepare(url, recipients)
    runs = {"api": via_api(app, recipients), "service": via_service(app, recipients),
            "floor": via_driver(app, recipients)}  # fmt: skip
    for run in runs.values():  # warm-up: imports, caches, statement preparation
        run(0)
        clean(app)
    seconds = measure(app, runs, rounds)
    get_database(app).dispose()
    return {name: recipients / s for name, s in seconds.items()}, get_database(app).engine.dialect.name


def rows_for(backend: str, rates: dict[str, float], recipients: int) -> list[Row]:
    ratio = rates["api"] / rates["floor"]
    return [
        Row(f"dispatch of {recipients:,}, {backend}: consignments/s (API)", f"{rates['api']:,.0f}",
            f"{rates['floor']:,.0f}", f"{ratio:.0%}", f">= {RATIO_TARGET:.0%} of floor", ratio >= RATIO_TARGET),
        Row(f"dispatch of {recipients:,}, {backend}: service call only", f"{rates['service']:,.0f}",
            f"{rates['floor']:,.0f}", f"{rates['service'] / rates['floor']:.0%}"),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("HOATOC_BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
                        help="a PostgreSQL server (a scratch database is created on it and dropped)")  # fmt: skip
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--recipients", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(
        f"one dispatch of {args.recipients:,} recipients, best of {args.rounds} rounds; floor: driver executemany"
    )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        rates, _backend = bench(f"sqlite:///{Path(tmp) / 'bench.db'}", args.recipients, args.rounds)
        rows += rows_for("SQLite", rates, args.recipients)
    if not args.no_postgres:
        with scratch_postgres(args.postgres) as url:
            rates, _backend = bench(url, args.recipients, args.rounds)
            rows += rows_for("PostgreSQL", rates, args.recipients)
    return emit(rows, "dispatch")


if __name__ == "__main__":
    sys.exit(main())
