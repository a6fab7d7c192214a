"""Tamper evidence: an edited, deleted or inserted row of the audit log or the scan events is reported."""

from __future__ import annotations

import hashlib
import itertools
import uuid
from datetime import timedelta

from sqlalchemy import text

from app.audit import integrity
from app.audit.services import record
from models import EventCode, ScanEvent
from models.base import utcnow
from tests.factories import make_consignment

LATER = utcnow() + timedelta(minutes=10)  # past the sealing margin
_clock = itertools.count()


def _scans(session, n):
    """n scans recorded one second apart, later than any made before in this test run."""
    item = make_consignment(session)
    base = utcnow() - timedelta(hours=1)
    ids = []
    for i in range(n):
        scan_id = str(uuid.uuid4())
        session.add(
            ScanEvent(
                id=scan_id, consignment_id=item.id, event=EventCode.EDD, office_code="32000",
                at=base, recorded_at=base + timedelta(seconds=next(_clock)),
                details={"n": i}, fingerprint=hashlib.sha256(scan_id.encode()).hexdigest(),
            )
        )  # fmt: skip
        ids.append(scan_id)
    session.flush()
    return ids


def _seal_all(session):
    return [integrity.seal(session, stream, now=LATER) for stream in integrity.STREAMS]


def test_untouched_tables_verify(session):
    _scans(session, 70)
    record(session, None, "test.thing", "test", "1", note="một")
    _seal_all(session)
    report = integrity.verify(session)
    assert report.ok, report.problems
    assert report.seals >= 2


def test_a_second_seal_covers_only_new_rows_and_chains(session):
    _scans(session, 3)
    first = integrity.seal(session, "scans", now=LATER)
    assert integrity.seal(session, "scans", now=LATER) is None  # nothing new
    _scans(session, 2)
    second = integrity.seal(session, "scans", now=LATER + timedelta(minutes=1))
    assert second.previous_hash == first.hash
    assert second.row_count == 2
    assert integrity.verify(session).ok


def test_edited_scan_is_reported(session):
    ids = _scans(session, 70)
    _seal_all(session)
    session.execute(text("UPDATE scan_events SET office_code = '32105' WHERE id = :id"), {"id": ids[65]})
    problems = integrity.verify(session).problems
    assert any("scans seal 1" in p and "changed" in p for p in problems), problems


def test_deleted_audit_entry_is_reported(session):
    entries = [record(session, None, "test.thing", "test", str(i)) for i in range(5)]
    session.flush()
    _seal_all(session)
    session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": entries[2].id})
    problems = integrity.verify(session).problems
    assert any("audit seal" in p and "deleted or inserted" in p for p in problems), problems


def test_altered_seal_is_reported(session):
    _scans(session, 3)
    _seal_all(session)
    session.execute(text("UPDATE integrity_seals SET row_count = row_count + 1 WHERE stream = 'scans'"))
    problems = integrity.verify(session).problems
    assert any("altered" in p for p in problems), problems


def test_audit_verify_command_fails_on_tampering(app, session):
    entry = record(session, None, "test.thing", "test", "x", amount=1)
    session.flush()
    _seal_all(session)
    session.execute(text("UPDATE audit_log SET action = 'test.other' WHERE id = :id"), {"id": entry.id})
    session.commit()
    runner = app.test_cli_runner()
    from app.cli import cli

    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code != 0
    assert "changed since they were sealed" in result.output
