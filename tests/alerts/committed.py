"""For tests that must really commit (several processes): make data, run the `hoatoc` command, clean up."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select

from app import db
from models import Alert, AuditEntry, Consignment, ScanEvent
from models.webhooks import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent

HOATOC = [sys.executable, "-c", "from app.cli import main; main()"]


def cli_env(app: Flask) -> dict[str, str]:
    env = dict(os.environ)
    env["HOATOC_DATABASE_URL"] = app.config["DATABASE_URL"]
    env.pop("HOATOC_SECRET_KEY", None)
    return env


def hoatoc(app: Flask, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*HOATOC, *args], env=cli_env(app), capture_output=True, text=True, timeout=timeout)


def start(app: Flask, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*HOATOC, *args], env=cli_env(app), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _max_id(model: Any) -> int:
    return db.session.scalar(select(func.max(model.id))) or 0


def wipe(consignment_ids: list[int], alerts_before: int, audit_before: int) -> None:
    """Remove what a committing test made: the alerts opened meanwhile (the sweep's, and the duty gaps and
    overdue inquiries the `hoatoc sweep` command also checks), events, the outbox, audit entries, the items."""
    session = db.session
    session.rollback()
    session.execute(delete(WebhookAttempt))
    session.execute(delete(WebhookDelivery))
    session.execute(delete(WebhookEvent))
    session.execute(delete(Webhook))
    session.execute(delete(Alert).where(Alert.id > alerts_before))
    session.execute(delete(AuditEntry).where(AuditEntry.id > audit_before))
    if consignment_ids:
        session.execute(delete(ScanEvent).where(ScanEvent.consignment_id.in_(consignment_ids)))
        session.execute(delete(Consignment).where(Consignment.id.in_(consignment_ids)))
    session.commit()


@contextmanager
def committed(app: Flask) -> Iterator[list[int]]:
    """An app context whose consignments (ids appended to the yielded list) are removed at the end."""
    ids: list[int] = []
    with app.app_context():
        alerts_before, audit_before = _max_id(Alert), _max_id(AuditEntry)
        try:
            yield ids
        finally:
            wipe(ids, alerts_before, audit_before)


def alert_counts(consignment_ids: list[int]) -> dict[tuple[int, str], int]:
    rows = db.session.execute(
        select(Alert.consignment_id, Alert.kind).where(Alert.consignment_id.in_(consignment_ids))
    )
    counts: dict[tuple[int, Any], int] = {}
    for cid, kind in rows:
        counts[(cid, kind.value)] = counts.get((cid, kind.value), 0) + 1
    return counts
