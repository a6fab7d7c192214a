"""Hot read paths run a fixed number of SQL statements, however much data they show."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from models import Dispatch, EventCode, ScanEvent
from models.base import utcnow
from tests.factories import make_consignment
from tests.support import QueryCounter, login


def _with_events(session, n):
    item = make_consignment(session)
    for i in range(n):
        scan_id = str(uuid.uuid4())
        session.add(
            ScanEvent(
                id=scan_id, consignment_id=item.id, event=EventCode.EDD, office_code="32000",
                at=utcnow() - timedelta(minutes=n - i), recorded_at=utcnow(), details={},
                fingerprint=hashlib.sha256(scan_id.encode()).hexdigest(),
            )
        )  # fmt: skip
    session.commit()
    return item


def test_tracking_lookup_does_not_grow_with_events(app, api, session):
    few, many = _with_events(session, 1), _with_events(session, 60)
    with QueryCounter(app) as small:
        assert api.get(f"/api/v1/track/{few.tracking}").status_code == 200
    with QueryCounter(app) as large:
        assert api.get(f"/api/v1/track/{many.tracking}").status_code == 200
    assert small.count == large.count
    assert large.count == 1, large.statements  # one statement: the item, its flags and its events


def _dispatch(session, recipients):
    dispatch = Dispatch(sender_code="UBBC-DIENBIEN", doc_number=f"{recipients}/CV-UBBC")
    session.add(dispatch)
    session.flush()
    for position in range(recipients):
        item = make_consignment(session, dispatch_id=dispatch.id, dispatch_position=position)
        session.add(
            ScanEvent(
                id=str(uuid.uuid4()), consignment_id=item.id, event=EventCode.EMA, office_code="32100",
                at=utcnow(), recorded_at=utcnow(), details={}, fingerprint="0" * 64,
            )
        )  # fmt: skip
    session.commit()
    return dispatch


def test_dispatch_matrix_does_not_grow_with_recipients(app, client, session):
    small_dispatch, large_dispatch = _dispatch(session, 2), _dispatch(session, 40)
    login(client, "board")
    with QueryCounter(app) as small:
        assert client.get(f"/board/dispatches/{small_dispatch.id}").status_code == 200
    with QueryCounter(app) as large:
        assert client.get(f"/board/dispatches/{large_dispatch.id}").status_code == 200
    assert small.count == large.count, large.statements
