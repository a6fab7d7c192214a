"""duty_gap alerts: raised for required duty nobody covers within the next 24 h of an election period,
resolved when a shift covers the gap, when the gap is over, or when it is no longer imminent."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.config import ConfigError
from app.duty.coverage import check_duty_gaps, upcoming_gaps
from app.duty.periods import election_periods, parse_periods
from app.duty.services import create_shift, on_duty_for
from app.standards.services import forget_cached
from models import Alert, AlertKind, AlertState
from models.duty import DutyKind
from models.standards import ElectionPeriod
from tests.duty.support import local, shift, user


def _gap_alerts(session, office: str, kind: str = "shift") -> list[Alert]:
    return list(
        session.scalars(
            select(Alert)
            .where(
                Alert.kind == AlertKind.DUTY_GAP,
                Alert.office_code == office,
                Alert.cause_key.like(f"{office}:{kind}:%"),
            )
            .order_by(Alert.id)
        )
    )


def test_no_alert_more_than_24_hours_before_the_period(session):
    result = check_duty_gaps(session, local("2026-02-27 23:59"))
    assert str(result) == "0 opened, 0 resolved"
    assert session.scalars(select(Alert).where(Alert.kind == AlertKind.DUTY_GAP)).all() == []
    # Nor once the period is over.
    assert check_duty_gaps(session, local("2026-03-23 00:00")).opened == 0


def test_a_gap_within_24_hours_of_the_period_is_raised_once_and_resolved_by_a_shift(api, session):
    now = local("2026-02-28 08:00")
    result = check_duty_gaps(session, now)
    session.commit()
    # Every post office's shift duty, and the sorting centre's three kinds, are uncovered from 1 March.
    assert result.opened == len(upcoming_gaps(session, now)) > 3
    [alert] = _gap_alerts(session, "32100")
    assert alert.state == AlertState.OPEN
    assert alert.consignment_id is None
    assert alert.cause_key == "32100:shift:2026-02-28T17:00:00+00:00"  # 1 March 00:00 in Vietnam
    assert alert.data["kind"] == "shift"
    assert "32100" in alert.detail
    assert _gap_alerts(session, "32100", "leadership") == []  # a post office's leadership is the centre's
    assert len(_gap_alerts(session, "32000", "leadership")) == 1
    assert check_duty_gaps(session, now).opened == 0  # the same causes are not raised twice

    # Entered on 28 February (the roster refuses a shift that is over by the time it is written).
    create_shift(
        session,
        user(session, "gdv.32100"),
        office_code="32100",
        username="gdv.32100",
        kind=DutyKind.SHIFT,
        starts_at=local("2026-03-01 00:00"),
        ends_at=local("2026-03-01 12:00"),
        now=now,
    )
    session.commit()
    session.expire_all()
    [alert] = _gap_alerts(session, "32100")
    assert alert.state == AlertState.RESOLVED
    assert alert.resolution
    # The rest of that day's gap starts at 12:00, beyond the next 24 hours: nothing new yet.
    check_duty_gaps(session, now)
    assert [a.state for a in _gap_alerts(session, "32100")] == [AlertState.RESOLVED]


def test_a_partly_covered_day_moves_the_alert_to_the_remaining_gap(session):
    who = user(session, "gdv.32100")
    shift(session, "32100", who, DutyKind.SHIFT, local("2026-03-10 00:00"), 12)
    check_duty_gaps(session, local("2026-03-10 08:00"))
    [first] = _gap_alerts(session, "32100")
    assert first.data["starts_at"] == "2026-03-10T05:00:00+00:00"  # 12:00 in Vietnam
    assert first.cause_key.endswith("2026-03-10T05:00:00+00:00")
    # Covering 12:00-20:00 resolves it; the next check raises the gap from 20:00.
    shift(session, "32100", who, DutyKind.SHIFT, local("2026-03-10 12:00"), 8)
    result = check_duty_gaps(session, local("2026-03-10 08:00"))
    assert result.resolved >= 1
    first, second = _gap_alerts(session, "32100")
    assert first.state == AlertState.RESOLVED
    assert second.state == AlertState.OPEN
    assert second.cause_key.endswith("2026-03-10T13:00:00+00:00")


def test_gap_alerts_resolve_when_the_gap_is_over(session):
    check_duty_gaps(session, local("2026-03-21 12:00"))
    assert _gap_alerts(session, "32100")[0].state == AlertState.OPEN
    result = check_duty_gaps(session, local("2026-03-23 00:00"))
    assert result.resolved >= 1
    assert all(a.state == AlertState.RESOLVED for a in _gap_alerts(session, "32100"))


def test_a_gap_alert_reaches_the_sorting_centre_when_the_office_has_nobody(session):
    shift(session, "32000", user(session, "gdv.32000"), DutyKind.OPERATIONS, local("2026-03-10 00:00"), 24)
    check_duty_gaps(session, local("2026-03-10 08:00"))
    [alert] = _gap_alerts(session, "32105")
    assert on_duty_for(session, alert.office_code, local("2026-03-10 08:00")) == ["gdv.32000"]


def test_periods_are_the_calendars_plus_the_setting(app, session, monkeypatch):
    # The calendar's election period (seeded: 1–22 March 2026) is the duty period: one list for both.
    assert election_periods(session) == [(local("2026-03-01 00:00"), local("2026-03-23 00:00"))]
    session.add(ElectionPeriod(name="Bầu cử bổ sung", starts_on=date(2026, 6, 7), ends_on=date(2026, 6, 7)))
    session.flush()
    forget_cached(session)
    monkeypatch.setitem(app.config, "ELECTION_PERIODS", "2026-05-10T06:00/2026-05-10T20:00")
    assert election_periods(session) == [
        (local("2026-03-01 00:00"), local("2026-03-23 00:00")),
        (local("2026-05-10 06:00"), local("2026-05-10 20:00")),
        (local("2026-06-07 00:00"), local("2026-06-08 00:00")),
    ]
    assert election_periods() == [(local("2026-05-10 06:00"), local("2026-05-10 20:00"))]  # no database


@pytest.mark.parametrize("text", ["2026-03-01", "2026-03-22/2026-03-01", "March/April", "2026-03-01/soon"])
def test_malformed_periods_are_a_configuration_error(text):
    with pytest.raises(ConfigError):
        parse_periods(text)
