"""Nothing is lost when a process dies: the outbox row is committed with its cause and another
deliverer process sends it; a deliverer killed mid-send leaves a lease that runs out."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from app.alerts.services import open_alert
from app.webhooks.delivery import LEASE_SECONDS, deliver_due
from app.webhooks.services import create_webhook
from models import Alert, AlertKind, User
from models.base import utcnow
from models.webhooks import DeliveryState, WebhookDelivery
from tests.alerts.committed import cli_env, committed, hoatoc, start
from tests.alerts.helpers import T0, accepted
from tests.alerts.receiver import receiver

SECRET = "a-shared-secret-of-32-characters"

# Opens the alerts (and their outbox rows), commits, then dies at once: no chance to deliver anything.
CAUSE_THEN_DIE = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime
    from app import create_app, db
    from app.alerts.sweep import sweep
    app = create_app({"HOATOC_CLI": True})
    with app.app_context():
        sweep(db.session, datetime.fromisoformat(sys.argv[1]), after_batch=db.session.commit)
        db.session.commit()
        os.kill(os.getpid(), signal.SIGKILL)
    """
)


def _admin() -> User:
    return db.session.scalar(select(User).where(User.username == "admin"))


@pytest.mark.committing
def test_a_process_dying_after_the_cause_loses_no_delivery(app):
    with committed(app) as ids, receiver() as rx:
        ids.append(accepted(db.session).id)
        create_webhook(db.session, _admin(), rx.url, ["alert.opened"], SECRET)
        db.session.commit()
        died = subprocess.run(
            [sys.executable, "-c", CAUSE_THEN_DIE, (T0 + timedelta(hours=5)).isoformat()],
            env=cli_env(app),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert died.returncode == -signal.SIGKILL, died.stderr
        assert rx.requests == []
        db.session.expire_all()
        [alert] = db.session.scalars(select(Alert).where(Alert.consignment_id == ids[0])).all()
        assert db.session.scalar(select(WebhookDelivery.state)) == DeliveryState.PENDING
        delivered = hoatoc(app, "webhooks", "deliver")
        assert delivered.returncode == 0, delivered.stderr
        assert "1 delivered" in delivered.stdout
        [request] = rx.requests
        assert request.signed_with(SECRET)
        assert request.json["data"]["alert"]["id"] == alert.id


@pytest.mark.committing
def test_a_deliverer_killed_mid_send_is_relieved_when_its_lease_runs_out(app):
    with committed(app) as ids, receiver(hold=True) as rx:
        item = accepted(db.session)
        ids.append(item.id)
        create_webhook(db.session, _admin(), rx.url, ["alert.opened"], SECRET)
        open_alert(db.session, AlertKind.STALLED, "đứng yên", consignment=item, now=T0)
        db.session.commit()
        deliverer = start(app, "webhooks", "deliver")
        try:
            assert rx.arrived.wait(timeout=60), "the deliverer never called"
        finally:
            deliverer.kill()
            deliverer.communicate(timeout=30)
        rx.hold.set()  # answer from now on
        db.session.expire_all()
        assert deliver_due(db.session, utcnow(), commit=db.session.commit).attempted == 0  # still leased
        later = utcnow() + timedelta(seconds=LEASE_SECONDS + 5)
        assert deliver_due(db.session, later, commit=db.session.commit).delivered == 1
        assert len(rx.requests) == 2
        assert rx.requests[0].body == rx.requests[1].body
