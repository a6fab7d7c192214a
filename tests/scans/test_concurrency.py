"""Two workers receiving the same batch at the same moment (a handheld retrying on a slow network)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import delete, func, select

from app import db
from models import Alert, AuditEntry, Consignment, ScanEvent, Status
from tests.factories import make_consignment
from tests.scans.helpers import ago, scan
from tests.support import ApiClient

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
