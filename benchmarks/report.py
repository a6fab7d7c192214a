"""One row per measured figure, printed the same way by every benchmark and collected by `python -m benchmarks`.

A row carries the figure, the floor measured in the same run (if any), the ratio and the target. When the
environment variable HOATOC_BENCH_RESULTS names a file, rows are also appended to it as JSON lines, which is
how the runner builds one table of every benchmark.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Row:
    figure: str
    value: str
    floor: str = ""
    ratio: str = ""
    target: str = ""
    ok: bool = True
    benchmark: str = ""


HEADER = f"{'figure':<52} {'value':>12} {'floor':>12} {'ratio':>7} {'target':>16}  result"


def line(row: Row) -> str:
    result = "pass" if row.ok else "SHORT"
    return f"{row.figure:<52} {row.value:>12} {row.floor:>12} {row.ratio:>7} {row.target:>16}  {result}"


def emit(rows: Sequence[Row], benchmark: str) -> int:
    """Print the rows, append them to HOATOC_BENCH_RESULTS if set; return the exit status (1 if any is short)."""
    rows = [Row(**{**asdict(r), "benchmark": benchmark}) for r in rows]
    print(HEADER)
    for row in rows:
        print(line(row))
    path = os.environ.get("HOATOC_BENCH_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    return 0 if all(r.ok for r in rows) else 1


def load(path: str) -> list[Row]:
    with open(path, encoding="utf-8") as fh:
        return [Row(**json.loads(text)) for text in fh if text.strip()]
