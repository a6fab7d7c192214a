"""Who an alert reaches: the people on duty at its office, else the sorting centre's operations and leadership."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.duty.services import on_duty_for, on_duty_map
from models.duty import DutyKind
from tests.duty.support import clerk, local, shift, user

AT = local("2026-03-15 07:30")  # election day morning


def test_the_people_on_duty_at_the_office_front_line_first(session):
    leader = clerk(session, "gdv.32100.lanhdao", "32100")
    operator = clerk(session, "gdv.32100.dieuhanh", "32100")
    on_shift = user(session, "gdv.32100")
    shift(session, "32100", leader, DutyKind.LEADERSHIP, local("2026-03-15 00:00"), 24)
    shift(session, "32100", operator, DutyKind.OPERATIONS, local("2026-03-15 06:00"), 12)
    shift(session, "32100", on_shift, DutyKind.SHIFT, local("2026-03-15 07:00"), 8)
    shift(session, "32000", user(session, "gdv.32000"), DutyKind.OPERATIONS, local("2026-03-15 00:00"), 24)
    assert on_duty_for(session, "32100", AT) == ["gdv.32100", "gdv.32100.dieuhanh", "gdv.32100.lanhdao"]


def test_nobody_at_the_office_falls_back_to_the_sorting_centre(session):
    centre_operator = user(session, "gdv.32000")
    centre_leader = clerk(session, "gdv.32000.giamdoc", "32000")
    centre_shift = clerk(session, "gdv.32000.ca", "32000")
    shift(session, "32000", centre_shift, DutyKind.SHIFT, local("2026-03-15 00:00"), 24)
    shift(session, "32000", centre_leader, DutyKind.LEADERSHIP, local("2026-03-15 00:00"), 24)
    shift(session, "32000", centre_operator, DutyKind.OPERATIONS, local("2026-03-15 06:00"), 12)
    # 32100 has nobody: the centre's operations and leadership answer (not its own counter shift).
    assert on_duty_for(session, "32100", AT) == ["gdv.32000", "gdv.32000.giamdoc"]
    # The centre itself names everyone on duty there.
    assert on_duty_for(session, "32000", AT) == ["gdv.32000.ca", "gdv.32000", "gdv.32000.giamdoc"]
    # Once someone is on duty at 32100, only they are named.
    shift(session, "32100", user(session, "gdv.32100"), DutyKind.SHIFT, local("2026-03-15 07:30"), 1)
    assert on_duty_for(session, "32100", AT) == ["gdv.32100"]


def test_deactivated_people_and_other_times_do_not_count(session):
    gone = clerk(session, "gdv.32100.nghiviec", "32100")
    shift(session, "32100", gone, DutyKind.SHIFT, local("2026-03-15 00:00"), 24)
    assert on_duty_for(session, "32100", AT) == ["gdv.32100.nghiviec"]
    gone.active = False
    session.commit()
    assert on_duty_for(session, "32100", AT) == []
    assert on_duty_for(session, "32100", local("2026-03-16 07:30")) == []
    assert on_duty_for(session, None, AT) == []


def test_many_offices_at_once_match_one_by_one(session):
    shift(session, "32000", user(session, "gdv.32000"), DutyKind.LEADERSHIP, local("2026-03-15 00:00"), 24)
    shift(session, "32100", user(session, "gdv.32100"), DutyKind.SHIFT, local("2026-03-15 07:00"), 8)
    codes = ["32000", "32100", "32105", None]
    together = on_duty_map(session, codes, AT)
    assert together == {code: on_duty_for(session, code, AT) for code in codes if code}
    assert together["32105"] == ["gdv.32000"]


def test_a_duty_gap_alert_names_who_it_reaches_during_the_gap_not_who_is_on_duty_now(session, api):
    from app.duty.coverage import check_duty_gaps
    from models import Alert, AlertKind
    from models.base import utcnow

    now = utcnow()
    counter = user(session, "gdv.32100")
    centre = user(session, "gdv.32000")
    shift(session, "32100", counter, DutyKind.SHIFT, now - timedelta(hours=1), 2)  # on shift today
    # During the gap (from 1 March, nobody on shift at 32100) the centre's operations answer for it.
    shift(session, "32000", centre, DutyKind.OPERATIONS, local("2026-03-01 00:00"), 24)
    check_duty_gaps(session, local("2026-02-28 08:00"))
    session.commit()
    gap = session.scalars(
        select(Alert).where(Alert.kind == AlertKind.DUTY_GAP, Alert.office_code == "32100")
    ).one()
    listed = {
        a["id"]: a
        for a in api.as_("admin").get("/api/v1/alerts?kind=duty_gap&per_page=500").get_json()["items"]
    }
    assert listed[gap.id]["on_duty"] == ["gdv.32000"]
    assert "gdv.32100" not in listed[gap.id]["on_duty"]  # on shift now, but missing from the gap itself


def test_a_duty_gap_nobody_answers_for_lists_nobody(session, api):
    from app.duty.coverage import check_duty_gaps
    from models import Alert, AlertKind
    from models.base import utcnow

    now = utcnow()
    shift(session, "32100", user(session, "gdv.32100"), DutyKind.SHIFT, now - timedelta(hours=1), 2)
    shift(session, "32100", user(session, "gdv.32000"), DutyKind.LEADERSHIP, now - timedelta(hours=1), 2)
    check_duty_gaps(session, local("2026-02-28 08:00"))
    session.commit()
    gap = session.scalars(
        select(Alert).where(Alert.kind == AlertKind.DUTY_GAP, Alert.office_code == "32100")
    ).one()
    listed = api.as_("admin").get(f"/api/v1/alerts/{gap.id}").get_json()
    assert listed["on_duty"] == []  # nobody answers for 32100 then, whoever is on duty today
