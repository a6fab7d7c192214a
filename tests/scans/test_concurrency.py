"""Two workers receiving the same batch at the same moment (a handheld retrying on a slow network)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import OperationalError

from app import db
from app.scans.schemas import ScanBatchSchema
from app.scans.services import record_scans
from app.scans.status import Fact, derive
from models import Alert, AuditEntry, Consignment, ScanEvent, Status, User
from tests.factories import make_consignment
from tests.scans.helpers import ago, scan
from tests.support import USERS, ApiClient

# Bounded: SQLite answers 503 (busy) to the loser, which then retries a little later, like a scanner.
ATTEMPTS = 25
PAUSE = 0.2


def _post_until_answered(app, batch, barrier, answers, index):
    client = ApiClient(app, "clerk")
    barrier.wait(timeout=30)
    for _ in range(ATTEMPTS):
        response = client.post("/api/v1/scans", json={"scans": batch})
        if response.status_code != 503:
            break
        time.sleep(PAUSE)
    answers[index] = response


@pytest.mark.committing
def test_the_same_batch_from_two_workers_at_once(app):
    with app.app_context():
        items = [make_consignment(db.session, now=ago(600)) for _ in range(40)]
        db.session.commit()
        ids = [c.id for c in items]
        batch = [scan(c.tracking, "EMA", ago(30)) for c in items] + [
            scan(c.tracking, "EDE", ago(20)) for c in items
        ]
    try:
        for _round in range(3):
            barrier = threading.Barrier(2)
            answers: list = [None, None]
            threads = [
                threading.Thread(target=_post_until_answered, args=(app, batch, barrier, answers, i))
                for i in (0, 1)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert all(not t.is_alive() for t in threads)
            assert [a.status_code for a in answers] == [200, 200], [a.get_data(as_text=True) for a in answers]
            outcomes = [Counter(r["result"] for r in a.get_json()["results"]) for a in answers]
            assert all(o["rejected"] == 0 for o in outcomes), outcomes
        with app.app_context():
            per_item = db.session.execute(
                select(ScanEvent.consignment_id, func.count())
                .where(ScanEvent.consignment_id.in_(ids))
                .group_by(ScanEvent.consignment_id)
            ).all()
            assert sorted(n for _cid, n in per_item) == [2] * len(ids)
            statuses = db.session.scalars(select(Consignment.status).where(Consignment.id.in_(ids))).all()
            assert set(statuses) == {Status.IN_TRANSIT}
    finally:
        _clean(app, ids, {s["id"] for s in batch})


def _clean(app, ids, scan_ids):
    with app.app_context():
        session = db.session
        session.execute(delete(ScanEvent).where(ScanEvent.consignment_id.in_(ids)))
        session.execute(delete(Alert).where(Alert.consignment_id.in_(ids)))
        batch_entries = select(AuditEntry.id).where(
            AuditEntry.action == "scan.batch", AuditEntry.object_id.in_(scan_ids)
        )
        session.execute(delete(AuditEntry).where(AuditEntry.id.in_(batch_entries)))
        session.execute(delete(Consignment).where(Consignment.id.in_(ids)))
        session.commit()


def test_uuid_case_does_not_make_a_new_scan(api, session):
    from tests.scans.helpers import consignment, event_count, post_scans, results

    item = consignment(session)
    first = scan(item.tracking, "EMA", ago(30))
    results(post_scans(api, "clerk", [first]))
    [again] = results(post_scans(api, "clerk", [{**first, "id": first["id"].upper()}]))
    assert again["result"] == "duplicate"
    assert again["id"] == str(uuid.UUID(first["id"]))
    assert event_count(session, item) == 1


def _record_in_thread(app, scans, before_commit=None, failures=None):
    """Record a batch as a request would (its own session), optionally pausing before the commit."""
    try:
        with app.app_context():
            actor = db.session.scalar(select(User).where(User.username == USERS["clerk"]))
            record_scans(db.session, actor, ScanBatchSchema().load({"scans": scans})["scans"])
            if before_commit is not None:
                before_commit()
            db.session.commit()
    except Exception as exc:  # the test reports it (a thread's exception would only be a warning)
        failures.append(exc)


def _wait_for_a_lock_wait(app, timeout=20.0):
    """Until another connection to this database waits on a row lock (the second batch is blocked)."""
    deadline = time.monotonic() + timeout
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with app.app_context():
        while time.monotonic() < deadline:
            if db.session.scalar(query):
                return
            db.session.rollback()
            time.sleep(0.02)
    raise AssertionError("the second batch never waited for the first one's lock")


@pytest.mark.committing
def test_a_batch_that_waited_for_another_sees_its_events(app, backend):
    """Host A holds an item (its batch not yet committed); host B's batch for the same item waits, then
    must derive the status from A's events too, not from what it would have seen before waiting.
    (SQLite has one writer at a time: B either waits for A or is told the database is busy and retries.)
    """
    with app.app_context():
        item = make_consignment(db.session, now=ago(600))
        db.session.commit()
        ids = [item.id]
    accepted = scan(item.tracking, "EMA", ago(60))
    later, earlier = scan(item.tracking, "EMG", ago(10)), scan(item.tracking, "EDD", ago(20))
    failures: list[Exception] = []
    go = threading.Event()
    try:
        _record_in_thread(app, [accepted], failures=failures)
        holding = threading.Event()

        def hold_until_told():
            holding.set()
            assert go.wait(timeout=30)

        first = threading.Thread(target=_record_in_thread, args=(app, [later], hold_until_told, failures))
        second = threading.Thread(target=_record_in_thread, args=(app, [earlier], None, failures))
        first.start()
        assert holding.wait(timeout=30)
        second.start()
        if backend == "postgresql":
            _wait_for_a_lock_wait(app)
        else:
            time.sleep(0.5)  # B has begun and is waiting for the write lock (or has been refused)
        go.set()
        for thread in (first, second):
            thread.join(timeout=30)
        busy = [f for f in failures if isinstance(f, OperationalError) and "locked" in str(f).lower()]
        assert backend == "sqlite" or not busy, failures
        assert len(busy) == len(failures), failures
        if busy:  # the scanner's retry, as the API's 503 asks
            _record_in_thread(app, [earlier], failures=failures)
        _assert_status_follows_events(app, item.id, Status.AT_DELIVERY_OFFICE)
    finally:
        go.set()
        _clean(app, ids, {accepted["id"], later["id"], earlier["id"]})


def _assert_status_follows_events(app, consignment_id, expected):
    with app.app_context():
        stored = db.session.get(Consignment, consignment_id)
        events = db.session.scalars(select(ScanEvent).where(ScanEvent.consignment_id == consignment_id))
        facts = [Fact(e.id, e.event, e.at, e.office_code, e.recorded_at, e.details or {}) for e in events]
        assert len(facts) == 3
        # EMA, EDD (20 min ago), EMG (10 min ago): at the delivery office; a batch blind to the EMG it
        # waited for would have written "in transit".
        assert derive(facts).status == expected
        assert stored.status == expected
        assert stored.last_event_at == max(f.at for f in facts)
