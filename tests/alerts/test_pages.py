"""The alerts, standards and webhooks pages: Vietnamese first, English on request, forms with CSRF,
keyboard-reachable controls, no inline scripts or styles, and the right people only."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.alerts.sweep import sweep
from models import Alert, AlertState, AuditEntry
from models.webhooks import Webhook
from tests.alerts.helpers import T0, accepted
from tests.support import csrf_token, login

H = timedelta(hours=1)


def _no_inline_code(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def _late_alert(session) -> Alert:
    item = accepted(session)
    sweep(session, T0 + 5 * H)
    session.commit()
    return session.scalar(select(Alert).where(Alert.consignment_id == item.id))


def test_alerts_page_in_vietnamese_then_english(session, client):
    alert = _late_alert(session)
    login(client, "clerk")
    html = client.get("/alerts").get_data(as_text=True)
    assert "Cảnh báo" in html
    assert "Chưa phát được trước hạn" in html
    assert "alerts.js" in html
    assert f'action="/alerts/{alert.id}/acknowledge"' in html
    assert 'name="csrf_token"' in html
    _no_inline_code(html)
    english = client.get("/alerts?lang=en").get_data(as_text=True)
    assert "Not delivered by its deadline" in english


def test_the_refresh_fetches_only_the_list(session, client):
    _late_alert(session)
    login(client, "board")
    fragment = client.get("/alerts", headers={"X-Partial": "1"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert "Chưa phát được trước hạn" in fragment


def test_acknowledging_from_the_page(session, client):
    alert = _late_alert(session)
    login(client, "board")
    token = csrf_token(client, "/alerts")
    response = client.post(
        f"/alerts/{alert.id}/acknowledge",
        data={"csrf_token": token, "note": "Đã gọi bưu cục xã", "state": "all"},
    )
    assert response.status_code == 302
    assert "state=all" in response.headers["Location"]
    session.expire_all()
    alert = session.get(Alert, alert.id)
    assert alert.state == AlertState.ACKNOWLEDGED
    assert alert.acknowledge_note == "Đã gọi bưu cục xã"
    page = client.get("/alerts?state=all").get_data(as_text=True)
    assert "Đã gọi bưu cục xã" in page


def test_acknowledging_without_the_csrf_token_is_refused(session, client):
    alert = _late_alert(session)
    login(client, "board")
    assert client.post(f"/alerts/{alert.id}/acknowledge", data={"note": "x"}).status_code == 400
    session.expire_all()
    assert session.get(Alert, alert.id).state == AlertState.OPEN


def test_filters_and_who_may_see_the_page(session, client):
    _late_alert(session)
    login(client, "admin")
    assert "Chưa phát được trước hạn" not in client.get("/alerts?kind=stalled").get_data(as_text=True)
    assert "Chưa phát được trước hạn" in client.get("/alerts?kind=late&state=open").get_data(as_text=True)
    assert client.get("/alerts?state=bogus&page=-3").status_code == 200


def test_standards_page_for_admins(session, client):
    login(client, "admin")
    html = client.get("/standards").get_data(as_text=True)
    assert "Chỉ tiêu thời gian" in html
    _no_inline_code(html)
    token = csrf_token(client, "/standards")
    form = {"csrf_token": token, "section": "scan_gaps"}
    for urgency, (stall, loss) in {
        "flash": (5, 20),
        "very_urgent": (8, 36),
        "urgent": (12, 48),
        "normal": (24, 96),
    }.items():
        form[f"stall-{urgency}"], form[f"loss-{urgency}"] = str(stall), str(loss)
    assert client.post("/standards", data=form).status_code == 302
    assert 'name="stall-flash" value="5"' in client.get("/standards").get_data(as_text=True)
    bad = dict(form, **{"loss-flash": "3"})
    response = client.post("/standards", data=bad)
    assert response.status_code == 422
    assert "Phải dài hơn ngưỡng đứng yên" in response.get_data(as_text=True)
    calendar = {
        "csrf_token": token,
        "section": "calendar",
        "holidays": "2026-09-02 Quốc khánh\nnot a date",
        "election_periods": "2026-03-01 2026-03-22 Bầu cử 2026",
    }
    response = client.post("/standards", data=calendar)
    assert response.status_code == 422
    assert "Dòng 2" in response.get_data(as_text=True)


def test_webhooks_page_adds_lists_and_removes(session, client):
    login(client, "admin")
    html = client.get("/webhooks").get_data(as_text=True)
    _no_inline_code(html)
    token = csrf_token(client, "/webhooks")
    bad = client.post(
        "/webhooks",
        data={"csrf_token": token, "url": "ftp://x", "events": ["alert.opened"], "secret": "s" * 20},
    )
    assert bad.status_code == 422
    assert "Chỉ chấp nhận URL http và https" in bad.get_data(as_text=True)
    good = client.post(
        "/webhooks",
        data={
            "csrf_token": token,
            "url": "https://hooks.example.vn/a",
            "events": ["alert.opened"],
            "secret": "s" * 20,
        },
    )
    assert good.status_code == 302
    page = client.get("/webhooks").get_data(as_text=True)
    assert "https://hooks.example.vn/a" in page
    assert "s" * 20 not in page
    hook = session.scalar(select(Webhook).where(Webhook.url == "https://hooks.example.vn/a"))
    assert client.post(f"/webhooks/{hook.id}/delete", data={"csrf_token": token}).status_code == 302
    session.expire_all()
    assert session.get(Webhook, hook.id).active is False
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "webhook")).all()
    assert sorted(actions) == ["webhook.create", "webhook.delete"]


# Without the ``session`` fixture: each request then gets its own app context (and its own ``g``), as in
# production, so that several signed-in clients can be compared in one test.
def test_who_may_open_each_page(app):
    expected = {
        "/alerts": {"admin": 200, "board": 200, "clerk": 200, "printer": 403},
        "/standards": {"admin": 200, "board": 403, "clerk": 403, "printer": 403},
        "/webhooks": {"admin": 200, "board": 403, "clerk": 403, "printer": 403},
    }
    for user in ("admin", "board", "clerk", "printer"):
        browser = app.test_client()
        login(browser, user)
        for path, statuses in expected.items():
            assert browser.get(path).status_code == statuses[user], (path, user)
    anonymous = app.test_client()
    for path in expected:
        assert anonymous.get(path).status_code == 302


def test_the_filters_say_open_and_inquiry_in_the_projects_words(session, client):
    login(client, "clerk")
    html = client.get("/alerts").get_data(as_text=True)
    assert re.search(r'<option value="open"\s*>Đang mở', html)
    assert '<option value="inquiry_overdue" >Yêu cầu tra cứu quá hạn trả lời</option>' in html
    assert "Chưa trả lời" not in html  # that is an inquiry waiting for its answer, not an open alert
    assert "Khiếu nại" not in html  # a complaint is not what an inquiry is
    inquiries = client.get("/inquiries").get_data(as_text=True)
    assert "Chưa trả lời" in inquiries  # an open inquiry is still an unanswered one there


def test_an_alert_a_body_acknowledged_can_still_be_taken_on_by_the_post_office(session, client, api):
    alert = _late_alert(session)
    assert api.as_("board2").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}).status_code == 200
    login(client, "clerk")
    html = client.get("/alerts?state=acknowledged").get_data(as_text=True)
    assert "ubbc.muongphang" in html
    assert f'action="/alerts/{alert.id}/acknowledge"' in html
