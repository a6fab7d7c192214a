"""Run every benchmark and print one table: figure, floor, ratio, target, pass or short.

    python -m benchmarks                  # all of them (PostgreSQL at HOATOC_BENCH_POSTGRES_URL)
    python -m benchmarks labels scans     # only these

Each benchmark sets up its own data (scratch databases it creates and drops) and measures its floor in the same
run. Exit status 1 when any figure falls short of its target.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.report import HEADER, line, load  # noqa: E402

BENCHMARKS = ("labels", "dispatch", "scans", "tracking", "sweep")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        model = next(ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name"))
    except (OSError, StopIteration):
        model = cpu
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}",
            file=sys.stderr,
        )
        return 2
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as results:
        path = results.name
    env = dict(os.environ, HOATOC_BENCH_RESULTS=path)
    failures = []
    for name in chosen:
        module = ROOT / "benchmarks" / f"bench_{name}.py"
        if not module.exists():
            failures.append(f"{name}: missing")
            continue
        print(f"\n=== {name} ===", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, "-m", f"benchmarks.bench_{name}"], cwd=ROOT, env=env)
        print(f"({name}: {time.monotonic() - start:.0f} s)")
        if code not in (0, 1):
            failures.append(f"{name}: exited {code}")
    rows = load(path)
    os.unlink(path)
    print(f"\n=== all benchmarks — {machine()} ===")
    print(HEADER)
    for row in rows:
        print(line(row))
    for failure in failures:
        print(f"error: {failure}")
    return 0 if rows and all(r.ok for r in rows) and not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
