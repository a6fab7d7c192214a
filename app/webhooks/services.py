"""Webhooks: receivers an admin registers, and events written to the outbox with their cause.

``emit`` writes the event (its body serialised once) and one pending delivery per subscribed webhook in
the caller's transaction: if the cause is rolled back, so is the event; if the process dies after the
commit, a deliverer picks the delivery up (app/webhooks/delivery.py). Nothing is written when nobody
subscribes, so emitting costs one small query.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, joinedload

from app.api.schemas import LOCAL_TZ
from app.audit.services import record
from app.errors import Invalid, NotFound
from models import Alert, Consignment, Status, User
from models.base import utcnow
from models.webhooks import (
    DeliveryState,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
)

EVENT_TYPES = tuple(t.value for t in WebhookEventType)
MAX_URL = 2000
MIN_SECRET, MAX_SECRET = 16, 255


def check_url(url: str) -> str | None:
    """Why a webhook URL is unacceptable, or None: absolute http(s), a host, no credentials."""
    if len(url) > MAX_URL:
        return _("At most %(n)d characters.", n=MAX_URL)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("Not a valid URL.")
    if parts.scheme not in ("http", "https"):
        return _("Only http and https URLs are accepted.")
    if not parts.hostname:
        return _("The URL needs a host name.")
    if parts.username or parts.password:
        return _("Do not put credentials in the URL: deliveries are signed with the secret.")
    if port == 0 or any(ch.isspace() for ch in url):
        return _("Not a valid URL.")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None
    if address.is_unspecified or address.is_multicast:
        return _("This address cannot receive deliveries.")
    return None


def create_webhook(
    session: Session, actor: User, url: str, events: Sequence[str], secret: str, now: datetime | None = None
) -> Webhook:
    errors: dict[str, str] = {}
    problem = check_url(url)
    if problem:
        errors["url"] = problem
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown or not events:
        errors["events"] = _("Choose one or more of: %(names)s.", names=", ".join(EVENT_TYPES))
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        errors["secret"] = _("Between %(min)d and %(max)d characters.", min=MIN_SECRET, max=MAX_SECRET)
    if errors:
        raise Invalid(_("The webhook was not created."), errors)
    webhook = Webhook(
        url=url,
        events=sorted(set(events), key=EVENT_TYPES.index),
        secret=secret,
        created_at=now or utcnow(),
        created_by_id=actor.id,
    )
    session.add(webhook)
    session.flush()
    record(session, actor, "webhook.create", "webhook", webhook.id, url=url, events=webhook.events)
    return webhook


def webhooks_query() -> Select[tuple[Webhook]]:
    return select(Webhook).where(Webhook.active.is_(True)).order_by(Webhook.id)


MAX_ID = 2**31 - 1


def get_webhook(session: Session, webhook_id: int) -> Webhook:
    webhook = session.get(Webhook, webhook_id) if 0 < webhook_id <= MAX_ID else None
    if webhook is None or not webhook.active:
        raise NotFound(_("No webhook %(id)s.", id=webhook_id), {"id": _("Unknown webhook.")})
    return webhook


def delete_webhook(session: Session, actor: User, webhook_id: int, now: datetime | None = None) -> None:
    """Stop deliveries to this receiver; its delivery log is kept."""
    webhook = get_webhook(session, webhook_id)
    webhook.active = False
    webhook.deleted_at = now or utcnow()
    cancelled = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.state == DeliveryState.PENDING)
        .values(state=DeliveryState.CANCELLED)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.flush()
    record(session, actor, "webhook.delete", "webhook", webhook.id, url=webhook.url, cancelled=cancelled)


def deliveries_query(
    webhook_id: int | None = None, state: str | None = None
) -> Select[tuple[WebhookDelivery]]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    if webhook_id is not None:
        query = query.where(WebhookDelivery.webhook_id == webhook_id)
    if state:
        query = query.where(WebhookDelivery.state == DeliveryState(state))
    return query


def delivery_with_attempts(session: Session, delivery_id: int) -> WebhookDelivery:
    """A delivery with ``tries``: its attempts, oldest first."""
    delivery = session.get(WebhookDelivery, delivery_id) if 0 < delivery_id <= MAX_ID else None
    if delivery is None:
        raise NotFound(_("No webhook delivery %(id)s.", id=delivery_id), {"id": _("Unknown delivery.")})
    delivery.tries = list(  # type: ignore[attr-defined]
        session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery.id)
            .order_by(WebhookAttempt.id)
        )
    )
    return delivery


# Who listens, as ids and event types only: emitters run inside every scan request, and the ORM entity (with
# its joined creator) cost a single scan a quarter of its CPU. Built once.
_LISTENING = select(Webhook.id, Webhook.events).where(Webhook.active.is_(True)).order_by(Webhook.id)


def subscribers(session: Session, event_type: str) -> list[int]:
    """The ids of the active webhooks that receive EVENT_TYPE."""
    return _receivers(session, (event_type,))[event_type]


def emit(session: Session, event_type: str, data: dict[str, Any], now: datetime | None = None) -> str | None:
    """Write one event to the outbox for every subscribed webhook; its id, or None if nobody listens."""
    receivers = subscribers(session, event_type)
    return _write(session, receivers, event_type, data, now or utcnow()) if receivers else None


def _write(
    session: Session, receivers: list[int], event_type: str, data: dict[str, Any], now: datetime
) -> str:
    event_id = str(uuid.uuid4())
    payload = {
        "id": event_id,
        "type": event_type,
        "occurred_at": now.astimezone(LOCAL_TZ).isoformat(),
        "data": data,
    }
    body = json.dumps(
        payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=_json_default
    )
    session.add(WebhookEvent(id=event_id, type=event_type, body=body, created_at=now))
    session.flush()
    session.add_all(
        WebhookDelivery(event_id=event_id, webhook_id=w, next_attempt_at=now, created_at=now, attempts=0)
        for w in receivers
    )
    session.flush()
    return event_id


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def emit_alert_events(session: Session, alert_ids: Iterable[int], event_type: str, now: datetime) -> int:
    """alert.opened / alert.resolved for many alerts at once (the sweep); nothing if nobody listens."""
    ids = list(alert_ids)
    receivers = subscribers(session, event_type) if ids else []
    if not receivers:
        return 0
    for start in range(0, len(ids), 500):
        alerts = session.scalars(
            select(Alert)
            .options(joinedload(Alert.consignment))
            .where(Alert.id.in_(ids[start : start + 500]))
            # The alerts were just changed by bulk SQL: read them afresh, not from the identity map.
            .execution_options(populate_existing=True)
        ).all()
        for alert in sorted(alerts, key=lambda a: a.id):
            _write(session, receivers, event_type, {"alert": alert_payload(alert)}, now)
    return len(ids)


def alert_payload(alert: Alert) -> dict[str, Any]:
    from app.alerts.messages import render_detail, render_resolution

    with force_locale("vi"):
        detail_vi, resolution_vi = render_detail(alert), render_resolution(alert)
    with force_locale("en"):
        detail_en, resolution_en = render_detail(alert), render_resolution(alert)
    consignment = alert.consignment
    return {
        "id": alert.id,
        "kind": alert.kind.value,
        "tracking": consignment.tracking if consignment is not None else None,
        "urgency": consignment.urgency.value if consignment is not None else None,
        "office": alert.office_code,
        "state": alert.state.value,
        "opened_at": alert.opened_at,
        "resolved_at": alert.resolved_at,
        "detail": detail_vi,
        "detail_en": detail_en,
        "resolution": resolution_vi,
        "resolution_en": resolution_en,
    }


STATUS_EVENTS = (WebhookEventType.STATUS_CHANGED.value, WebhookEventType.DELIVERED.value)


def emit_status_change(
    session: Session, consignment: Consignment, old: Status | None, new: Status, now: datetime | None = None
) -> None:
    """consignment.status_changed, and consignment.delivered on delivery, for one consignment."""
    if old == new:
        return
    receivers = _receivers(session, STATUS_EVENTS)
    if any(receivers.values()):
        _announce(session, receivers, consignment, old, now or utcnow())


def emit_status_changes(
    session: Session, previous: Sequence[tuple[int, Status | None]], now: datetime | None = None
) -> int:
    """The same for many consignments (a scan batch): their ids with the status each had before.

    One query for the receivers whatever the number of items, and nothing more when nobody listens; the
    consignments are then read in chunks, afresh (a batch writes them with bulk SQL, behind the ORM).
    Returns the number of status changes announced.
    """
    old = dict(previous)
    receivers = _receivers(session, STATUS_EVENTS) if old else {}
    if not any(receivers.values()):
        return 0
    now = now or utcnow()
    announced = 0
    ids = sorted(old)
    for start in range(0, len(ids), 500):
        query = (
            select(Consignment)
            .where(Consignment.id.in_(ids[start : start + 500]))
            .order_by(Consignment.id)
            .execution_options(populate_existing=True)
        )
        for consignment in session.scalars(query):
            if consignment.status != old[consignment.id]:
                _announce(session, receivers, consignment, old[consignment.id], now)
                announced += 1
    return announced


def _receivers(session: Session, event_types: Sequence[str]) -> dict[str, list[int]]:
    """Event type -> the ids of the active webhooks that receive it."""
    hooks = session.execute(_LISTENING).all()
    return {kind: [id_ for id_, events in hooks if kind in (events or [])] for kind in event_types}


def _announce(
    session: Session,
    receivers: dict[str, list[int]],
    consignment: Consignment,
    old: Status | None,
    now: datetime,
) -> None:
    data = {"consignment": consignment_payload(consignment, old)}
    changed, delivered = STATUS_EVENTS
    if receivers[changed]:
        _write(session, receivers[changed], changed, data, now)
    if consignment.status == Status.DELIVERED and receivers[delivered]:
        _write(session, receivers[delivered], delivered, data, now)


def consignment_payload(consignment: Consignment, old: Status | None) -> dict[str, Any]:
    """What a receiver may know: no document title (it may be classified), no personal names."""
    return {
        "tracking": consignment.tracking,
        "status": consignment.status.value,
        "previous_status": old.value if old is not None else None,
        "urgency": consignment.urgency.value,
        "sender": consignment.sender_code,
        "recipient": consignment.recipient_code,
        "origin": consignment.origin_code,
        "destination": consignment.destination_code,
        "last_office": consignment.last_office_code,
        "last_event_at": consignment.last_event_at,
        "due_at": consignment.due_at,
        "expected_at": consignment.expected_at,
        "delivered_at": consignment.delivered_at,
    }
