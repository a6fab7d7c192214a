"""Several OS processes registering at once draw distinct numbers, with none skipped and none doubled,
and the same reference posted by all of them at once registers one consignment.

Real commits on the test database (marked ``committing``): a serial prefix of its own (EZ) and clean-up
of everything the workers made, so the rest of the suite never sees it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from app import db, s10
from app.db import get_database
from app.serials.services import add_block
from models import AuditEntry, Consignment, Dispatch, SerialBlock
from tests.support import token_for

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
SINGLES, DISPATCHES = 12, 4  # per process: 12 single registrations and 4 dispatches of 3 = 24 numbers
PREFIX = "EZ"
FIRST = 500


@pytest.fixture
def ez_block(app):
    with app.app_context():
        add_block(db.session, None, PREFIX, FIRST, FIRST + 9_999)
        db.session.commit()
    yield
    with get_database(app).engine.begin() as conn:
        trackings = [
            t
            for (t,) in conn.execute(
                select(Consignment.tracking).where(Consignment.tracking.like(f"{PREFIX}%"))
            )
        ]
        dispatches = [
            d for (d,) in conn.execute(select(Dispatch.id).where(Dispatch.reference.like("conc-%")))
        ]
        conn.execute(delete(AuditEntry.__table__).where(AuditEntry.object_id.in_(trackings)))
        conn.execute(delete(AuditEntry.__table__).where(AuditEntry.object_type == "dispatch",
                                                        AuditEntry.object_id.in_([str(d) for d in dispatches])))  # fmt: skip
        conn.execute(delete(AuditEntry.__table__).where(AuditEntry.action == "serials.add",
                                                        AuditEntry.details["prefix"].as_string() == PREFIX))  # fmt: skip
        conn.execute(delete(Consignment.__table__).where(Consignment.tracking.in_(trackings)))
        conn.execute(delete(Dispatch.__table__).where(Dispatch.id.in_(dispatches)))
        conn.execute(delete(SerialBlock.__table__).where(SerialBlock.prefix == PREFIX))


def _spawn(args: list[str], tag: str) -> subprocess.Popen[str]:
    url, token, prefix, start_at, singles, dispatches = args
    command = [sys.executable, "-m", "tests.consignments.concurrent_worker", url, token, prefix, tag, start_at,
               singles, dispatches]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.committing
def test_concurrent_processes_get_distinct_consecutive_numbers(app, ez_block):
    url = app.config["DATABASE_URL"]
    token = token_for(app, "board")
    start_at = time.time() + 3  # every worker imports and connects first, then all start together
    args = [url, token, PREFIX, str(start_at), str(SINGLES), str(DISPATCHES)]
    workers = [_spawn(args, f"conc-{n}") for n in range(PROCESSES)]
    outputs = []
    try:
        for worker in workers:
            out, err = worker.communicate(timeout=180)
            assert worker.returncode == 0, err[-2000:]
            outputs.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    shared = [o["shared"] for o in outputs]
    assert sorted(status for status, _t in shared) == [200] * (PROCESSES - 1) + [201]  # one registration
    assert len({tracking for _s, tracking in shared}) == 1  # ... and every worker was given its number
    issued = [shared[0][1]] + [t for output in outputs for t in output["trackings"]]
    per_process = SINGLES + 3 * DISPATCHES
    assert [len(o["trackings"]) for o in outputs] == [per_process] * PROCESSES
    assert len(set(issued)) == len(issued)  # none doubled
    serials = sorted(s10.Parsed.of(t).serial for t in issued)
    assert serials == list(range(FIRST, FIRST + len(issued)))  # none skipped
    with app.app_context():
        stored = db.session.scalars(
            select(Consignment.tracking).where(Consignment.tracking.like(f"{PREFIX}%"))
        ).all()
        assert sorted(stored) == sorted(issued)
        block = db.session.scalar(select(SerialBlock).where(SerialBlock.prefix == PREFIX))
        assert block.next_serial == FIRST + len(issued)
        db.session.rollback()
