"""Scans and cancellations announce status changes to the webhooks that subscribed to them."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.webhooks.services import create_webhook
from models import User
from models.webhooks import WebhookDelivery, WebhookEvent
from tests.scans.helpers import ago, consignment, post_scans, results, scan
from tests.support import USERS, QueryCounter

SECRET = "a-shared-secret-of-32-characters"
RECEIVER = {"receiver": "Lò Văn Pọm"}


def _subscribe(session, *events: str) -> None:
    admin = session.scalar(select(User).where(User.username == USERS["admin"]))
    create_webhook(session, admin, "https://bang.example.vn/hook", list(events), SECRET)
    session.commit()


def _announced(session) -> list[tuple[str, str, str | None]]:
    """(type, status, previous status) of every event in the outbox, in the order written."""
    events = session.scalars(select(WebhookEvent).order_by(WebhookEvent.created_at, WebhookEvent.id))
    bodies = [json.loads(e.body) for e in sorted(events, key=lambda e: (e.created_at, e.body))]
    return [
        (b["type"], b["data"]["consignment"]["status"], b["data"]["consignment"]["previous_status"])
        for b in bodies
    ]


def test_each_status_a_scan_batch_changes_is_announced_once(api, session):
    _subscribe(session, "consignment.status_changed", "consignment.delivered")
    item, other = consignment(session), consignment(session)
    accept = [scan(item.tracking, "EMA", ago(300)), scan(other.tracking, "EMA", ago(300))]
    results(post_scans(api, "clerk", accept))
    assert sorted(_announced(session)) == [("consignment.status_changed", "accepted", "registered")] * 2
    # A retry records nothing new and so announces nothing; a scan that leaves the status alone neither.
    results(post_scans(api, "clerk", accept))
    results(post_scans(api, "admin", [scan(item.tracking, "EDD", ago(200), office="32000")]))
    results(post_scans(api, "admin", [scan(item.tracking, "EDE", ago(190), office="32000")]))
    assert len(_announced(session)) == 3
    delivery = scan(item.tracking, "EMI", ago(30), office=item.destination_code, details=RECEIVER)
    results(post_scans(api, "admin", [delivery]))
    announced = _announced(session)
    assert len(announced) == 5
    assert set(announced[3:]) == {
        ("consignment.status_changed", "delivered", "in_transit"),
        ("consignment.delivered", "delivered", "in_transit"),
    }
    delivered_events = session.scalars(select(WebhookDelivery.event_id)).all()
    assert sorted(delivered_events) == sorted(session.scalars(select(WebhookEvent.id)))  # one each
    for body in session.scalars(select(WebhookEvent.body)):
        assert "Lò Văn Pọm" not in body  # no personal names
        assert "V/v" not in body  # no document title (it may be classified)


def test_a_cancellation_is_announced(api, session):
    _subscribe(session, "consignment.status_changed")
    item = consignment(session)
    response = api.as_("board").post(f"/api/v1/consignments/{item.tracking}/cancel", json={"reason": "Nhầm"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert _announced(session) == [("consignment.status_changed", "cancelled", "registered")]


def test_without_subscribers_a_batch_writes_nothing_and_asks_once(app, api, session):
    items = [consignment(session) for _ in range(20)]
    batch = [scan(i.tracking, "EMA", ago(100)) for i in items]
    with QueryCounter(app) as counter:
        results(post_scans(api, "clerk", batch))
    webhook_reads = [s for s in counter.statements if "FROM webhooks" in s]
    assert len(webhook_reads) == 1  # one look for receivers for the whole batch, not one per item
    assert _announced(session) == []
