"""The duty roster API: who may enter what, who is on duty at an instant, removal, gaps, bad input."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.duty.services import on_duty_for
from models import AuditEntry, Office
from models.base import utcnow
from models.duty import DutyKind, DutyShift
from tests.duty.support import clerk, local, shift, user
from tests.support import assert_problem


def _count(session) -> int:
    return session.scalar(select(func.count(DutyShift.id)))


def _body(**overrides):
    body = {
        "office": "32100",
        "user": "gdv.32100",
        "kind": "shift",
        "starts_at": "2099-03-10T08:00:00+07:00",
        "ends_at": "2099-03-10T14:00:00+07:00",
    }
    body.update(overrides)
    return body


def test_a_clerk_puts_someone_of_its_office_on_duty(api, session):
    response = api.as_("clerk").post("/api/v1/duty", json=_body(note="0912 345 678"))
    assert response.status_code == 201, response.get_json()
    shift_json = response.get_json()
    assert shift_json["office"] == "32100"
    assert shift_json["user"] == "gdv.32100"
    assert shift_json["kind"] == "shift"
    assert shift_json["starts_at"] == "2099-03-10T08:00:00+07:00"
    assert shift_json["ends_at"] == "2099-03-10T14:00:00+07:00"
    assert shift_json["note"] == "0912 345 678"
    assert shift_json["created_by"] == "gdv.32100"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "duty.create")).one()
    assert entry.object_id == str(shift_json["id"])
    assert entry.details["user"] == "gdv.32100"
    assert entry.actor.username == "gdv.32100"


def test_a_time_without_offset_is_vietnam_time(api):
    response = api.as_("admin").post(
        "/api/v1/duty", json=_body(starts_at="2099-03-10T08:00", ends_at="2099-03-10T09:30")
    )
    assert response.status_code == 201
    assert response.get_json()["starts_at"] == "2099-03-10T08:00:00+07:00"


def test_boundary_instant_belongs_to_the_next_shift_only(api, session):
    morning = clerk(session, "gdv.32100.sang", "32100")
    afternoon = clerk(session, "gdv.32100.chieu", "32100")
    shift(session, "32100", morning, DutyKind.SHIFT, local("2026-03-10 08:00"), 6)
    shift(session, "32100", afternoon, DutyKind.SHIFT, local("2026-03-10 14:00"), 6)

    def who(at: str) -> list[str]:
        response = api.as_("board").get("/api/v1/duty", query_string={"office": "32100", "at": at})
        assert response.status_code == 200
        return [item["user"] for item in response.get_json()["items"]]

    assert who("2026-03-10T13:59:59+07:00") == ["gdv.32100.sang"]
    assert who("2026-03-10T14:00:00+07:00") == ["gdv.32100.chieu"]
    assert who("2026-03-10T20:00:00+07:00") == []
    assert who("2026-03-10T08:00:00+07:00") == ["gdv.32100.sang"]
    assert on_duty_for(session, "32100", local("2026-03-10 14:00")) == ["gdv.32100.chieu"]
    # And the boundary leaves no gap.
    gaps = api.as_("clerk").get(
        "/api/v1/duty/gaps",
        query_string={
            "from": "2026-03-10T08:00",
            "to": "2026-03-10T20:00",
            "office": "32100",
            "kind": "shift",
        },
    )
    assert gaps.get_json()["items"] == []


def test_shifts_overlapping_a_range(api, session):
    shift(session, "32100", user(session, "gdv.32100"), DutyKind.SHIFT, local("2026-03-10 08:00"), 6)
    shift(session, "32100", user(session, "gdv.32100"), DutyKind.SHIFT, local("2026-03-12 08:00"), 6)
    response = api.as_("clerk").get(
        "/api/v1/duty", query_string={"office": "32100", "from": "2026-03-10T13:00", "to": "2026-03-11T00:00"}
    )
    assert [i["starts_at"] for i in response.get_json()["items"]] == ["2026-03-10T08:00:00+07:00"]
    both = api.as_("clerk").get("/api/v1/duty", query_string={"at": "2026-03-10T09:00", "from": "2026-03-10"})
    assert_problem(both, 422, "query.at")


def test_who_may_enter_a_roster(api, session):
    before = _count(session)
    # Another office's clerk and a board user may not.
    assert_problem(api.as_("clerk2").post("/api/v1/duty", json=_body()), 403, "office")
    assert_problem(api.as_("board").post("/api/v1/duty", json=_body()), 403)
    assert_problem(api.as_("printer").post("/api/v1/duty", json=_body()), 403)
    # The person must belong to the office…
    assert_problem(api.as_("clerk").post("/api/v1/duty", json=_body(user="gdv.32000")), 422, "user")
    assert_problem(api.as_("clerk").post("/api/v1/duty", json=_body(user="ubbc.tinh")), 422, "user")
    assert_problem(api.as_("clerk").post("/api/v1/duty", json=_body(user="nobody")), 422, "user")
    assert _count(session) == before
    # …except administrators, and the sorting centre's clerks for leadership duty.
    assert api.as_("clerk").post("/api/v1/duty", json=_body(user="admin")).status_code == 201
    leader = api.as_("clerk").post("/api/v1/duty", json=_body(user="gdv.32000", kind="leadership"))
    assert leader.status_code == 201
    # An administrator may enter any office's roster.
    assert (
        api.as_("admin").post("/api/v1/duty", json=_body(office="32000", user="gdv.32000")).status_code == 201
    )
    assert _count(session) == before + 3


def test_deactivated_people_cannot_be_put_on_duty(api, session):
    clerk(session, "gdv.32100.nghi", "32100").active = False
    session.commit()
    assert_problem(api.as_("clerk").post("/api/v1/duty", json=_body(user="gdv.32100.nghi")), 422, "user")


def test_bad_input_is_refused_and_changes_nothing(api, session):
    before = _count(session)
    cases = [
        (_body(ends_at="2099-03-10T08:00:00+07:00"), "ends_at"),
        (_body(ends_at="2099-05-10T08:00:00+07:00"), "ends_at"),
        (_body(kind="night"), "kind"),
        (_body(office="99999"), "office"),
        (_body(starts_at="yesterday"), "starts_at"),
        ({**_body(), "colour": "red"}, "colour"),
        ({k: v for k, v in _body().items() if k != "user"}, "user"),
    ]
    for body, field in cases:
        assert_problem(api.as_("admin").post("/api/v1/duty", json=body), 422, field)
    unreadable = api.as_("admin").post("/api/v1/duty", data="{", content_type="application/json")
    assert_problem(unreadable, 400)
    assert_problem(api.post("/api/v1/duty", json=_body()), 401)
    assert _count(session) == before


def test_the_same_shift_twice_is_a_conflict(api):
    assert api.as_("clerk").post("/api/v1/duty", json=_body()).status_code == 201
    assert_problem(api.as_("clerk").post("/api/v1/duty", json=_body()), 409)
    # The same hours for another kind of duty is a different shift.
    assert api.as_("clerk").post("/api/v1/duty", json=_body(kind="operations")).status_code == 201


def test_deleting_a_shift(api, session):
    created = api.as_("clerk").post(
        "/api/v1/duty", json=_body(starts_at="2099-03-10T08:00", ends_at="2099-03-10T14:00")
    )
    shift_id = created.get_json()["id"]
    assert_problem(api.as_("clerk2").delete(f"/api/v1/duty/{shift_id}"), 403)
    assert api.as_("clerk").delete(f"/api/v1/duty/{shift_id}").status_code == 204
    assert session.get(DutyShift, shift_id) is None
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "duty.delete")).one()
    assert entry.object_id == str(shift_id)
    assert entry.details["starts_at"].startswith("2099-03-10T01:00")
    assert_problem(api.as_("clerk").delete(f"/api/v1/duty/{shift_id}"), 404)


def test_a_shift_that_has_ended_stays_on_the_record(api, session):
    past = shift(session, "32100", user(session, "gdv.32100"), DutyKind.SHIFT, local("2026-01-10 08:00"), 6)
    assert_problem(api.as_("admin").delete(f"/api/v1/duty/{past.id}"), 409)
    assert session.get(DutyShift, past.id) is not None


def test_gaps_per_office_and_kind(api, session):
    who = user(session, "gdv.32100")
    shift(session, "32100", who, DutyKind.SHIFT, local("2026-03-10 00:00"), 10)
    shift(session, "32100", who, DutyKind.SHIFT, local("2026-03-10 08:00"), 8)  # overlaps
    shift(session, "32100", who, DutyKind.SHIFT, local("2026-03-10 20:00"), 6)
    response = api.as_("clerk").get(
        "/api/v1/duty/gaps",
        query_string={"from": "2026-03-10T00:00", "to": "2026-03-11T00:00", "office": "32100"},
    )
    assert response.status_code == 200
    items = {(g["kind"], g["starts_at"], g["ends_at"], g["required"]) for g in response.get_json()["items"]}
    assert items == {
        ("shift", "2026-03-10T16:00:00+07:00", "2026-03-10T20:00:00+07:00", True),
        ("operations", "2026-03-10T00:00:00+07:00", "2026-03-11T00:00:00+07:00", False),
        ("leadership", "2026-03-10T00:00:00+07:00", "2026-03-11T00:00:00+07:00", False),
    }
    every_office = api.as_("clerk").get(
        "/api/v1/duty/gaps", query_string={"from": "2026-03-10", "to": "2026-03-11", "required": "true"}
    )
    body = every_office.get_json()
    # Each office must have shift duty; the sorting centre operations and leadership duty too.
    offices = session.scalar(select(func.count(Office.code)))
    assert body["total"] == offices + 2  # nobody is on duty that day anywhere
    assert {g["kind"] for g in body["items"] if g["office"] == "32000"} == {
        "shift",
        "operations",
        "leadership",
    }
    assert all(g["required"] for g in body["items"])


def test_gap_queries_are_checked(api):
    url = "/api/v1/duty/gaps"
    assert_problem(api.as_("clerk").get(url, query_string={"from": "2026-03-10"}), 422, "query.to")
    assert_problem(
        api.as_("clerk").get(url, query_string={"from": "2026-03-10", "to": "2026-03-09"}), 422, "query.to"
    )
    assert_problem(
        api.as_("clerk").get(url, query_string={"from": "2026-01-01", "to": "2026-03-01"}), 422, "query.to"
    )
    assert_problem(
        api.as_("clerk").get(url, query_string={"from": "2026-03-10", "to": "2026-03-11", "office": "nope"}),
        422,
        "query.office",
    )


def test_times_outside_this_century_are_field_errors_not_overflows(api, session):
    before = _count(session)
    for starts, ends in (
        ("0001-01-01T00:00:00", "0001-01-01T05:00:00"),
        ("9999-12-31T10:00", "9999-12-31T12:00"),
    ):
        body = assert_problem(
            api.as_("admin").post("/api/v1/duty", json=_body(starts_at=starts, ends_at=ends)), 422
        )
        assert set(body["errors"]) == {"starts_at", "ends_at"}
    assert_problem(api.as_("admin").get("/api/v1/duty?at=0001-01-01T00:00"), 422, "query.at")
    assert_problem(api.as_("admin").get("/api/v1/duty/gaps?from=9999-12-30&to=9999-12-31"), 422, "query.from")
    for week in ("0001-01-01", "9999-12-31"):
        assert_problem(
            api.as_("admin").post("/api/v1/duty/copy-week", json={"office": "32100", "week": week}),
            422,
            "week",
        )
    assert _count(session) == before


def test_ids_beyond_the_database_range_are_unknown(api):
    assert_problem(api.as_("admin").get("/api/v1/duty/243259121582517824"), 404)
    assert_problem(api.as_("admin").delete("/api/v1/duty/243259121582517824"), 404)
    assert_problem(api.as_("admin").get("/api/v1/inquiries/243259121582517824"), 404)
    assert_problem(
        api.as_("admin").post("/api/v1/inquiries/243259121582517824/answer", json={"answer": "x"}), 404
    )


def test_a_shift_already_over_is_refused_one_under_way_is_not(api, session):
    """An ended shift is the record of who was on duty and can never be removed: writing one afterwards
    would rewrite that record, and a mistyped one would stay for good."""
    before = _count(session)
    now = utcnow()
    yesterday = {
        "starts_at": (now - timedelta(hours=30)).isoformat(),
        "ends_at": (now - timedelta(hours=22)).isoformat(),
    }
    refused = assert_problem(api.as_("clerk").post("/api/v1/duty", json=_body(**yesterday)), 422, "ends_at")
    assert set(refused["errors"]) == {"ends_at"}
    long_ago = _body(
        office="32000", user="gdv.32000", starts_at="2020-03-10T08:00", ends_at="2020-03-10T14:00"
    )
    assert_problem(api.as_("admin").post("/api/v1/duty", json=long_ago), 422, "ends_at")
    assert _count(session) == before

    under_way = {
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=5)).isoformat(),
    }
    response = api.as_("clerk").post("/api/v1/duty", json=_body(**under_way))
    assert response.status_code == 201, response.get_json()
    assert api.as_("clerk").delete(f"/api/v1/duty/{response.get_json()['id']}").status_code == 204
