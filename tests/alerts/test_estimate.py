"""Estimated delivery: the standard shared over the route's legs, never in the past, revised by the sweep."""

from __future__ import annotations

from datetime import timedelta

from app.alerts.services import estimate
from app.alerts.sweep import sweep
from models import EventCode, Status, Urgency
from tests.alerts.helpers import T0, accepted, scan
from tests.factories import make_consignment

H = timedelta(hours=1)
M = timedelta(minutes=1)
# Flash to Mường Phăng (rural): 8 hours over three legs of 2 h 40: 32100 -> 32000 -> 32260 -> the recipient.


def test_the_estimate_follows_the_item_along_its_route(session):
    item = accepted(session, urgency=Urgency.FLASH)
    assert estimate(session, item, T0) == T0 + 8 * H
    scan(session, item, EventCode.EDD, "32000", T0 + H, status=Status.IN_TRANSIT)
    assert estimate(session, item, T0 + H) == T0 + H + 5 * H + 20 * M
    scan(session, item, EventCode.EMG, "32260", T0 + 3 * H, status=Status.AT_DELIVERY_OFFICE)
    assert estimate(session, item, T0 + 3 * H) == T0 + 3 * H + 2 * H + 40 * M
    scan(session, item, EventCode.EDG, "32260", T0 + 4 * H, status=Status.OUT_FOR_DELIVERY)
    assert estimate(session, item, T0 + 4 * H) == T0 + 4 * H + 80 * M  # half a leg


def test_never_in_the_past_and_never_before_an_agreed_time(session):
    item = accepted(session, urgency=Urgency.FLASH)
    assert estimate(session, item, T0 + 20 * H) == T0 + 20 * H
    agreed = accepted(session, deliver_by=T0 + 30 * H)
    assert estimate(session, agreed, T0) == T0 + 30 * H


def test_registered_items_are_expected_a_whole_standard_after_they_are_handed_in(session):
    item = make_consignment(session, now=T0, urgency=Urgency.FLASH)
    assert estimate(session, item, T0 + 2 * H) == T0 + 10 * H


def test_delivered_and_returned_items(session):
    item = accepted(session)
    scan(session, item, EventCode.EMI, "32260", T0 + 5 * H)
    assert estimate(session, item, T0 + 9 * H) == T0 + 5 * H
    item.status = Status.RETURNED
    assert estimate(session, item, T0 + 9 * H) is None


def test_the_sweep_moves_a_stale_estimate_ahead_of_now(session):
    item = accepted(session, urgency=Urgency.FLASH, due_hours=8)
    sweep(session, T0)
    assert item.expected_at == T0 + 8 * H  # none yet: the deadline
    sweep(session, T0 + 10 * H)
    assert item.expected_at == T0 + 15 * H  # silent for 10 h: expected half of that ahead
    assert item.expected_at > T0 + 10 * H
