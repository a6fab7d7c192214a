"""Two gunicorn instances with two workers each against one PostgreSQL, for a bounded time: registering,
scanning (every batch sent again to the other host, as a device retries) and sweeping at once.

Afterwards: no answer was a server error, every tracking number is distinct and valid, every scan the
service acknowledged is stored exactly once, and every consignment's status is what its events say.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import requests

from app import s10
from app.scans.status import Fact, derive
from models import EventCode, Status
from tests.resilience.harness import Gunicorn

pytestmark = pytest.mark.slow
DURATION = 15.0
HOATOC = [sys.executable, "-c", "from app.cli import main; main()"]
COMMUNES = ["UBBC-MUONGPHANG", "UBBC-TIADINH", "UBBC-NASANG", "UBBC-SINTHAU", "UBBC-MUONGNHE", "UBBC-PUNHI"]


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.trackings: list[str] = []
        self.by_reference: dict[str, str] = {}
        self.reference_conflicts: list[str] = []
        self.acknowledged: set[str] = set()
        self.scans_sent = 0
        self.rejected: Counter[str] = Counter()
        self.reasons: dict[str, str] = {}

    def answer(self, response: requests.Response) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1


def _register(hosts, token, tally, stop, worker):
    session, n = requests.Session(), 0
    while not stop.is_set():
        n += 1
        reference = f"R-{worker}-{n}"
        body = {
            "sender": "UBBC-DIENBIEN", "recipient": random.choice(COMMUNES),
            "document": {"number": f"{n}/QĐ-UBBC", "date": "2026-03-01", "title": "Quyết định"},
            "urgency": random.choice(["flash", "very_urgent", "urgent", "normal"]), "confidentiality": "none",
            "pieces": 1, "weight_g": 120, "reference": reference,
        }  # fmt: skip
        # Every reference is registered twice, once on each host: the second must return the first.
        for host in random.sample(hosts, 2):
            response = session.post(f"{host}/api/v1/consignments", json=body, headers=token, timeout=30)
            tally.answer(response)
            if response.status_code in (200, 201):
                tracking = response.json()["tracking"]
                with tally.lock:
                    first = tally.by_reference.setdefault(reference, tracking)
                    if first != tracking:
                        tally.reference_conflicts.append(reference)
                    elif response.status_code == 201:
                        tally.trackings.append(tracking)


def _journey(tracking, now):
    """A plausible route for one item, cut short at random, with event times seconds apart from now."""
    steps = [
        ("EMA", "32100"),
        ("EDD", "32000"),
        ("EDE", "32000"),
        ("EMG", None),
        ("EDG", None),
        ("EMI", None),
    ]
    cut = random.randint(1, len(steps))
    return [(code, office, now + timedelta(seconds=i)) for i, (code, office) in enumerate(steps[:cut])]


def _scan(hosts, tokens, tally, stop, destination_of):
    session = requests.Session()
    while not stop.is_set():
        with tally.lock:
            candidates = list(tally.trackings)
        if not candidates:
            time.sleep(0.05)
            continue
        tracking = random.choice(candidates)
        scans = []
        for code, office, at in _journey(tracking, datetime.now(UTC)):
            scan = {"id": str(uuid.uuid4()), "tracking": tracking, "event": code, "at": at.isoformat(),
                    "office": office or destination_of(tracking)}  # fmt: skip
            if code == "EMI":
                scan["details"] = {"receiver": "Văn thư"}
            scans.append(scan)
        # Sent as the administrator (scans at any office); then again to the other host, as a retry.
        for host in random.sample(hosts, 2):
            response = session.post(f"{host}/api/v1/scans", json={"scans": scans}, headers=tokens, timeout=30)
            tally.answer(response)
            if response.status_code == 200:
                with tally.lock:
                    tally.scans_sent += len(scans)
                    for result in response.json()["results"]:
                        if result["result"] in ("recorded", "duplicate"):
                            tally.acknowledged.add(result["id"])
                        else:
                            tally.rejected[result["result"]] += 1
                            tally.reasons.setdefault(str(result.get("errors")), result["id"])


def _sweep(env, stop, runs):
    while not stop.is_set():
        result = subprocess.run([*HOATOC, "sweep"], env=env, capture_output=True, text=True, timeout=120)
        runs.append(result.returncode)


def test_two_hosts_register_scan_and_sweep_at_once(postgres, tmp_path):
    url, tokens = postgres
    dsn = url.render_as_string(hide_password=False)
    env = dict(os.environ, HOATOC_DATABASE_URL=dsn)
    # The seeded demo data holds serial block EB 1-999999; a second block is what an operator adds later.
    added = subprocess.run([*HOATOC, "serials", "add", "EB", "1000000", "1999999"], env=env, timeout=120)
    assert added.returncode == 0
    hosts = [Gunicorn(dsn, workers=2, log=tmp_path / f"host-{name}.log") for name in "AB"]
    tally, stop, sweeps = Tally(), threading.Event(), []
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    destination: dict[str, str] = {}

    def destination_of(tracking: str) -> str:
        if tracking not in destination:
            with psycopg.connect(libpq) as conn:
                destination[tracking] = conn.execute(
                    "SELECT destination_code FROM consignments WHERE tracking = %s", (tracking,)
                ).fetchone()[0]
        return destination[tracking]

    try:
        for host in hosts:
            host.wait_ready()
        urls = [h.url for h in hosts]
        board = {"Authorization": f"Bearer {tokens['board']}"}
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        threads = [threading.Thread(target=_register, args=(urls, board, tally, stop, i)) for i in range(3)]
        threads += [
            threading.Thread(target=_scan, args=(urls, admin, tally, stop, destination_of)) for _ in range(3)
        ]
        threads += [threading.Thread(target=_sweep, args=(env, stop, sweeps)) for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(DURATION)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        for host in hosts:
            host.stop()

    served = sum(tally.statuses.values())
    print(f"\nrequests served: {served} {dict(tally.statuses)}; registered {len(tally.trackings)}; "
          f"scans sent {tally.scans_sent}, acknowledged {len(tally.acknowledged)}, rejected {dict(tally.rejected)} "
          f"{list(tally.reasons)[:3]}; sweeps {len(sweeps)}")  # fmt: skip
    assert not [code for code in tally.statuses if code >= 500], tally.statuses
    assert tally.trackings
    assert tally.acknowledged
    assert sweeps
    assert set(sweeps) == {0}
    assert tally.reference_conflicts == []

    with psycopg.connect(libpq) as conn:
        trackings = [row[0] for row in conn.execute("SELECT tracking FROM consignments")]
        assert len(trackings) == len(set(trackings))
        assert all(s10.is_valid(t) for t in trackings)
        assert set(tally.trackings) <= set(trackings)
        ids = list(tally.acknowledged)
        stored = conn.execute("SELECT count(*) FROM scan_events WHERE id = ANY(%s)", (ids,)).fetchone()[0]
        assert stored == len(ids)  # every acknowledged scan exactly once (ids are the primary key)
        rows = conn.execute(
            "SELECT c.id, c.status, e.id, e.event, e.at, e.office_code, e.recorded_at, e.details "
            "FROM consignments c LEFT JOIN scan_events e ON e.consignment_id = c.id"
        ).fetchall()
    facts: dict[int, list[Fact]] = {}
    status: dict[int, str] = {}
    for cid, cstatus, eid, event, at, office, recorded_at, details in rows:
        status[cid] = cstatus
        if eid is not None:
            facts.setdefault(cid, []).append(
                Fact(eid, EventCode(event), at, office, recorded_at, details or {})
            )
    mismatched = {cid: s for cid, s in status.items() if derive(facts.get(cid, [])).status != Status(s)}
    # Batches for one item recorded at once on two hosts: each derives from every event committed before it
    # (tests/scans/test_concurrency.py pins the race this once missed).
    assert not mismatched, f"stored status differs from the events for consignments {mismatched}"
