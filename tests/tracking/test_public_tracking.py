"""Public tracking: anyone with the number sees status and timeline, and nothing personal or classified."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from flask import Flask

from models import Confidentiality, EventCode, ScanEvent, Status
from models.base import utcnow
from tests.conftest import build_app
from tests.factories import make_consignment
from tests.support import assert_problem

RECIPIENT_SECRET = "Nguyễn Văn Nhận"


def _scan(session, item, code, office, at, **details):
    session.add(
        ScanEvent(
            id=str(uuid.uuid4()),
            consignment_id=item.id,
            event=code,
            office_code=office,
            at=at,
            recorded_at=utcnow(),
            details=details,
            fingerprint=hashlib.sha256(str(uuid.uuid4()).encode()).hexdigest(),
        )
    )
    session.flush()


def _delivered_item(session, **overrides):
    start = utcnow() - timedelta(hours=6)
    item = make_consignment(
        session,
        doc_number="12/QĐ-UBBC",
        doc_title="Quyết định công bố danh sách cử tri",
        recipient_address="Bản Che Căn, xã Mường Phăng",
        **overrides,
    )
    # Recorded out of order on purpose: the timeline is ordered by event time.
    _scan(session, item, EventCode.EMI, "32185", start + timedelta(hours=5), receiver=RECIPIENT_SECRET)
    _scan(session, item, EventCode.EMA, "32100", start)
    _scan(session, item, EventCode.EDD, "32000", start + timedelta(hours=1))
    item.status = Status.DELIVERED
    item.delivered_at = start + timedelta(hours=5)
    session.commit()
    return item


def test_public_json_has_the_timeline_in_event_order(api, session):
    item = _delivered_item(session)
    response = api.get(f"/api/v1/track/{item.tracking.lower()}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["tracking"] == item.tracking
    assert body["status"] == "delivered"
    assert [e["event"] for e in body["events"]] == ["EMA", "EDD", "EMI"]
    assert body["events"][0]["at"].endswith("+07:00")
    assert body["status_text"] == "Đã phát"


def test_public_json_leaks_nothing_personal_or_documentary(api, session):
    item = _delivered_item(session, confidentiality=Confidentiality.SECRET)
    text = api.get(f"/api/v1/track/{item.tracking}").get_data(as_text=True)
    for secret in (
        RECIPIENT_SECRET,
        "Quyết định công bố",
        "12/QĐ-UBBC",
        "Bản Che Căn",
        "Mường Phăng",
        "gdv.",
    ):
        assert secret not in text


def test_public_page_leaks_nothing_either(client, session):
    item = _delivered_item(session, confidentiality=Confidentiality.TOP_SECRET)
    html = client.get(f"/track?ids={item.tracking}").get_data(as_text=True)
    assert "Đã phát" in html
    for secret in (RECIPIENT_SECRET, "Quyết định công bố", "12/QĐ-UBBC", "Bản Che Căn"):
        assert secret not in html


def test_unknown_number_is_404_naming_the_field(api):
    assert_problem(api.get("/api/v1/track/EB123456785VN"), 404, "tracking")


def test_mistyped_number_is_told_apart_from_an_unknown_one(api):
    body = assert_problem(api.get("/api/v1/track/EB123456789VN"), 422, "tracking")
    assert "gõ nhầm" in body["detail"]
    garbage = assert_problem(api.get("/api/v1/track/hello"), 422, "tracking")
    assert "gõ nhầm" not in garbage["detail"]


def test_page_with_several_numbers_explains_each(client, session):
    item = _delivered_item(session)
    ids = f"{item.tracking}, EB 123 456 789 VN\nEB000000005VN"
    html = client.get("/track", query_string={"ids": ids}).get_data(as_text=True)
    assert item.tracking[:2] + " " + item.tracking[2:5] in html  # grouped for people
    assert "Kiểm tra lại số" in html  # the typo
    assert "Không tìm thấy" in html  # the unknown one


def test_more_than_twenty_numbers_is_refused(client):
    ids = ",".join(["EB000000005VN"] * 21)
    assert client.get("/track", query_string={"ids": ids}).status_code == 422


def test_page_in_english(client, session):
    item = _delivered_item(session)
    html = client.get(f"/track?ids={item.tracking}&lang=en").get_data(as_text=True)
    assert "Delivered" in html
    assert "Track an item" in html


def test_markup_in_names_is_shown_as_text(client, session):
    from models import Office

    session.get(Office, "32100").name = '<script>alert("x")</script>'
    item = _delivered_item(session)
    html = client.get(f"/track?ids={item.tracking}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_public_tracking_is_rate_limited(app: Flask, session):
    item = _delivered_item(session)
    limited = build_app(app.config["DATABASE_URL"], RATELIMIT_TRACK="2 per minute")
    from app.db import get_database

    # Share the test's transaction so the item is visible.
    get_database(limited).sessionmaker = get_database(app).sessionmaker
    client = limited.test_client()
    statuses = [client.get(f"/api/v1/track/{item.tracking}").status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429


def test_fast_serialiser_matches_the_documented_schema(session):
    from app.tracking.schemas import PublicTrackingSchema, public_json
    from app.tracking.services import public_item

    item = _delivered_item(session)
    from app.alerts.services import open_alert
    from models import AlertKind

    open_alert(session, AlertKind.LATE, "quá hạn", consignment=item)
    public = public_item(session, item.tracking)
    assert public.flags == ["late"]
    assert public_json(public) == PublicTrackingSchema().dump(public)
