"""What the HTTP benchmarks share: gunicorn started and stopped cleanly, scratch (or kept) PostgreSQL databases,
a GET load generator.
"""

from __future__ import annotations

import http.client
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each worker says when it has loaded the application: the service imports far more than a bare Flask app,
# and a measurement that starts while some workers still boot compares a part of the server with the floor.
READY_HOOK = """
def post_worker_init(worker):
    import os
    open(os.path.join({directory!r}, "ready-%d" % worker.pid), "w").close()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn in its own process group, ready when every worker has loaded the app, stopped on exit."""

    def __init__(self, app_spec: str, env: dict[str, str], workers: int, threads: int) -> None:
        self.port = free_port()
        self.workers = workers
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-gunicorn-"))
        self.log_path = self.workdir / "gunicorn.log"
        self.config = self.workdir / "gunicorn_conf.py"
        self.config.write_text(
            f"bind = '127.0.0.1:{self.port}'\nworkers = {workers}\nthreads = {threads}\n"
            "worker_class = 'gthread'\nkeepalive = 30\naccesslog = None\nerrorlog = '-'\n"
            "loglevel = 'warning'\ntimeout = 120\npreload_app = False\n"
            + READY_HOOK.format(directory=str(self.workdir))
        )
        self.log = self.log_path.open("wb")
        command = [str(Path(sys.executable).parent / "gunicorn"), "-c", str(self.config), app_spec]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )

    def wait_ready(self, path: str, timeout: float = 120) -> None:
        """Until every worker has loaded the app and PATH answers below 500."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log_path}")
            if len(list(self.workdir.glob("ready-*"))) >= self.workers and self._answers(path):
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn was not ready within {timeout} s: see {self.log_path}")

    def _answers(self, path: str) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", path)
            return conn.getresponse().status < 500
        except OSError:
            return False

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def worker_pids(server: Gunicorn) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in out.stdout.split()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used so far (those that have exited count 0)."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime: fields 14 and 15 of stat(5)
    return total


class CpuMeter:
    """CPU milliseconds per request by process group (the server's workers, PostgreSQL, Redis, the client)."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups
        self.before = {name: cpu_seconds(pids) for name, pids in groups.items()}
        self.client_before = sum(os.times()[:2])

    def per_request(self, requests: int) -> dict[str, float]:
        used = {name: cpu_seconds(pids) - self.before[name] for name, pids in self.groups.items()}
        used["client"] = sum(os.times()[:2]) - self.client_before
        return {name: seconds * 1000 / max(requests, 1) for name, seconds in used.items()}


def postgres_backend_pids(url: str) -> list[int]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in rows]


def redis_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-x", "redis-server"], capture_output=True, text=True, check=False)
    return [int(pid) for pid in out.stdout.split()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def database_name(kind: str) -> str:
    """A name no other run picks: the pid alone may repeat across containers sharing one PostgreSQL server."""
    suffix = os.environ.get("HOATOC_BENCH_DB_SUFFIX") or secrets.token_hex(3)
    return f"hoatoc_bench_{kind}_{os.getpid()}_{suffix}"


@contextmanager
def postgres_database(server_url: str, name: str, *, keep: bool = False) -> Iterator[tuple[str, bool]]:
    """Database NAME on SERVER_URL's server: (url, existed before). Dropped at the end unless KEEP."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        existed = bool(conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}))
        if not existed:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False), existed
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_together(
    clients: int, duration: float, client: Callable[[int, Callable[[], object], Callable[[], bool]], None]
) -> float:
    """`client(index, start, running)` in CLIENTS threads: each sets itself up, calls `start()` (all begin at
    once), then works while `running()`. Returns the seconds from the start until the last has finished."""
    barrier = threading.Barrier(clients + 1)
    deadline = [float("inf")]

    def running() -> bool:
        return time.monotonic() < deadline[0]

    threads = [
        threading.Thread(target=client, args=(i, barrier.wait, running), daemon=True) for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + duration
    barrier.wait()
    for thread in threads:
        thread.join(timeout=duration + 120)
    return time.monotonic() - began


def hammer(port: int, paths: list[str], clients: int, duration: float) -> tuple[int, int, list[float], float]:
    """`clients` keep-alive connections GET random paths until the time is up: (ok, other, latencies, seconds)."""
    results: list[list] = [[0, 0, []] for _ in range(clients)]

    def client(index: int, start: Callable[[], object], running: Callable[[], bool]) -> None:
        rng, mine = random.Random(index), results[index]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start()
        while running():
            began = time.perf_counter()
            conn.request("GET", rng.choice(paths))
            response = conn.getresponse()
            response.read()
            mine[2].append(time.perf_counter() - began)
            mine[0 if response.status == 200 else 1] += 1
        conn.close()

    elapsed = run_together(clients, duration, client)
    latencies = [x for r in results for x in r[2]]
    return sum(r[0] for r in results), sum(r[1] for r in results), latencies, elapsed
