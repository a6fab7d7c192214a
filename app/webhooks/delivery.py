"""Delivering webhook events from the outbox: claim, send signed, record, retry with backoff.

A deliverer claims due deliveries by pushing their ``next_attempt_at`` a lease ahead (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL, so several deliverers never claim the same one), commits, and only then
sends, so no transaction stays open during network calls. Each answer is recorded in its own
transaction: 2xx marks the delivery done; anything else (or no answer) schedules the next try with
exponential backoff. A deliverer that dies mid-send loses nothing: its lease runs out and another
deliverer sends again (receivers deduplicate by the event id).

Each request carries the exact body stored with the event, ``X-Hoatoc-Event-Id`` (also ``id`` in the
body), ``X-Hoatoc-Event`` (the type) and ``X-Hoatoc-Signature: sha256=<hex HMAC-SHA256 of the body
with the webhook's secret>``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.base import utcnow
from models.webhooks import DeliveryState, WebhookAttempt, WebhookDelivery

log = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
LEASE_SECONDS = 120
TIMEOUT_SECONDS = 10
BATCH = 50
USER_AGENT = "Hoatoc-Webhooks/1"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def backoff_seconds(attempts: int, jitter: float | None = None) -> float:
    """30 s, 1 min, 2 min, … up to an hour, plus up to 10 % so that failed receivers are not hit in step."""
    base = min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    return base * (1 + (random.random() if jitter is None else jitter) * 0.1)  # noqa: S311 - not cryptographic


@dataclass
class Outcome:
    status: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would resend a signed body somewhere nobody registered: treat it as a failure.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send(url: str, body: bytes, headers: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> Outcome:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) checked at creation
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(1024)
            status, error = response.status, None
    except urllib.error.HTTPError as exc:
        status, error = exc.code, exc.read(300).decode("utf-8", "replace") or exc.reason
    except (urllib.error.URLError, OSError, ValueError) as exc:
        status, error = None, str(getattr(exc, "reason", exc))[:300]
    return Outcome(status, error, int((time.monotonic() - started) * 1000))


@dataclass
class DeliveryRun:
    attempted: int = 0
    delivered: int = 0
    failed: int = 0


def claim(session: Session, now: datetime, limit: int = BATCH, lease: int = LEASE_SECONDS) -> list[int]:
    """Due pending deliveries, leased to this deliverer until ``now + lease``."""
    due = (
        select(WebhookDelivery.id)
        .where(WebhookDelivery.state == DeliveryState.PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(due))
    if ids:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids))
            .values(next_attempt_at=now + timedelta(seconds=lease))
            .execution_options(synchronize_session=False)
        )
    return ids


def deliver_due(
    session: Session,
    now: datetime | None = None,
    *,
    commit: Callable[[], None],
    limit: int = BATCH,
    timeout: float = TIMEOUT_SECONDS,
) -> DeliveryRun:
    """Send what is due as of ``now`` (default: the clock); ``commit`` ends each transaction."""
    run = DeliveryRun()
    # A given ``now`` (tests, rehearsals) holds for the whole run; otherwise each answer is timed as it comes.
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    ids = claim(session, clock(), limit)
    commit()
    for delivery_id in ids:
        delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
        if delivery is None or delivery.state != DeliveryState.PENDING:
            continue
        body = delivery.event.body.encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Hoatoc-Event-Id": delivery.event_id,
            "X-Hoatoc-Event": delivery.event.type,
            "X-Hoatoc-Delivery": str(delivery.id),
            "X-Hoatoc-Signature": sign(delivery.webhook.secret, body),
        }
        outcome = send(delivery.webhook.url, body, headers, timeout)
        record_outcome(session, delivery, outcome, clock())
        commit()
        run.attempted += 1
        run.delivered += outcome.ok
        run.failed += not outcome.ok
    return run


def record_outcome(session: Session, delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_status = outcome.status
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = now
    else:
        delivery.next_attempt_at = now + timedelta(seconds=backoff_seconds(delivery.attempts))
        log.info(
            "webhook delivery %s failed (%s): retry at %s",
            delivery.id,
            outcome.status,
            delivery.next_attempt_at,
        )
    session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            at=now,
            status_code=outcome.status,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    session.flush()
