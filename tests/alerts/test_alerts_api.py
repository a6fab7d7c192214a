"""The alerts API: who sees which alerts, in which order, and acknowledging them."""

from __future__ import annotations

from datetime import timedelta

from app.alerts.services import open_alert, resolve_alerts
from app.alerts.sweep import sweep
from models import AlertKind, AuditEntry, Urgency
from tests.alerts.helpers import T0, accepted
from tests.factories import make_consignment
from tests.support import assert_problem

H = timedelta(hours=1)


def _ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [a["id"] for a in response.get_json()["items"]]


def test_list_has_the_contract_fields_and_the_reason_in_both_languages(session, api):
    item = accepted(session)
    sweep(session, T0 + 5 * H)
    body = api.as_("admin").get("/api/v1/alerts?kind=late").get_json()
    [alert] = [a for a in body["items"] if a["tracking"] == item.tracking]
    assert {"id", "kind", "tracking", "office", "opened_at", "state", "detail", "on_duty"} <= set(alert)
    assert alert["kind"] == "late"
    assert alert["state"] == "open"
    assert alert["urgency"] == "flash"
    assert alert["on_duty"] == []
    assert alert["opened_at"] == "2026-03-10T13:00:00+07:00"
    assert alert["reason"]["due_at"] == "2026-03-10T12:00:00+07:00"
    assert "12:00" in alert["detail"]
    english = api.as_("admin").get("/api/v1/alerts?kind=late&lang=en").get_json()["items"]
    [alert_en] = [a for a in english if a["tracking"] == item.tracking]
    assert alert_en["detail"].startswith("Not delivered by its deadline")
    assert alert["detail"] != alert_en["detail"]


def test_boards_see_the_alerts_of_what_their_body_sends_or_receives(session, api):
    mine = accepted(session)  # UBBC-DIENBIEN -> UBBC-MUONGPHANG
    other = accepted(session, sender_code="UBBC-MUONGTHANH", recipient_code="UBBC-NAHY")
    sweep(session, T0 + 5 * H)
    mine_ids = {a.id for a in mine_alerts(session, mine)}
    other_ids = {a.id for a in mine_alerts(session, other)}
    seen_by_sender = set(_ids(api.as_("board").get("/api/v1/alerts?per_page=500")))
    seen_by_recipient = set(_ids(api.as_("board2").get("/api/v1/alerts?per_page=500")))
    assert mine_ids <= seen_by_sender
    assert mine_ids <= seen_by_recipient
    assert not other_ids & (seen_by_sender | seen_by_recipient)
    assert other_ids <= set(_ids(api.as_("admin").get("/api/v1/alerts?per_page=500")))


def test_clerks_see_their_office_and_printers_none(session, api):
    item = accepted(session, route=["32100", "32000", "32260"])
    elsewhere = accepted(session, origin_code="32105", route=["32105", "32000", "32260"])
    duty_gap = open_alert(session, AlertKind.DUTY_GAP, "thiếu trực", office_code="32100", cause_key="g1")
    sweep(session, T0 + 5 * H)
    seen = set(_ids(api.as_("clerk").get("/api/v1/alerts?per_page=500")))  # office 32100
    assert {a.id for a in mine_alerts(session, item)} <= seen
    assert duty_gap.id in seen
    assert not {a.id for a in mine_alerts(session, elsewhere)} & seen
    assert_problem(api.as_("printer").get("/api/v1/alerts"), 403)
    assert_problem(api.get("/api/v1/alerts"), 401)


def test_unresolved_first_then_gravest_then_most_urgent(session, api):
    normal = accepted(session, urgency=Urgency.NORMAL)
    flash = accepted(session, urgency=Urgency.FLASH)
    lost = accepted(session, urgency=Urgency.NORMAL, at=T0 - 200 * H, due_hours=400)
    gone = accepted(session)
    open_alert(session, AlertKind.SEQUENCE_ANOMALY, "bất thường", consignment=gone, now=T0)
    resolve_alerts(session, gone, [AlertKind.SEQUENCE_ANOMALY], "ok", now=T0 + H)
    sweep(session, T0 + 5 * H)
    normal.due_at = T0 + 2 * H  # an ordinary item late too, to compare urgencies within one kind
    sweep(session, T0 + 5 * H)
    items = api.as_("admin").get("/api/v1/alerts?per_page=500").get_json()["items"]
    order = [(a["tracking"], a["kind"]) for a in items]
    assert order.index((lost.tracking, "suspected_lost")) < order.index((flash.tracking, "late"))
    assert order.index((flash.tracking, "late")) < order.index((normal.tracking, "late"))
    states = [a["state"] for a in items]
    assert states[-1] == "resolved"
    assert "resolved" not in states[: states.index("resolved")]


def test_acknowledge_records_who_when_and_why_then_refuses_twice(session, api):
    item = accepted(session)
    sweep(session, T0 + 5 * H)
    [alert] = mine_alerts(session, item)
    session.commit()
    response = api.as_("board").post(
        f"/api/v1/alerts/{alert.id}/acknowledge", json={"note": "  Đã gọi bưu cục  "}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["state"] == "acknowledged"
    assert body["acknowledged_by"] == "ubbc.tinh"
    assert body["note"] == "Đã gọi bưu cục"
    assert body["acknowledged_at"].endswith("+07:00")
    assert (
        session.query(AuditEntry).filter_by(action="alert.acknowledge", object_id=str(alert.id)).count() == 1
    )
    again = assert_problem(
        api.as_("board2").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}), 409, "id"
    )
    assert "ubbc.tinh" in again["detail"]


def test_a_bodys_acknowledgement_leaves_the_alert_for_the_post_office_to_take_on(session, api):
    """The contract lets an election body acknowledge its alerts; the post office on duty still acts."""
    item = accepted(session)
    sweep(session, T0 + 5 * H)
    [alert] = mine_alerts(session, item)
    session.commit()
    seen = api.as_("board2").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={"note": "Đang chờ"})
    assert seen.get_json()["acknowledged_by"] == "ubbc.muongphang"
    taken = api.as_("clerk").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={"note": "Đã gọi tuyến thư"})
    assert taken.status_code == 200, taken.get_data(as_text=True)
    assert taken.get_json()["acknowledged_by"] == "gdv.32100"
    assert taken.get_json()["note"] == "Đã gọi tuyến thư"
    # Once the post office has taken it on, nobody takes it from them.
    for user in ("board", "admin"):
        refused = assert_problem(api.as_(user).post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}), 409)
        assert "gdv.32100" in refused["detail"]
    acknowledgements = session.query(AuditEntry).filter_by(
        action="alert.acknowledge", object_id=str(alert.id)
    )
    assert acknowledgements.count() == 2  # both are on the record


def test_acknowledging_a_resolved_alert_is_a_conflict_and_changes_nothing(session, api):
    item = accepted(session)
    alert = open_alert(session, AlertKind.STALLED, "đứng yên", consignment=item, now=T0)
    resolve_alerts(session, item, [AlertKind.STALLED], "moved", now=T0 + H)
    session.commit()  # a failed request rolls back its session: keep the set-up
    assert_problem(
        api.as_("admin").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={"note": "x"}), 409, "id"
    )
    session.refresh(alert)
    assert alert.acknowledged_by_id is None
    assert alert.acknowledge_note is None


def test_acknowledge_scope_input_and_unknown_ids(session, api):
    other = accepted(session, sender_code="UBBC-MUONGTHANH", recipient_code="UBBC-NAHY")
    alert = open_alert(session, AlertKind.LATE, "trễ", consignment=other, now=T0)
    session.commit()  # a failed request rolls back its session: keep the set-up
    assert_problem(api.as_("board").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}), 403)
    assert_problem(api.as_("admin").post("/api/v1/alerts/999999/acknowledge", json={}), 404)
    assert_problem(
        api.as_("admin").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={"note": "x" * 1001}),
        422,
        "note",
    )
    assert_problem(
        api.as_("admin").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={"nope": 1}), 422, "nope"
    )
    assert_problem(api.as_("admin").get("/api/v1/alerts?state=closed"), 422, "query.state")
    assert_problem(api.as_("admin").get("/api/v1/alerts?tracking=EB123456789VN"), 422, "query.tracking")
    session.refresh(alert)
    assert alert.state.value == "open"


def test_filter_by_state_kind_and_tracking(session, api):
    item = accepted(session)
    sweep(session, T0 + 7 * H)
    by_tracking = api.as_("admin").get(f"/api/v1/alerts?tracking={item.tracking.lower()}").get_json()["items"]
    assert sorted(a["kind"] for a in by_tracking) == ["late", "stalled"]
    stalled = (
        api.as_("admin").get(f"/api/v1/alerts?tracking={item.tracking}&kind=stalled").get_json()["items"]
    )
    assert [a["kind"] for a in stalled] == ["stalled"]
    assert (
        api.as_("admin").get(f"/api/v1/alerts?tracking={item.tracking}&state=resolved").get_json()["items"]
        == []
    )


def test_alert_without_consignment_lists_with_null_tracking(session, api):
    make_consignment(session)
    gap = open_alert(session, AlertKind.DUTY_GAP, "Không ai trực", office_code="32000", cause_key="x")
    items = api.as_("admin").get("/api/v1/alerts?kind=duty_gap").get_json()["items"]
    [listed] = [a for a in items if a["id"] == gap.id]
    assert listed["tracking"] is None
    assert listed["detail"] == "Không ai trực"


def mine_alerts(session, item):
    from tests.alerts.helpers import alerts_of

    return alerts_of(session, item)


def test_each_alert_names_who_is_on_duty_at_its_office_now(session, api):
    from app.duty.services import create_shift
    from models.base import utcnow
    from models.duty import DutyKind
    from models.users import User

    admin = session.query(User).filter_by(username="admin").one()
    now = utcnow()
    create_shift(
        session, admin, office_code="32100", username="gdv.32100", kind=DutyKind.SHIFT,
        starts_at=now - H, ends_at=now + H,
    )  # fmt: skip
    alert = open_alert(
        session, AlertKind.STALLED, "đứng yên", consignment=accepted(session), office_code="32100"
    )
    [listed] = [a for a in api.as_("admin").get("/api/v1/alerts").get_json()["items"] if a["id"] == alert.id]
    assert listed["on_duty"] == ["gdv.32100"]
