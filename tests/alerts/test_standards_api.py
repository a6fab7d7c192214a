"""Delivery standards: read by everyone signed in, changed by admins, validated whole, audited, applied."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.alerts.sweep import sweep
from models import AuditEntry, Urgency
from models.alerts import CHECK_AT_ONCE
from tests.alerts.helpers import T0, accepted, alerts_of, kinds, local, next_check
from tests.support import assert_problem

H = timedelta(hours=1)


def test_everyone_reads_the_standards_with_their_defaults(session, api):
    body = api.as_("clerk").get("/api/v1/standards").get_json()
    hours = {(h["urgency"], h["area"]): h["hours"] for h in body["hours"]}
    assert hours[("flash", "urban")] == 4
    assert hours[("normal", "remote")] == 72
    gaps = {g["urgency"]: (g["stall_hours"], g["loss_hours"]) for g in body["scan_gaps"]}
    assert gaps["flash"] == (6, 24)
    calendar = body["calendar"]
    assert calendar["weekends_count"] is True
    assert {"name", "starts_on", "ends_on"} <= set(calendar["election_periods"][0])
    assert calendar["election_periods"][0]["starts_on"] == "2026-03-01"
    assert "2026-04-30" in [h["date"] for h in calendar["holidays"]]
    assert_problem(api.get("/api/v1/standards"), 401)


def test_admins_change_sections_and_the_change_is_audited(session, api):
    response = api.as_("admin").put(
        "/api/v1/standards",
        json={
            "hours": [{"urgency": "flash", "area": "remote", "hours": 10}],
            "scan_gaps": [{"urgency": "normal", "stall_hours": 30, "loss_hours": 120}],
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert {"urgency": "flash", "area": "remote", "hours": 10} in body["hours"]
    assert {"urgency": "normal", "stall_hours": 30, "loss_hours": 120} in body["scan_gaps"]
    assert {"urgency": "flash", "area": "urban", "hours": 4} in body["hours"]  # untouched
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "standards.update"))
    assert entry.actor.username == "admin"
    assert set(entry.details) == {"hours", "scan_gaps"}


def test_bad_standards_name_the_field_and_change_nothing(session, api):
    before = api.as_("admin").get("/api/v1/standards").get_json()
    cases = [
        ({"hours": [{"urgency": "flash", "area": "urban", "hours": 0}]}, "hours.0.hours"),
        ({"hours": [{"urgency": "flash", "area": "moon", "hours": 3}]}, "hours.0.area"),
        ({"hours": [{"urgency": "flash", "area": "urban", "hours": "4"}]}, "hours.0.hours"),
        (
            {"scan_gaps": [{"urgency": "flash", "stall_hours": 10, "loss_hours": 10}]},
            "scan_gaps.0.loss_hours",
        ),
        (
            {
                "calendar": {
                    "election_periods": [{"name": "x", "starts_on": "2026-03-22", "ends_on": "2026-03-01"}]
                }
            },
            "calendar.election_periods.0.ends_on",
        ),
        (
            {
                "calendar": {
                    "holidays": [{"date": "2026-05-01", "name": "a"}, {"date": "2026-05-01", "name": "b"}]
                }
            },
            "calendar.holidays.1.date",
        ),
        ({"calendar": {"holidays": [{"date": "2026-02-30", "name": "x"}]}}, "calendar.holidays.0.date"),
        ({"unknown": 1}, "unknown"),
    ]
    for body, field in cases:
        assert_problem(api.as_("admin").put("/api/v1/standards", json=body), 422, field)
    assert api.as_("admin").get("/api/v1/standards").get_json() == before
    assert_problem(api.as_("board").put("/api/v1/standards", json={}), 403)


def test_a_new_stall_gap_applies_to_open_items_at_the_next_sweep(session, api):
    item = accepted(session, urgency=Urgency.FLASH, due_hours=48)
    sweep(session, T0 + 7 * H)
    assert kinds(alerts_of(session, item, unresolved=True)) == ["stalled"]
    session.commit()
    response = api.as_("admin").put(
        "/api/v1/standards", json={"scan_gaps": [{"urgency": "flash", "stall_hours": 8, "loss_hours": 30}]}
    )
    assert response.status_code == 200
    session.expire_all()
    assert next_check(session, item) == CHECK_AT_ONCE
    sweep(session, T0 + 7 * H)
    assert kinds(alerts_of(session, item, unresolved=True)) == []  # within 8 hours: no longer stalled
    sweep(session, T0 + 8 * H)
    assert kinds(alerts_of(session, item, unresolved=True)) == ["stalled"]


def test_a_calendar_change_is_applied_by_the_sweep(session, api):
    friday = local(2026, 4, 3, 16, 0)
    item = accepted(session, at=friday, urgency=Urgency.NORMAL, due_hours=200)
    session.commit()
    response = api.as_("admin").put("/api/v1/standards", json={"calendar": {"weekends_count": False}})
    assert response.status_code == 200
    assert response.get_json()["calendar"]["weekends_count"] is False
    sweep(session, local(2026, 4, 5, 20, 0))  # Sunday evening: 8 counting hours since Friday 16:00
    assert kinds(alerts_of(session, item)) == []
    api.as_("admin").put("/api/v1/standards", json={"calendar": {"weekends_count": True}})
    sweep(session, local(2026, 4, 5, 20, 0))
    assert kinds(alerts_of(session, item)) == ["stalled"]
