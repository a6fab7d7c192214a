"""Webhooks: admin API, the outbox written with its cause, signed deliveries, retries with backoff."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.alerts.services import open_alert, resolve_alerts
from app.webhooks.delivery import deliver_due
from app.webhooks.services import create_webhook, emit_status_change
from models import AlertKind, Status, User
from models.webhooks import DeliveryState, WebhookAttempt, WebhookDelivery, WebhookEvent
from tests.alerts.helpers import T0, accepted
from tests.alerts.receiver import receiver
from tests.support import assert_problem

SECRET = "a-shared-secret-of-32-characters"
S = timedelta(seconds=1)


def _admin(session) -> User:
    return session.scalar(select(User).where(User.username == "admin"))


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_admins_register_list_and_remove_webhooks(session, api):
    created = api.as_("admin").post(
        "/api/v1/webhooks",
        json={
            "url": "https://hooks.example.vn/hoatoc",
            "events": ["alert.opened", "alert.resolved"],
            "secret": SECRET,
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    hook = created.get_json()
    assert hook["events"] == ["alert.opened", "alert.resolved"]
    assert "secret" not in hook
    listed = api.as_("admin").get("/api/v1/webhooks").get_json()
    assert [w["url"] for w in listed["items"]] == ["https://hooks.example.vn/hoatoc"]
    assert SECRET not in api.as_("admin").get("/api/v1/webhooks").get_data(as_text=True)
    assert api.as_("admin").delete(f"/api/v1/webhooks/{hook['id']}").status_code == 204
    assert api.as_("admin").get("/api/v1/webhooks").get_json()["items"] == []
    assert_problem(api.as_("admin").delete(f"/api/v1/webhooks/{hook['id']}"), 404)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.example.vn/x", "events": ["alert.opened"], "secret": SECRET}, "url"),
        ({"url": "https://user:pw@hooks.example.vn/", "events": ["alert.opened"], "secret": SECRET}, "url"),
        ({"url": "https:///nohost", "events": ["alert.opened"], "secret": SECRET}, "url"),
        ({"url": "http://[::1", "events": ["alert.opened"], "secret": SECRET}, "url"),
        ({"url": "https://hooks.example.vn/", "events": ["alert.exploded"], "secret": SECRET}, "events.0"),
        ({"url": "https://hooks.example.vn/", "events": [], "secret": SECRET}, "events"),
        ({"url": "https://hooks.example.vn/", "events": ["alert.opened"], "secret": "short"}, "secret"),
        ({"url": "https://hooks.example.vn/", "events": ["alert.opened"]}, "secret"),
    ],
)
def test_bad_webhooks_are_refused_naming_the_field(session, api, body, field):
    assert_problem(api.as_("admin").post("/api/v1/webhooks", json=body), 422, field)
    assert api.as_("admin").get("/api/v1/webhooks").get_json()["total"] == 0


def test_only_admins_manage_webhooks(session, api):
    body = {"url": "https://hooks.example.vn/", "events": ["alert.opened"], "secret": SECRET}
    assert_problem(api.as_("board").post("/api/v1/webhooks", json=body), 403)
    assert_problem(api.as_("clerk").get("/api/v1/webhooks"), 403)
    assert_problem(api.as_("clerk").get("/api/v1/webhooks/deliveries"), 403)


def test_deliveries_are_signed_and_carry_a_stable_event_id(session):
    item = accepted(session)
    with receiver() as rx:
        create_webhook(session, _admin(session), rx.url, ["alert.opened"], SECRET)
        alert = open_alert(session, AlertKind.STALLED, "đứng yên", consignment=item, now=T0)
        run = deliver_due(session, T0, commit=session.flush)
    assert (run.delivered, run.failed) == (1, 0)
    [request] = rx.requests
    assert request.signed_with(SECRET)
    assert not request.signed_with("another-secret-of-enough-length")
    body = request.json
    assert request.headers["X-Hoatoc-Event-Id"] == body["id"]
    assert request.headers["X-Hoatoc-Event"] == body["type"] == "alert.opened"
    assert body["data"]["alert"]["id"] == alert.id
    assert body["data"]["alert"]["tracking"] == item.tracking
    assert body["occurred_at"].endswith("+07:00")


def test_a_failed_delivery_is_retried_with_backoff_until_2xx(session):
    item = accepted(session)
    with receiver(statuses=[500, 503]) as rx:
        hook = create_webhook(session, _admin(session), rx.url, ["alert.opened"], SECRET)
        open_alert(session, AlertKind.LATE, "trễ", consignment=item, now=T0)
        assert deliver_due(session, T0, commit=session.flush).failed == 1
        delivery = session.scalar(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id))
        assert delivery.state == DeliveryState.PENDING
        assert T0 + 30 * S <= delivery.next_attempt_at <= T0 + 33 * S
        assert deliver_due(session, T0 + 29 * S, commit=session.flush).attempted == 0
        assert deliver_due(session, T0 + 34 * S, commit=session.flush).failed == 1
        assert T0 + 94 * S <= delivery.next_attempt_at <= T0 + 100 * S  # then 60 s (+10 %)
        assert deliver_due(session, T0 + 200 * S, commit=session.flush).delivered == 1
    assert len(rx.requests) == 3
    assert len({r.body for r in rx.requests}) == 1
    assert len({r.headers["X-Hoatoc-Event-Id"] for r in rx.requests}) == 1
    assert all(r.signed_with(SECRET) for r in rx.requests)
    session.refresh(delivery)
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.attempts == 3
    tries = session.scalars(
        select(WebhookAttempt.status_code).where(WebhookAttempt.delivery_id == delivery.id)
    )
    assert list(tries) == [500, 503, 200]


def test_an_unreachable_receiver_is_logged_and_retried(session):
    item = accepted(session)
    with receiver() as rx:
        url = rx.url  # the server stops at the end of the block: nothing listens there any more
    create_webhook(session, _admin(session), url, ["alert.opened"], SECRET)
    open_alert(session, AlertKind.LATE, "trễ", consignment=item, now=T0)
    run = deliver_due(session, T0, commit=session.flush, timeout=5)
    assert run.failed == 1
    delivery = session.scalar(select(WebhookDelivery))
    assert delivery.last_status is None
    assert delivery.last_error
    assert delivery.state == DeliveryState.PENDING


def test_the_outbox_row_is_written_with_its_cause_or_not_at_all(session):
    item = accepted(session)
    create_webhook(
        session, _admin(session), "https://hooks.example.vn/", ["alert.opened", "alert.resolved"], SECRET
    )
    session.commit()
    open_alert(session, AlertKind.LATE, "trễ", consignment=item, now=T0)
    assert _count(session, WebhookEvent) == 1
    session.rollback()
    assert _count(session, WebhookEvent) == 0
    assert _count(session, WebhookDelivery) == 0
    open_alert(session, AlertKind.LATE, "trễ", consignment=item, now=T0)
    resolve_alerts(session, item, [AlertKind.LATE], "delivered", now=T0 + S)
    types = session.scalars(select(WebhookEvent.type).order_by(WebhookEvent.created_at)).all()
    assert types == ["alert.opened", "alert.resolved"]


def test_nothing_is_written_when_nobody_listens(session):
    item = accepted(session)
    open_alert(session, AlertKind.LATE, "trễ", consignment=item, now=T0)
    emit_status_change(session, item, Status.ACCEPTED, Status.DELIVERED, T0)
    assert _count(session, WebhookEvent) == 0


def test_status_changes_and_deliveries_are_announced(session):
    item = accepted(session)
    create_webhook(session, _admin(session), "https://a.example.vn/", ["consignment.status_changed"], SECRET)
    create_webhook(session, _admin(session), "https://b.example.vn/", ["consignment.delivered"], SECRET)
    item.status = Status.DELIVERED
    emit_status_change(session, item, Status.ACCEPTED, Status.DELIVERED, T0)
    emit_status_change(session, item, Status.DELIVERED, Status.DELIVERED, T0)  # no change: nothing
    events = session.scalars(select(WebhookEvent).order_by(WebhookEvent.type)).all()
    assert [e.type for e in events] == ["consignment.delivered", "consignment.status_changed"]
    assert '"previous_status":"accepted"' in events[1].body
    assert "doc_title" not in events[1].body
    assert "V/v" not in events[1].body


def test_removing_a_webhook_cancels_what_it_had_pending(session, api):
    item = accepted(session)
    hook = create_webhook(session, _admin(session), "https://hooks.example.vn/", ["alert.opened"], SECRET)
    open_alert(session, AlertKind.LATE, "trễ", consignment=item, now=T0)
    session.commit()
    assert api.as_("admin").delete(f"/api/v1/webhooks/{hook.id}").status_code == 204
    session.expire_all()
    assert session.scalar(select(WebhookDelivery.state)) == DeliveryState.CANCELLED
    assert deliver_due(session, T0 + timedelta(hours=1), commit=session.flush).attempted == 0


def test_the_delivery_log_shows_every_attempt(session, api):
    item = accepted(session)
    with receiver(statuses=[500]) as rx:
        create_webhook(session, _admin(session), rx.url, ["alert.opened"], SECRET)
        open_alert(session, AlertKind.LATE, "trễ", consignment=item, now=T0)
        deliver_due(session, T0, commit=session.flush)
        deliver_due(session, T0 + timedelta(minutes=5), commit=session.flush)
    session.commit()
    log = api.as_("admin").get("/api/v1/webhooks/deliveries").get_json()
    [entry] = log["items"]
    assert entry["state"] == "delivered"
    assert entry["attempts"] == 2
    assert entry["event"] == "alert.opened"
    detail = api.as_("admin").get(f"/api/v1/webhooks/deliveries/{entry['id']}").get_json()
    assert [t["status_code"] for t in detail["tries"]] == [500, 200]
    assert detail["body"] == rx.requests[0].body.decode()
