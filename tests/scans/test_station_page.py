"""The /scan page: who sees it, its language, and the session-cookie API calls it makes."""

from __future__ import annotations

import json
import re

from tests.scans.helpers import ago, consignment, event_count, scan
from tests.support import login


def _config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="scan-config">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_the_station_is_vietnamese_and_carries_its_configuration(client, session):
    login(client, "clerk")
    response = client.get("/scan")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Trạm quét" in html
    assert 'name="csrf-token"' in html
    assert "<script>" not in html  # CSP: no inline scripts...
    assert "style=" not in html  # ...nor inline styles
    config = _config(html)
    assert config["office"] == "32100"
    assert config["admin"] is False
    assert [e["code"] for e in config["events"][:9]] == [
        "EMA",
        "EDD",
        "EDE",
        "EMG",
        "EDG",
        "EMH",
        "EMI",
        "EDF",
        "EDH",
    ]
    assert [e["key"] for e in config["events"][:9]] == [f"F{n}" for n in range(1, 10)]
    assert config["events"][6]["needs"] == ["receiver"]
    assert config["events"][5]["needs"] == ["reason", "action"]  # the order the fields are shown in
    assert config["strings"]["recorded"] == "Đã ghi nhận"
    english = client.get("/scan?lang=en").get_data(as_text=True)
    assert "Scan station" in english
    assert _config(english)["strings"]["recorded"] == "Recorded"


def test_admins_choose_their_office(client, session):
    login(client, "admin")
    html = client.get("/scan").get_data(as_text=True)
    assert 'id="office-select"' in html
    assert _config(html)["admin"] is True


def test_boards_and_printers_do_not_get_the_station(app):
    for user in ("board", "printer"):
        client = app.test_client()
        login(client, user)
        assert client.get("/scan").status_code == 403


def test_signed_out_users_are_sent_to_sign_in(client, session):
    response = client.get("/scan")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_page_records_with_its_session_and_csrf_header(client, session):
    item = consignment(session)
    login(client, "clerk")
    html = client.get("/scan").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    body = {"scans": [scan(item.tracking, "EMA", ago(10))]}
    refused = client.post("/api/v1/scans", json=body)
    assert refused.status_code == 400  # a cookie without the CSRF header could be a forged request
    assert event_count(session, item) == 0
    accepted = client.post("/api/v1/scans", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200
    assert accepted.get_json()["results"][0]["result"] == "recorded"
    assert event_count(session, item) == 1


def test_static_files_are_served(client):
    for name in ("scan.js", "scan-core.js", "scan-queue.js", "scan-bags.js", "scan-upload.js", "scan.css"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        response.close()
