"""POST /api/v1/scans: retries, out-of-order uploads, per-item errors, office scope, anomalies, the route."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import Alert, AuditEntry, Status
from models.base import utcnow
from tests.factories import make_consignment as make
from tests.scans.helpers import (
    ago,
    consignment,
    event_count,
    events_of,
    open_alerts,
    post_scans,
    refreshed,
    results,
    scan,
)
from tests.support import QueryCounter, assert_problem


@pytest.fixture
def item(session):
    return consignment(session)


def test_the_same_batch_twice_is_all_duplicate_and_nothing_doubles(api, session, item):
    other = consignment(session)
    batch = [
        scan(item.tracking, "EMA", ago(300)),
        scan(other.tracking, "EMA", ago(299)),
        scan(item.tracking, "EDE", ago(200)),
    ]
    first = results(post_scans(api, "clerk", batch))
    again = results(post_scans(api, "clerk", batch))
    assert [r["result"] for r in first] == ["recorded"] * 3
    assert [r["result"] for r in again] == ["duplicate"] * 3
    assert [r["id"] for r in again] == [s["id"] for s in batch]
    assert event_count(session, item) == 2
    assert event_count(session, other) == 1
    assert refreshed(session, item).status == Status.IN_TRANSIT


def test_a_retry_without_time_or_office_is_still_a_duplicate(api, session, item):
    # The device left `at` and `office` to the server: the retry arrives later but is the same scan.
    once = scan(item.tracking, "EMA")
    assert results(post_scans(api, "clerk", [once]))[0]["result"] == "recorded"
    assert results(post_scans(api, "clerk", [once]))[0]["result"] == "duplicate"
    assert event_count(session, item) == 1


def test_the_same_id_with_different_content_is_rejected(api, session, item):
    first = scan(item.tracking, "EMA", ago(30))
    results(post_scans(api, "clerk", [first]))
    changed = {**first, "event": "EDE"}
    [result] = results(post_scans(api, "clerk", [changed]))
    assert result["result"] == "rejected"
    assert "id" in result["errors"]
    [stored] = events_of(session, item)
    assert stored.event.value == "EMA"


def test_the_same_id_twice_in_one_batch(api, session, item):
    first = scan(item.tracking, "EMA", ago(30))
    out = results(post_scans(api, "clerk", [first, dict(first), {**first, "event": "EDD"}]))
    assert [r["result"] for r in out] == ["recorded", "duplicate", "rejected"]
    assert event_count(session, item) == 1


def test_out_of_order_arrival_is_ordered_by_event_time(api, session, item):
    arrival = scan(item.tracking, "EMG", ago(60), office="32000")
    acceptance = scan(item.tracking, "EMA", ago(240), office="32100")
    results(post_scans(api, "admin", [arrival]))
    assert refreshed(session, item).status == Status.AT_DELIVERY_OFFICE
    results(post_scans(api, "admin", [acceptance]))
    fresh = refreshed(session, item)
    assert fresh.status == Status.AT_DELIVERY_OFFICE  # the earlier EMA never moves it back
    assert fresh.accepted_at == events_of(session, item)[0].at
    assert fresh.due_at == fresh.accepted_at + timedelta(hours=8)  # flash, rural destination (Mường Phăng)
    # Last seen at the sorting centre, the 2nd of 3 offices: two thirds of the standard still ahead of it.
    assert fresh.expected_at == fresh.last_event_at + timedelta(hours=8) * 2 / 3
    assert fresh.last_office_code == "32000"
    timeline = api.as_("clerk").get(f"/api/v1/scans?tracking={item.tracking}").get_json()["items"]
    assert [e["event"] for e in timeline] == ["EMA", "EMG"]
    assert timeline[0]["at"].endswith("+07:00")
    assert open_alerts(session, item, "sequence_anomaly") == []


def test_event_time_and_recorded_time_are_kept_apart(api, session, item):
    at = ago(180)
    results(post_scans(api, "clerk", [scan(item.tracking, "EMA", at)]))
    [stored] = events_of(session, item)
    assert abs((stored.at - at).total_seconds()) < 1
    assert stored.recorded_at > at + timedelta(minutes=170)


def test_details_of_any_size_and_script_are_stored_as_sent(api, session, item):
    # A number beyond 64 bits is refused by the fast JSON encoder of the write path: the slow one takes it.
    details = {"seal": 10**30, "note": "Niêm phong số 7", "weight": 1.5}
    out = results(post_scans(api, "clerk", [scan(item.tracking, "EMA", ago(5), details=details)]))
    assert out[0]["result"] == "recorded"
    [stored] = events_of(session, item)
    assert stored.details == details


def test_late_scans_after_delivery_are_stored_but_never_move_the_status_back(api, session, item):
    delivery = scan(
        item.tracking, "EMI", ago(30), office=item.destination_code, details={"receiver": "Lò Văn Pọm"}
    )
    results(post_scans(api, "admin", [delivery]))
    late = [
        scan(item.tracking, "EMA", ago(300), office="32100"),
        scan(item.tracking, "EDD", ago(200), office="32000"),
        scan(item.tracking, "EDG", ago(60), office=item.destination_code),
    ]
    assert [r["result"] for r in results(post_scans(api, "admin", late))] == ["recorded"] * 3
    fresh = refreshed(session, item)
    assert fresh.status == Status.DELIVERED
    assert fresh.delivered_to == "Lò Văn Pọm"
    assert abs((fresh.delivered_at - ago(30)).total_seconds()) < 60
    assert [e.event.value for e in events_of(session, item)] == ["EMA", "EDD", "EDG", "EMI"]
    assert open_alerts(session, item, "sequence_anomaly") == []


def test_delivered_twice_is_recorded_and_flagged(api, session, item):
    receiver = {"receiver": "Quàng Thị Mai"}
    results(
        post_scans(
            api,
            "admin",
            [scan(item.tracking, "EMI", ago(60), office=item.destination_code, details=receiver)],
        )
    )
    [second] = results(
        post_scans(
            api,
            "admin",
            [scan(item.tracking, "EMI", ago(10), office=item.destination_code, details=receiver)],
        )
    )
    assert second["result"] == "recorded"
    assert "sequence_anomaly" in second["flags"]
    [alert] = open_alerts(session, item, "sequence_anomaly")
    assert alert.data["anomaly"] == "delivered_twice"
    assert alert.detail  # a reason in words
    assert event_count(session, item) == 2
    assert refreshed(session, item).status == Status.DELIVERED


def test_moving_after_delivery_and_acceptance_after_arrival_are_flagged(api, session, item):
    results(post_scans(api, "admin", [scan(item.tracking, "EMG", ago(120), office="32000")]))
    results(post_scans(api, "admin", [scan(item.tracking, "EMA", ago(60), office="32100")]))
    kinds = [a.data["anomaly"] for a in open_alerts(session, item, "sequence_anomaly")]
    assert kinds == ["accepted_after_moving"]
    other = consignment(session)
    results(
        post_scans(
            api,
            "admin",
            [scan(other.tracking, "EMI", ago(60), office=other.destination_code, details={"receiver": "A"})],
        )
    )
    results(post_scans(api, "admin", [scan(other.tracking, "EDE", ago(5), office="32000")]))
    assert [a.data["anomaly"] for a in open_alerts(session, other, "sequence_anomaly")] == ["after_final"]
    assert refreshed(session, other).status == Status.DELIVERED


def test_a_mixed_batch_stores_the_good_and_names_what_is_wrong_with_the_rest(api, session, item):
    cancelled = consignment(session, status=Status.CANCELLED, cancelled_at=ago(100))
    good_too = consignment(session)
    batch = [
        scan(item.tracking, "EMA", ago(20)),
        scan("EB000000005VN", "EMA", ago(20)),  # well-formed, never registered
        scan("EB123456789VN", "EMA", ago(20)),  # check digit typo
        scan(good_too.tracking, "EMA", ago(20), office="32000"),  # another office than the clerk's
        scan(item.tracking, "EMI", ago(10)),  # no receiver
        scan(cancelled.tracking, "EMA", ago(20)),
        scan(good_too.tracking.lower()[:2] + " " + good_too.tracking[2:], "EMA", ago(19)),  # spaces, case
        scan(item.tracking, "EDD", utcnow() + timedelta(hours=2)),  # the scanner's clock is wrong
        {"id": "not-a-uuid", "tracking": item.tracking, "event": "EMA"},
        {"tracking": item.tracking, "event": "ZZZ"},
    ]
    out = results(api.as_("clerk").post("/api/v1/scans?lang=en", json={"scans": batch}))
    assert [r["result"] for r in out] == [
        "recorded", "rejected", "rejected", "rejected", "rejected", "rejected", "recorded", "rejected",
        "rejected", "rejected",
    ]  # fmt: skip
    assert "registered" in out[1]["errors"]["tracking"][0]
    assert (
        "check digit" in out[2]["errors"]["tracking"][0].lower()
        or "kiểm tra" in out[2]["errors"]["tracking"][0]
    )
    assert out[2]["tracking"] == "EB123456789VN"
    assert "office" in out[3]["errors"]
    assert "details.receiver" in out[4]["errors"]
    assert "tracking" in out[5]["errors"]
    assert out[6]["tracking"] == good_too.tracking
    assert "at" in out[7]["errors"]
    assert "id" in out[8]["errors"]
    assert set(out[9]["errors"]) >= {"id", "event"}
    assert [r["id"] for r in out[:8]] == [s["id"] for s in batch[:8]]
    assert event_count(session, item) == 1
    assert event_count(session, good_too) == 1
    assert event_count(session, cancelled) == 0
    assert refreshed(session, cancelled).status == Status.CANCELLED


def test_required_details_must_be_text_and_only_that_scan_is_rejected(api, session):
    # Addressed to the provincial commission: the clerk's own office (32100) delivers it.
    item = consignment(session, recipient_code="UBBC-DIENBIEN")
    batch = [
        scan(item.tracking, "EMA", ago(60)),
        scan(item.tracking, "EMI", ago(5), details={"receiver": 5}),
        scan(item.tracking, "EMH", ago(10), details={"reason": True, "action": "retry"}),
        scan(item.tracking, "EMH", ago(10), details={"reason": "Vắng nhà", "action": 3.5}),
        scan(item.tracking, "XHD", ago(10), details={"reason": 0}),
        scan(item.tracking, "EMI", ago(5), details={"receiver": "   "}),
        scan(item.tracking, "EDD", ago(50)),
    ]
    out = results(post_scans(api, "clerk", batch))
    assert [r["result"] for r in out] == [
        "recorded", "rejected", "rejected", "rejected", "rejected", "rejected", "recorded",
    ]  # fmt: skip
    assert set(out[1]["errors"]) == {"details.receiver"}
    assert set(out[2]["errors"]) == {"details.reason"}
    assert set(out[3]["errors"]) == {"details.action"}
    assert set(out[4]["errors"]) == {"details.reason"}
    assert set(out[5]["errors"]) == {"details.receiver"}
    assert event_count(session, item) == 2
    assert refreshed(session, item).status == Status.IN_TRANSIT


FINAL_MILE = [
    ("EDG", {}),
    ("EMH", {"reason": "Vắng nhà", "action": "retry"}),
    ("EMI", {"receiver": "Nguyễn Thị Hương"}),
    ("EDF", {}),
    ("EDH", {}),
]


@pytest.mark.parametrize(("event", "details"), FINAL_MILE)
def test_final_mile_events_only_at_the_office_that_delivers_the_item(api, session, event, details):
    # Accepted at 32100, addressed to the Nậm Nèn commission, which office 32180 delivers to.
    far = consignment(session, recipient_code="UBBC-NAMNEN")
    assert far.destination_code == "32180"
    results(post_scans(api, "clerk", [scan(far.tracking, "EMA", ago(60))]))
    by_clerk, by_centre, by_admin = (
        results(post_scans(api, user, [scan(far.tracking, event, ago(30), details=details, **office)]))[0]
        for user, office in [("clerk", {}), ("clerk2", {}), ("admin", {"office": "32000"})]
    )
    for refused in (by_clerk, by_centre, by_admin):
        assert refused["result"] == "rejected"
        [why] = refused["errors"]["office"]
        assert "32180" in why  # the office that delivers it
    assert event_count(session, far) == 1
    fresh = refreshed(session, far)
    assert fresh.status == Status.ACCEPTED
    assert fresh.delivered_at is None

    [delivered] = results(
        post_scans(api, "admin", [scan(far.tracking, event, ago(20), office="32180", details=details)])
    )
    assert delivered["result"] == "recorded"
    assert event_count(session, far) == 2


def test_office_defaults_to_the_clerks_and_admins_must_say_it(api, session, item):
    [clerk] = results(post_scans(api, "clerk", [scan(item.tracking, "EMA", ago(30))]))
    assert clerk["result"] == "recorded"
    assert events_of(session, item)[0].office_code == "32100"
    [admin] = results(post_scans(api, "admin", [scan(item.tracking, "EDD", ago(20))]))
    assert admin["result"] == "rejected"
    assert "office" in admin["errors"]
    [anywhere] = results(post_scans(api, "admin", [scan(item.tracking, "EDD", ago(20), office="32000")]))
    assert anywhere["result"] == "recorded"
    [unknown] = results(post_scans(api, "admin", [scan(item.tracking, "EDE", ago(10), office="99999")]))
    assert "office" in unknown["errors"]


@pytest.mark.parametrize("user", ["board", "board2", "printer"])
def test_boards_and_printers_cannot_scan(api, session, item, user):
    response = post_scans(api, user, [scan(item.tracking, "EMA", ago(30))])
    assert_problem(response, 403)
    assert event_count(session, item) == 0


def test_signing_in_is_required(api, session, item):
    assert_problem(post_scans(api, None, [scan(item.tracking, "EMA")]), 401)


def test_more_than_a_thousand_scans_is_413_and_nothing_is_written(api, session, item):
    batch = [scan(item.tracking, "EDD", ago(30)) for _ in range(1001)]
    body = assert_problem(post_scans(api, "clerk", batch), 413, "scans")
    assert body["errors"]["scans"]
    assert event_count(session, item) == 0


def test_malformed_requests(api, session, item):
    assert_problem(api.as_("clerk").post("/api/v1/scans", data="{", content_type="application/json"), 400)
    assert_problem(api.as_("clerk").post("/api/v1/scans", json={"scan": []}), 422)
    assert_problem(api.as_("clerk").post("/api/v1/scans", json={"scans": "EMA"}), 422, "scans")
    assert results(api.as_("clerk").post("/api/v1/scans", json={"scans": []})) == []
    assert event_count(session) == 0


def test_a_scan_off_the_route_flags_misrouted_until_it_is_back(api, session, item):
    assert item.route == ["32100", "32000", item.destination_code]
    [off] = results(post_scans(api, "admin", [scan(item.tracking, "EDD", ago(60), office="32105")]))
    assert "misrouted" in off["flags"]
    [alert] = open_alerts(session, item, "misrouted")
    assert alert.office_code == "32105"
    [back] = results(post_scans(api, "admin", [scan(item.tracking, "EDD", ago(30), office="32000")]))
    assert "misrouted" not in back["flags"]
    assert open_alerts(session, item, "misrouted") == []


def test_a_scan_before_registration_is_a_clock_error(api, session):
    fresh = consignment(session, now=ago(5))
    [result] = results(post_scans(api, "clerk", [scan(fresh.tracking, "EMA", ago(24 * 60))]))
    assert result["result"] == "rejected"
    assert "at" in result["errors"]


def test_clock_errors_say_in_vietnamese_which_way_the_time_is_wrong(api, session):
    fresh = consignment(session, now=ago(5))
    ahead, behind = results(
        post_scans(
            api,
            "clerk",
            [
                scan(fresh.tracking, "EMA", utcnow() + timedelta(hours=2)),
                scan(fresh.tracking, "EMA", ago(24 * 60)),
            ],
        )
    )
    [future] = ahead["errors"]["at"]
    assert "tương lai" in future
    assert "10 phút" in future
    assert "Sớm hơn hiện tại" not in future  # "earlier than now" said the opposite
    [past] = behind["errors"]["at"]
    assert past.startswith("Thời điểm quét sớm hơn thời điểm đăng ký")


def test_movement_clears_stalled_and_delivery_clears_late(api, session, item):
    from app.alerts.services import open_alert
    from models import AlertKind

    open_alert(session, AlertKind.STALLED, "đứng yên", consignment=item)
    open_alert(session, AlertKind.LATE, "quá hạn", consignment=item)
    [moved] = results(post_scans(api, "admin", [scan(item.tracking, "EDD", ago(30), office="32000")]))
    assert moved["flags"] == ["late"]
    delivered = scan(
        item.tracking, "EMI", ago(5), office=item.destination_code, details={"receiver": "Cà Văn Hặc"}
    )
    assert results(post_scans(api, "admin", [delivered]))[0]["flags"] == []
    resolved = session.scalars(select(Alert).where(Alert.consignment_id == item.id)).all()
    assert all(a.resolution for a in resolved)


def test_an_old_upload_does_not_clear_stalled(api, session, item):
    from app.alerts.services import open_alert
    from models import AlertKind

    results(post_scans(api, "admin", [scan(item.tracking, "EDD", ago(120), office="32000")]))
    open_alert(session, AlertKind.STALLED, "đứng yên", consignment=item)
    # An acceptance scanned long ago and uploaded now says nothing about where the item is now.
    [old] = results(post_scans(api, "clerk", [scan(item.tracking, "EMA", ago(300))]))
    assert old["flags"] == ["stalled"]


def test_a_batch_is_audited_once(api, session, item):
    before = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "scan.batch")
    )
    results(
        post_scans(api, "clerk", [scan(item.tracking, "EMA", ago(20)), scan(item.tracking, "EDE", ago(10))])
    )
    after = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "scan.batch")
    )
    assert after == before + 1


def test_five_hundred_scans_take_a_handful_of_statements(app, api, session):
    items = [make(session, now=ago(600)) for _ in range(500)]
    session.commit()
    batch = [scan(c.tracking, "EMA", ago(30)) for c in items]
    with QueryCounter(app) as queries:
        out = results(post_scans(api, "clerk", batch))
    assert {r["result"] for r in out} == {"recorded"}
    # Sign-in (and its last-used time, now and then), the items locked with their destinations' areas,
    # their events and alerts, insert, standards, update, webhook receivers, audit. SQLite reads the items
    # with their events in one statement but asks for the destinations' areas in another. (It was 13.)
    assert queries.count <= 9, "\n".join(s[:90] for s in queries.statements)


def test_a_single_scan_takes_as_many_statements_as_a_batch(app, api, session, item):
    scans = [scan(item.tracking, "EMA", ago(30))]
    with QueryCounter(app) as queries:
        assert results(post_scans(api, "clerk", scans))[0]["result"] == "recorded"
    assert queries.count <= 9, "\n".join(s[:90] for s in queries.statements)
    other = make(session, now=ago(600))
    session.commit()
    with QueryCounter(app) as moves:
        post_scans(api, "clerk", [scan(item.tracking, "EDD", ago(20)), scan(other.tracking, "EMA", ago(20))])
    assert moves.count <= 9, "\n".join(s[:90] for s in moves.statements)


def test_control_characters_reject_only_their_scan(api, session, item):
    other = consignment(session)
    batch = [
        scan(item.tracking, "EMA", ago(20)),
        scan(
            other.tracking,
            "EMH",
            ago(10),
            office="32100",
            details={"reason": "vắng\x00nhà", "action": "retry"},
        ),
        scan(other.tracking, "EMA", ago(20), office="32\x00100"),
    ]
    out = results(post_scans(api, "clerk", batch))
    assert [r["result"] for r in out] == ["recorded", "rejected", "rejected"]
    assert "details.reason" in out[1]["errors"]
    assert "office" in out[2]["errors"]
    assert event_count(session, other) == 0
    assert_problem(
        api.as_("clerk").post("/api/v1/bags", json={"destination": "32\x00000"}), 422, "destination"
    )


def test_the_estimate_is_revised_as_the_item_moves(api, session, item):
    accepted_at = ago(30)
    results(post_scans(api, "clerk", [scan(item.tracking, "EMA", accepted_at)]))
    fresh = refreshed(session, item)
    assert fresh.expected_at == fresh.due_at  # at the origin: the whole standard ahead
    out = scan(item.tracking, "EDG", ago(10), office=item.destination_code)
    results(post_scans(api, "admin", [out]))
    fresh = refreshed(session, item)
    assert fresh.expected_at == fresh.last_event_at + timedelta(hours=8) / 3 / 2  # half the last leg
    assert fresh.expected_at < fresh.due_at
    delivery = scan(
        item.tracking, "EMI", ago(5), office=item.destination_code, details={"receiver": "Lò Văn Pọm"}
    )
    results(post_scans(api, "admin", [delivery]))
    fresh = refreshed(session, item)
    assert fresh.expected_at == fresh.delivered_at
