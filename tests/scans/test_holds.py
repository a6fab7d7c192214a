"""Security holds (XHD/XRL) and returns (XRS): nothing is delivered while an item is held."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEntry, Status
from tests.scans.helpers import (
    ago,
    consignment,
    event_count,
    open_alerts,
    post_scans,
    refreshed,
    results,
    scan,
)

# The office that delivers the items of these tests (the Mường Phăng commission's): delivery events are
# accepted there only.
AT = "32260"


def _admin(api, *scans):
    return results(post_scans(api, "admin", list(scans)))


def test_a_hold_blocks_delivery_until_it_is_released(api, session):
    item = consignment(session)
    _admin(api, scan(item.tracking, "EMG", ago(120), office=AT))
    [held] = _admin(
        api, scan(item.tracking, "XHD", ago(100), office=AT, details={"reason": "Niêm phong bị rách"})
    )
    assert held["result"] == "recorded"
    assert held["status"] == "held"
    assert "security_hold" in held["flags"]
    [alert] = open_alerts(session, item, "security_hold")
    assert "Niêm phong bị rách" in alert.detail

    receiver = {"receiver": "Lò Thị Hoa"}
    refused = _admin(
        api,
        scan(item.tracking, "EDG", ago(90), office=AT),
        scan(item.tracking, "EMI", ago(80), office=AT, details=receiver),
        scan(item.tracking, "EMH", ago(80), office=AT, details={"reason": "x", "action": "retry"}),
    )
    assert [r["result"] for r in refused] == ["rejected"] * 3
    assert all("event" in r["errors"] for r in refused)
    assert refreshed(session, item).status == Status.HELD

    [released] = _admin(api, scan(item.tracking, "XRL", ago(60), office=AT))
    assert released["status"] == "at_delivery_office"  # back to what the other events say
    assert released["flags"] == []
    [delivered] = _admin(api, scan(item.tracking, "EMI", ago(30), office=AT, details=receiver))
    assert delivered["result"] == "recorded"
    assert refreshed(session, item).status == Status.DELIVERED

    actions = session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_type == "consignment", AuditEntry.object_id == item.tracking
        )
    ).all()
    assert "consignment.hold" in actions
    assert "consignment.release" in actions


def test_a_delivery_made_before_the_hold_is_still_recorded(api, session):
    # Uploaded late from a handheld: it happened before anyone placed the hold.
    item = consignment(session)
    _admin(api, scan(item.tracking, "XHD", ago(30), office=AT, details={"reason": "Kiểm tra"}))
    [early] = _admin(api, scan(item.tracking, "EDG", ago(60), office=AT))
    assert early["result"] == "recorded"
    assert refreshed(session, item).status == Status.HELD


def test_hold_and_attempt_in_one_batch(api, session):
    item = consignment(session)
    out = _admin(
        api,
        scan(item.tracking, "XHD", ago(50), office=AT, details={"reason": "Nghi vấn"}),
        scan(item.tracking, "EDG", ago(40), office=AT),
    )
    assert [r["result"] for r in out] == ["recorded", "rejected"]
    assert event_count(session, item) == 1


def test_a_hold_needs_a_reason_and_a_release_without_hold_is_flagged(api, session):
    item = consignment(session)
    [no_reason] = _admin(api, scan(item.tracking, "XHD", ago(50), office=AT))
    assert "details.reason" in no_reason["errors"]
    [release] = _admin(api, scan(item.tracking, "XRL", ago(40), office=AT))
    assert release["result"] == "recorded"
    assert [a.data["anomaly"] for a in open_alerts(session, item, "sequence_anomaly")] == [
        "release_without_hold"
    ]


def test_clerks_hold_and_release_at_their_own_office_only(api, session):
    item = consignment(session)
    [other] = results(
        post_scans(api, "clerk", [scan(item.tracking, "XHD", ago(50), office=AT, details={"reason": "x"})])
    )
    assert other["result"] == "rejected"
    assert "office" in other["errors"]
    [own] = results(post_scans(api, "clerk2", [scan(item.tracking, "XHD", ago(50), details={"reason": "x"})]))
    assert own["result"] == "recorded"


def test_return_to_sender_is_final(api, session):
    item = consignment(session)
    [returned] = _admin(api, scan(item.tracking, "XRS", ago(50), office="32100"))
    assert returned["status"] == "returned"
    _admin(api, scan(item.tracking, "EMG", ago(70), office=AT))  # an earlier scan uploaded late
    assert refreshed(session, item).status == Status.RETURNED
    _admin(api, scan(item.tracking, "EDD", ago(10), office=AT))  # a later one: flagged, status kept
    assert refreshed(session, item).status == Status.RETURNED
    assert [a.data["anomaly"] for a in open_alerts(session, item, "sequence_anomaly")] == ["after_final"]
