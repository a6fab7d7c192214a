"""The sweep walks items through late, stalled and suspected lost, and back, with a clock the test controls."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.alerts.services import flags_of
from app.alerts.sweep import sweep
from app.standards.services import update_standards
from models import AlertState, EventCode, Status, Urgency, User
from tests.alerts.helpers import T0, accepted, alerts_of, kinds, local, next_check, scan
from tests.factories import make_consignment

H = timedelta(hours=1)
S = timedelta(seconds=1)


def test_late_is_raised_at_the_deadline_and_resolved_on_delivery(session):
    item = accepted(session)
    assert sweep(session, T0 + 4 * H - S).opened["late"] == 0
    assert kinds(alerts_of(session, item)) == []
    result = sweep(session, T0 + 4 * H)
    assert result.opened["late"] == 1
    assert flags_of(session, [item.id]) == {item.id: ["late"]}
    scan(session, item, EventCode.EMI, "32260", T0 + 5 * H)
    result = sweep(session, T0 + 5 * H)
    assert result.resolved["late"] == 1
    [late] = alerts_of(session, item)
    assert late.state == AlertState.RESOLVED
    assert late.resolved_at == T0 + 5 * H
    assert flags_of(session, [item.id]) == {item.id: []}
    assert next_check(session, item) is None


def test_stalled_after_the_gap_and_resolved_by_a_new_scan(session):
    item = accepted(session, due_hours=12)
    sweep(session, T0 + 6 * H - S)
    assert kinds(alerts_of(session, item)) == []
    assert sweep(session, T0 + 6 * H).opened["stalled"] == 1
    assert kinds(alerts_of(session, item, unresolved=True)) == ["stalled"]
    scan(session, item, EventCode.EDD, "32000", T0 + 7 * H, status=Status.IN_TRANSIT)
    assert sweep(session, T0 + 7 * H).resolved["stalled"] == 1
    assert kinds(alerts_of(session, item, unresolved=True)) == []


def test_suspected_lost_replaces_stalled_and_clears_when_seen(session):
    item = accepted(session, due_hours=12)
    sweep(session, T0 + 6 * H)
    result = sweep(session, T0 + 24 * H)
    assert result.opened["suspected_lost"] == 1
    assert result.resolved["stalled"] == 1
    assert kinds(alerts_of(session, item, unresolved=True)) == ["late", "suspected_lost"]
    scan(session, item, EventCode.EMG, "32260", T0 + 25 * H, status=Status.AT_DELIVERY_OFFICE)
    sweep(session, T0 + 25 * H)
    assert kinds(alerts_of(session, item, unresolved=True)) == ["late"]


def test_a_second_sweep_at_the_same_time_does_nothing(session):
    accepted(session)
    first = sweep(session, T0 + 10 * H)
    second = sweep(session, T0 + 10 * H)
    assert first.examined >= 1
    assert second.examined == 0
    assert not second.changed


def test_never_scanned_item_stalls_from_registration(session):
    item = make_consignment(session, now=T0, urgency=Urgency.FLASH, due_at=T0 + 4 * H)
    sweep(session, T0 + 6 * H)
    assert kinds(alerts_of(session, item, unresolved=True)) == ["late", "stalled"]


def test_weekends_do_not_count_outside_an_election_period_once_switched_off(session):
    admin = session.scalar(select(User).where(User.username == "admin"))
    update_standards(session, admin, {"calendar": {"weekends_count": False}})
    friday = local(2026, 4, 3, 16, 0)  # normal items: 24 h stall gap
    item = accepted(session, at=friday, urgency=Urgency.NORMAL, due_hours=200)
    sweep(session, local(2026, 4, 6, 15, 59))
    assert kinds(alerts_of(session, item)) == []
    sweep(session, local(2026, 4, 6, 16, 0))
    assert kinds(alerts_of(session, item)) == ["stalled"]
