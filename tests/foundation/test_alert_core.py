"""The alert primitives every domain uses: one unresolved alert per cause; flags derived from alerts."""

from __future__ import annotations

from app.alerts.services import flags_of, open_alert, resolve_alerts
from models import AlertKind
from tests.factories import make_consignment


def test_open_is_idempotent_per_cause(session):
    item = make_consignment(session)
    first = open_alert(session, AlertKind.LATE, "quá hạn", consignment=item)
    second = open_alert(session, AlertKind.LATE, "quá hạn", consignment=item)
    assert first is not None
    assert second is None
    assert flags_of(session, [item.id]) == {item.id: ["late"]}


def test_resolve_clears_the_flag_and_allows_a_new_alert(session):
    item = make_consignment(session)
    open_alert(session, AlertKind.STALLED, "đứng yên", consignment=item)
    open_alert(session, AlertKind.LATE, "quá hạn", consignment=item)
    assert resolve_alerts(session, item, [AlertKind.STALLED], "moved")
    assert flags_of(session, [item.id]) == {item.id: ["late"]}
    assert open_alert(session, AlertKind.STALLED, "lại đứng yên", consignment=item) is not None


def test_alerts_without_consignment_use_a_cause_key(session):
    a = open_alert(session, AlertKind.DUTY_GAP, "thiếu trực", office_code="32100", cause_key="32100:shift:1")
    b = open_alert(session, AlertKind.DUTY_GAP, "thiếu trực", office_code="32100", cause_key="32100:shift:1")
    c = open_alert(session, AlertKind.DUTY_GAP, "thiếu trực", office_code="32100", cause_key="32100:shift:2")
    assert a is not None
    assert b is None
    assert c is not None
