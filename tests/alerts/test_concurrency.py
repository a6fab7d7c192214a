"""Several sweeps at once (separate OS processes, real commits): each alert is raised once, and on
PostgreSQL no item is examined by two sweeps."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app import db
from models import AlertKind
from tests.alerts.committed import alert_counts, committed, hoatoc, start
from tests.alerts.helpers import T0, accepted

ITEMS = 240


@pytest.mark.committing
def test_two_sweeps_at_once_raise_each_alert_once(app, backend):
    with committed(app) as ids:
        for _ in range(ITEMS):
            ids.append(accepted(db.session).id)
        db.session.commit()
        as_of = (T0 + timedelta(hours=30)).isoformat()
        sweeps = [start(app, "sweep", "--as-of", as_of, "--batch", "20", "--no-deliver") for _ in range(2)]
        outputs = [p.communicate(timeout=120) for p in sweeps]
        for process, (_out, err) in zip(sweeps, outputs, strict=True):
            assert process.returncode == 0, err
        counts = alert_counts(ids)
        for cid in ids:
            assert counts.get((cid, AlertKind.LATE.value)) == 1
            assert counts.get((cid, AlertKind.SUSPECTED_LOST.value)) == 1
            assert (cid, AlertKind.STALLED.value) not in counts
        examined = [int(re.search(r"examined (\d+)", out).group(1)) for out, _err in outputs]
        if backend == "postgresql":
            # FOR UPDATE SKIP LOCKED: the two shared the items between them, none was checked twice.
            assert sum(examined) == ITEMS
        else:
            assert sum(examined) >= ITEMS  # SQLite has one writer at a time; the unique index still holds


@pytest.mark.committing
def test_one_sweep_with_several_workers_shares_the_items(app, backend):
    with committed(app) as ids:
        for _ in range(ITEMS):
            ids.append(accepted(db.session).id)
        db.session.commit()
        as_of = (T0 + timedelta(hours=30)).isoformat()
        result = hoatoc(app, "sweep", "--as-of", as_of, "--batch", "15", "--workers", "3", "--no-deliver")
        assert result.returncode == 0, result.stderr
        assert f"examined {ITEMS} " in result.stdout  # every item once, whichever worker took it
        counts = alert_counts(ids)
        assert all(counts.get((cid, AlertKind.SUSPECTED_LOST.value)) == 1 for cid in ids)
        assert sum(counts.values()) == 2 * ITEMS
