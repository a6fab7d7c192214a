"""Reading consignments within scope (404 outside it), their timeline and flags, filters; cancelling."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import s10
from app.alerts.services import open_alert
from models import AlertKind, AuditEntry, EventCode, ScanEvent, Status, User
from models.base import utcnow
from tests.consignments.helpers import CONTRACT_FIELDS
from tests.factories import make_consignment
from tests.support import assert_problem


@pytest.fixture
def to_muongnhe(session):
    """Provincial commission -> Mường Nhé (office 32115), handed in at 32100."""
    consignment = make_consignment(
        session, recipient_code="UBBC-MUONGNHE", recipient_name="UBBC xã Mường Nhé"
    )
    session.commit()  # a savepoint: an error answer rolls back only what the request wrote
    return consignment


@pytest.fixture
def between_communes(session):
    """Mường Phăng (32260) -> Thanh Nưa (32265), through the sorting centre 32000."""
    consignment = make_consignment(session, sender_code="UBBC-MUONGPHANG", recipient_code="UBBC-THANHNUA",
                                   recipient_name="UBBC xã Thanh Nưa", origin_code="32260")  # fmt: skip
    session.commit()
    return consignment


def test_tracking_is_read_with_spaces_and_any_case(api, to_muongnhe):
    grouped = s10.group(to_muongnhe.tracking).lower()
    response = api.as_("admin").get(f"/api/v1/consignments/{grouped}")
    assert response.status_code == 200
    assert response.get_json()["tracking"] == to_muongnhe.tracking
    assert set(response.get_json()) == CONTRACT_FIELDS


def test_malformed_numbers_are_422_and_unknown_ones_404(api):
    assert_problem(api.as_("admin").get("/api/v1/consignments/EB12345"), 422, "tracking")
    typo = assert_problem(api.as_("admin").get("/api/v1/consignments/EB123456789VN?lang=en"), 422, "tracking")
    assert "typing mistake" in typo["detail"]
    assert_problem(api.as_("admin").get("/api/v1/consignments/EB123456785VN"), 404, "tracking")


@pytest.mark.parametrize(
    ("user", "sees_muongnhe", "sees_between"),
    [
        ("admin", True, True),
        ("board", True, False),  # sender of one, stranger to the other
        ("board2", False, True),  # Mường Phăng sent the second
        ("clerk", True, False),  # 32100 is the origin of the first only
        ("clerk2", True, True),  # the sorting centre is on both routes
        ("printer", True, False),  # prints what originates at 32100
    ],
)
def test_scope_decides_detail_404_and_lists(
    api, to_muongnhe, between_communes, user, sees_muongnhe, sees_between
):
    for consignment, sees in ((to_muongnhe, sees_muongnhe), (between_communes, sees_between)):
        response = api.as_(user).get(f"/api/v1/consignments/{consignment.tracking}")
        assert response.status_code == (200 if sees else 404)
        listed = api.as_(user).get(f"/api/v1/consignments?q={consignment.tracking}").get_json()
        assert [i["tracking"] for i in listed["items"]] == ([consignment.tracking] if sees else [])


def test_recipient_board_sees_what_is_sent_to_it(api, session):
    to_board2 = make_consignment(session)  # to Mường Phăng
    assert api.as_("board2").get(f"/api/v1/consignments/{to_board2.tracking}").status_code == 200


def test_timeline_is_ordered_by_event_time_not_arrival(api, session, to_muongnhe):
    clerk = session.scalar(select(User).where(User.username == "gdv.32100"))
    now = utcnow()
    for event, office, minutes_ago, recorded_ago in [
        (EventCode.EDD, "32000", 60, 1),  # uploaded late by an offline scanner
        (EventCode.EMA, "32100", 120, 110),
        (EventCode.EDE, "32000", 30, 25),
    ]:
        session.add(ScanEvent(id=str(uuid.uuid4()), consignment_id=to_muongnhe.id, event=event, office_code=office,
                              at=now - timedelta(minutes=minutes_ago), recorded_at=now - timedelta(minutes=recorded_ago),
                              by_id=clerk.id, details={"note": "ok"}, fingerprint="0" * 64))  # fmt: skip
    session.flush()
    events = api.as_("board").get(f"/api/v1/consignments/{to_muongnhe.tracking}").get_json()["events"]
    assert [e["event"] for e in events] == ["EMA", "EDD", "EDE"]
    assert set(events[0]) == {"id", "event", "office", "at", "recorded_at", "by", "details"}
    assert events[0]["by"] == "gdv.32100"
    assert events[0]["at"].endswith("+07:00")
    assert events[1]["details"] == {"note": "ok"}


def test_flags_come_from_unresolved_alerts_and_filter_lists(api, session, to_muongnhe, between_communes):
    open_alert(session, AlertKind.LATE, "late", consignment=to_muongnhe)
    open_alert(session, AlertKind.SECURITY_HOLD, "hold", consignment=to_muongnhe)
    data = api.as_("admin").get(f"/api/v1/consignments/{to_muongnhe.tracking}").get_json()
    assert data["flags"] == ["late", "security_hold"]
    listed = api.as_("admin").get("/api/v1/consignments?flag=late&per_page=500").get_json()
    trackings = [i["tracking"] for i in listed["items"]]
    assert to_muongnhe.tracking in trackings
    assert between_communes.tracking not in trackings


def test_filters_and_envelope(api, session, to_muongnhe, between_communes):
    delivered = make_consignment(session, status=Status.DELIVERED, doc_number="99/QĐ-UBBC")
    admin = api.as_("admin")

    def trackings(query: str) -> set[str]:
        return {
            i["tracking"] for i in admin.get(f"/api/v1/consignments?per_page=500&{query}").get_json()["items"]
        }

    mine = {to_muongnhe.tracking, between_communes.tracking, delivered.tracking}
    assert trackings("status=delivered") & mine == {delivered.tracking}
    assert trackings("status=delivered,registered") & mine == mine
    assert trackings("sender=UBBC-MUONGPHANG") & mine == {between_communes.tracking}
    assert trackings("recipient=UBBC-MUONGNHE") & mine == {to_muongnhe.tracking}
    assert trackings("origin=32260") & mine == {between_communes.tracking}
    assert trackings("destination=32115") & mine == {to_muongnhe.tracking}
    assert trackings("q=99/qđ") & mine == {delivered.tracking}
    assert trackings(f"q={s10.group(delivered.tracking)[:9].lower()}") >= {delivered.tracking}
    page = admin.get("/api/v1/consignments?per_page=2&page=2").get_json()
    assert set(page) == {"items", "page", "per_page", "total"}
    assert (page["page"], page["per_page"]) == (2, 2)
    assert page["total"] >= 3
    assert len(page["items"]) == min(2, page["total"] - 2)
    assert_problem(admin.get("/api/v1/consignments?per_page=501"), 422)
    assert_problem(admin.get("/api/v1/consignments?status=lost"), 422)
    assert_problem(admin.get("/api/v1/consignments?flag=duty_gap"), 422)


def test_sender_cancels_before_acceptance_once_and_it_is_audited(api, session, to_muongnhe):
    response = api.as_("board").post(f"/api/v1/consignments/{to_muongnhe.tracking.lower()}/cancel",
                                     json={"reason": "Gửi nhầm"})  # fmt: skip
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "cancelled"
    session.refresh(to_muongnhe)
    assert to_muongnhe.cancelled_at is not None
    assert to_muongnhe.changed_at == to_muongnhe.cancelled_at
    again = api.as_("board").post(f"/api/v1/consignments/{to_muongnhe.tracking}/cancel")
    assert again.status_code == 200
    entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "consignment.cancel", AuditEntry.object_id == to_muongnhe.tracking
        )
    ).all()
    assert len(entries) == 1
    assert entries[0].details == {"reason": "Gửi nhầm"}


def test_cancel_after_acceptance_is_409(api, session, to_muongnhe):
    to_muongnhe.status = Status.ACCEPTED
    session.commit()
    assert_problem(api.as_("clerk").post(f"/api/v1/consignments/{to_muongnhe.tracking}/cancel"), 409)
    session.refresh(to_muongnhe)
    assert to_muongnhe.status == Status.ACCEPTED


def test_who_may_cancel(api, session, to_muongnhe, between_communes):
    assert_problem(api.as_("printer").post(f"/api/v1/consignments/{to_muongnhe.tracking}/cancel"), 403)
    assert_problem(
        api.as_("clerk2").post(f"/api/v1/consignments/{to_muongnhe.tracking}/cancel"), 403
    )  # en route
    assert_problem(api.as_("board").post(f"/api/v1/consignments/{between_communes.tracking}/cancel"), 404)
    to_board2 = make_consignment(session)
    session.commit()
    assert_problem(
        api.as_("board2").post(f"/api/v1/consignments/{to_board2.tracking}/cancel"), 403
    )  # recipient
    assert api.as_("clerk").post(f"/api/v1/consignments/{to_board2.tracking}/cancel").status_code == 200
