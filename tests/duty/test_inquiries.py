"""Inquiries: routed to the office that last saw the item, answered by a deadline, scoped, audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.inquiries.services import answer_inquiry, check_overdue_inquiries, open_inquiry
from models import Alert, AlertKind, AlertState, AuditEntry, Status, Urgency
from models.inquiries import Inquiry
from tests.duty.support import local, user
from tests.factories import make_consignment
from tests.support import assert_problem

QUESTION = "Quyết định số 80/CV-UBBC đã đến đâu rồi?"


def _in_transit(session, **overrides):
    values = {
        "status": Status.IN_TRANSIT,
        "last_office_code": "32000",
        "last_event_at": local("2026-03-10 08:00"),
    }
    values.update(overrides)
    item = make_consignment(session, **values)
    session.commit()
    return item


def _spaced(tracking: str) -> str:
    return f"{tracking[:2].lower()} {tracking[2:5]} {tracking[5:8]} {tracking[8:11]} {tracking[11:].lower()}"


def _alerts(session, inquiry_id: int) -> list[Alert]:
    key = f"inquiry:{inquiry_id}"
    return list(
        session.scalars(select(Alert).where(Alert.kind == AlertKind.INQUIRY_OVERDUE, Alert.cause_key == key))
    )


def test_an_inquiry_is_routed_to_the_last_office_and_answered(api, session):
    item = _in_transit(session)
    response = api.as_("board").post(
        f"/api/v1/consignments/{_spaced(item.tracking)}/inquiries", json={"question": QUESTION}
    )
    assert response.status_code == 201, response.get_json()
    asked = response.get_json()
    assert asked["tracking"] == item.tracking
    assert asked["office"] == "32000"  # where it was last seen, not where it was posted
    assert asked["state"] == "open"
    assert asked["asked_by"] == "ubbc.tinh"
    inquiry = session.get(Inquiry, asked["id"])
    assert inquiry.due_at - inquiry.asked_at == timedelta(hours=2)  # Hỏa tốc

    answered = api.as_("clerk2").post(
        f"/api/v1/inquiries/{asked['id']}/answer",
        json={"answer": "Đã đến Trung tâm, chuyển đi Mường Phăng lúc 10:00."},
    )
    assert answered.status_code == 200, answered.get_json()
    body = answered.get_json()
    assert body["state"] == "answered"
    assert body["answered_by"] == "gdv.32000"
    assert body["answer"].startswith("Đã đến")
    assert_problem(
        api.as_("clerk2").post(f"/api/v1/inquiries/{asked['id']}/answer", json={"answer": "lại"}), 409
    )

    # The exchange stays with the consignment and in the audit log.
    kept = api.as_("board").get(f"/api/v1/consignments/{item.tracking.lower()}/inquiries").get_json()
    assert [(i["question"], i["answer"]) for i in kept["items"]] == [(QUESTION, body["answer"])]
    entries = session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "consignment", AuditEntry.object_id == item.tracking
        )
    ).all()
    assert [(e.action, e.actor.username) for e in entries] == [
        ("inquiry.open", "ubbc.tinh"),
        ("inquiry.answer", "gdv.32000"),
    ]
    assert entries[0].details["question"] == QUESTION


def test_before_any_scan_the_origin_office_answers(api, session):
    item = make_consignment(session, urgency=Urgency.NORMAL)
    session.commit()
    response = api.as_("board2").post(
        f"/api/v1/consignments/{item.tracking}/inquiries", json={"question": "Đã gửi chưa?"}
    )
    assert response.status_code == 201  # the receiving body may ask too
    inquiry = session.get(Inquiry, response.get_json()["id"])
    assert inquiry.office_code == "32100"
    assert inquiry.due_at - inquiry.asked_at == timedelta(hours=24)


def test_an_unanswered_inquiry_past_its_deadline_raises_an_alert_that_the_answer_resolves(session):
    item = _in_transit(session, urgency=Urgency.URGENT)
    asked_at = local("2026-03-10 09:00")
    inquiry = open_inquiry(session, user(session, "ubbc.tinh"), item.tracking, QUESTION, now=asked_at)
    assert inquiry.due_at == asked_at + timedelta(hours=8)
    assert check_overdue_inquiries(session, asked_at + timedelta(hours=7, minutes=59)) == 0
    assert _alerts(session, inquiry.id) == []

    assert check_overdue_inquiries(session, asked_at + timedelta(hours=8)) == 1
    [alert] = _alerts(session, inquiry.id)
    assert alert.state == AlertState.OPEN
    assert alert.office_code == "32000"
    assert alert.data["tracking"] == item.tracking
    assert check_overdue_inquiries(session, asked_at + timedelta(hours=9)) == 0  # raised once

    answer_inquiry(
        session,
        user(session, "gdv.32000"),
        inquiry.id,
        "Đang ở Trung tâm.",
        now=asked_at + timedelta(hours=10),
    )
    session.expire_all()
    [alert] = _alerts(session, inquiry.id)
    assert alert.state == AlertState.RESOLVED
    answer = session.scalars(select(AuditEntry).where(AuditEntry.action == "inquiry.answer")).one()
    assert answer.details["late"] is True


def test_clerks_see_and_answer_only_their_offices_inquiries(api, session):
    item = _in_transit(session)
    asked = (
        api.as_("board")
        .post(f"/api/v1/consignments/{item.tracking}/inquiries", json={"question": QUESTION})
        .get_json()
    )
    # 32100 (the origin) sees the consignment but the inquiry was routed to the sorting centre.
    assert api.as_("clerk").get("/api/v1/inquiries").get_json()["items"] == []
    assert api.as_("clerk").get(f"/api/v1/consignments/{item.tracking}/inquiries").get_json()["items"] == []
    assert_problem(
        api.as_("clerk").post(f"/api/v1/inquiries/{asked['id']}/answer", json={"answer": "x"}), 404
    )
    assert_problem(api.as_("clerk").get(f"/api/v1/inquiries/{asked['id']}"), 404)
    # The centre's clerk sees it; a board sees it but may not answer.
    assert [i["id"] for i in api.as_("clerk2").get("/api/v1/inquiries?state=open").get_json()["items"]] == [
        asked["id"]
    ]
    assert_problem(
        api.as_("board").post(f"/api/v1/inquiries/{asked['id']}/answer", json={"answer": "x"}), 403
    )
    assert_problem(api.as_("board").post("/api/v1/inquiries/999999/answer", json={"answer": "x"}), 404)
    assert session.get(Inquiry, asked["id"]).state.value == "open"


def test_boards_see_only_their_consignments(api, session):
    mine = _in_transit(session)
    other = make_consignment(session, sender_code="UBBC-MUONGTHANH", recipient_code="UBBC-MUONGPHANG")
    session.commit()
    api.as_("board").post(f"/api/v1/consignments/{mine.tracking}/inquiries", json={"question": QUESTION})
    api.as_("board2").post(
        f"/api/v1/consignments/{other.tracking}/inquiries", json={"question": "Của Mường Thanh?"}
    )
    seen = api.as_("board").get("/api/v1/inquiries").get_json()
    assert [i["tracking"] for i in seen["items"]] == [mine.tracking]
    # A body that neither sends nor receives it cannot see it at all: 404, as for an unknown number.
    assert_problem(
        api.as_("board").post(f"/api/v1/consignments/{other.tracking}/inquiries", json={"question": "?"}), 404
    )
    assert_problem(api.as_("board").get(f"/api/v1/consignments/{other.tracking}/inquiries"), 404)
    admin_view = api.as_("admin").get("/api/v1/inquiries").get_json()
    assert {i["tracking"] for i in admin_view["items"]} >= {mine.tracking, other.tracking}


def test_who_may_open_an_inquiry(api, session):
    item = _in_transit(session)
    url = f"/api/v1/consignments/{item.tracking}/inquiries"
    assert api.as_("clerk").post(url, json={"question": "Kiểm tra giúp"}).status_code == 201  # origin clerk
    assert_problem(api.as_("printer").post(url, json={"question": "?"}), 403)  # sees it, may not ask
    assert len(session.scalars(select(Inquiry)).all()) == 1


def test_bad_input_is_refused(api, session):
    item = _in_transit(session)
    url = f"/api/v1/consignments/{item.tracking}/inquiries"
    assert_problem(api.as_("board").post(url, json={"question": "   "}), 422, "question")
    assert_problem(api.as_("board").post(url, json={"question": "x" * 2001}), 422, "question")
    assert_problem(api.as_("board").post(url, json={"question": "?", "urgent": True}), 422, "urgent")
    assert_problem(
        api.as_("board").post("/api/v1/consignments/EB123456789VN/inquiries", json={"question": "?"}),
        422,
        "tracking",
    )
    assert_problem(
        api.as_("board").post("/api/v1/consignments/EB000000005VN/inquiries", json={"question": "?"}), 404
    )
    assert_problem(api.as_("board").get("/api/v1/inquiries?state=lost"), 422, "query.state")
    assert_problem(api.post(url, json={"question": "?"}), 401)
    assert session.scalars(select(Inquiry)).all() == []


def test_open_inquiries_come_first_soonest_deadline_first(api, session):
    flash = _in_transit(session)
    normal = _in_transit(session, urgency=Urgency.NORMAL)
    api.as_("board").post(f"/api/v1/consignments/{normal.tracking}/inquiries", json={"question": "1"})
    first = (
        api.as_("board")
        .post(f"/api/v1/consignments/{flash.tracking}/inquiries", json={"question": "2"})
        .get_json()
    )
    done = (
        api.as_("board")
        .post(f"/api/v1/consignments/{flash.tracking}/inquiries", json={"question": "3"})
        .get_json()
    )
    api.as_("clerk2").post(f"/api/v1/inquiries/{done['id']}/answer", json={"answer": "ok"})
    listed = api.as_("clerk2").get("/api/v1/inquiries").get_json()["items"]
    assert [i["question"] for i in listed] == ["2", "1", "3"]
    assert listed[0]["id"] == first["id"]
    assert [
        i["question"] for i in api.as_("clerk2").get("/api/v1/inquiries?state=answered").get_json()["items"]
    ] == ["3"]
