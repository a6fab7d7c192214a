"""The /duty and /inquiries pages: Vietnamese first, English on request, forms that work with CSRF."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.alerts.services import open_alert
from app.duty.week import local_midnight, monday_of
from models import AlertKind, Status
from models.base import utcnow
from models.duty import DutyKind, DutyShift
from models.inquiries import Inquiry
from tests.duty.support import VN, clerk, local, shift, user
from tests.factories import make_consignment
from tests.support import login

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=", re.I)


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    assert not INLINE.search(html), "inline script or style (the CSP forbids them)"
    return html


def _has(html: str, *texts: str) -> None:
    missing = [t for t in texts if t not in html]
    assert not missing, f"not on the page: {missing}"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_pages_need_a_signed_in_user(client):
    assert client.get("/duty").status_code == 302
    assert client.get("/inquiries").status_code == 302


def test_the_week_roster_in_vietnamese_and_english(client, session):
    monday = monday_of(utcnow().astimezone(VN).date())
    night = clerk(session, "gdv.32100.dem", "32100")
    shift(session, "32100", night, DutyKind.SHIFT, local_midnight(monday) + timedelta(hours=20), 12)
    login(client, "clerk")
    html = _page(client, f"/duty?week={monday.isoformat()}")
    _has(html, "Lịch trực", "Trực ca", "Trực lãnh đạo")
    # The night shift shows on both days it spans, and the hours nobody covers are marked.
    assert html.count("gdv.32100.dem") >= 2
    _has(html, "20:00–24:00", "00:00–08:00")
    _has(html, 'class="gap"', "Chưa có người trực")
    _has(html, 'href="/static/duty.css"', 'src="/static/duty.js"')
    english = _page(client, f"/duty?week={monday.isoformat()}&lang=en")
    _has(english, "Duty roster", "Shift duty", "Nobody")


def test_adding_and_removing_a_shift_through_the_form(client, session):
    login(client, "clerk")
    html = _page(client, "/duty?week=2099-03-09")
    response = client.post(
        "/duty/shifts",
        data={
            "csrf_token": _csrf(html),
            "office": "32100",
            "week": "2099-03-09",
            "user": "gdv.32100",
            "kind": "shift",
            "starts_at": "2099-03-10T07:00",
            "ends_at": "2099-03-10T15:00",
            "note": "0912 000 111",
        },
    )
    assert response.status_code == 302
    made = session.scalars(select(DutyShift).where(DutyShift.note == "0912 000 111")).one()
    assert made.starts_at == local("2099-03-10 07:00")
    page = _page(client, "/duty?week=2099-03-09")
    _has(page, "0912 000 111", "07:00–15:00")
    removed = client.post(
        f"/duty/shifts/{made.id}/delete", data={"csrf_token": _csrf(page), "week": "2099-03-09"}
    )
    assert removed.status_code == 302
    session.expire_all()
    assert session.get(DutyShift, made.id) is None


def test_a_refused_shift_keeps_the_form_and_says_why(client, session):
    login(client, "clerk")
    html = _page(client, "/duty")
    response = client.post(
        "/duty/shifts",
        data={
            "csrf_token": _csrf(html),
            "office": "32100",
            "user": "gdv.32100",
            "kind": "shift",
            "starts_at": "2099-03-10T15:00",
            "ends_at": "2099-03-10T07:00",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "2099-03-10T15:00" in page  # what was typed is still there
    assert "Phải sau" in page or "kết thúc sau" in page
    assert session.scalars(select(DutyShift)).all() == []
    # Without the CSRF token nothing happens.
    assert client.post("/duty/shifts", data={"office": "32100"}).status_code == 400


def test_copy_last_week_duplicates_shifts_seven_days_later_once(client, session):
    who = user(session, "gdv.32100")
    first = shift(session, "32100", who, DutyKind.SHIFT, local("2099-03-02 07:00"), 8)
    shift(
        session, "32100", who, DutyKind.OPERATIONS, local("2099-03-08 22:00"), 10
    )  # Sunday night into Monday
    shift(session, "32100", who, DutyKind.SHIFT, local("2099-03-09 07:00"), 8)  # already in the target week
    login(client, "clerk")
    html = _page(client, "/duty?week=2099-03-10")
    response = client.post(
        "/duty/copy-week", data={"csrf_token": _csrf(html), "office": "32100", "week": "2099-03-09"}
    )
    assert response.status_code == 302
    starts = sorted(
        s.starts_at
        for s in session.scalars(select(DutyShift).where(DutyShift.starts_at >= local("2099-03-09 00:00")))
    )
    assert starts == [local("2099-03-09 07:00"), local("2099-03-15 22:00")]
    notice = _page(client, "/duty?week=2099-03-09")
    assert "Đã sao chép 1 ca từ tuần trước, bỏ qua 1 ca." in notice
    # Copying again changes nothing.
    client.post(
        "/duty/copy-week", data={"csrf_token": _csrf(notice), "office": "32100", "week": "2099-03-09"}
    )
    assert (
        len(session.scalars(select(DutyShift).where(DutyShift.starts_at >= local("2099-03-09 00:00"))).all())
        == 2
    )
    assert first.starts_at + timedelta(days=7) == local("2099-03-09 07:00")


def test_the_person_on_duty_sees_the_alerts_of_their_office(client, session):
    now = utcnow()
    shift(session, "32000", user(session, "gdv.32000"), DutyKind.OPERATIONS, now - timedelta(hours=1), 8)
    shift(session, "32100", user(session, "gdv.32100"), DutyKind.SHIFT, now - timedelta(hours=1), 8)
    item = make_consignment(session, status=Status.IN_TRANSIT, last_office_code="32000")
    open_alert(session, AlertKind.STALLED, "Bưu gửi đứng yên 6 giờ", consignment=item)
    open_alert(
        session, AlertKind.DUTY_GAP, "Thiếu trực ca tại 32105", office_code="32105", cause_key="32105:shift:x"
    )
    elsewhere = make_consignment(
        session, status=Status.IN_TRANSIT, last_office_code="32100", destination_code="32100"
    )
    open_alert(session, AlertKind.LATE, "Trễ ở nơi khác", consignment=elsewhere)
    session.commit()
    login(client, "clerk2")
    html = _page(client, "/duty")
    assert "Bưu gửi đứng yên 6 giờ" in html
    assert "Thiếu trực ca tại 32105" in html  # 32105 has nobody: the centre's operations answers for it
    assert "Trễ ở nơi khác" not in html


def test_who_is_on_duty_now_search(client, session):
    shift(session, "32000", user(session, "gdv.32000"), DutyKind.LEADERSHIP, utcnow() - timedelta(hours=1), 4)
    login(client, "clerk")
    html = _page(client, "/duty?q=M%C6%B0%E1%BB%9Dng%20Ph%C4%83ng")
    assert "Mường Phăng" in html
    assert "gdv.32000" in html  # reached through the sorting centre


def test_inquiries_page_ask_and_answer_in_vietnamese(client, session):
    item = make_consignment(session, status=Status.IN_TRANSIT, last_office_code="32100")
    session.commit()
    login(client, "board")
    html = _page(client, "/inquiries")
    assert "Hỏi về một bưu gửi" in html
    response = client.post(
        "/inquiries",
        data={"csrf_token": _csrf(html), "tracking": item.tracking.lower(), "question": "Đến đâu rồi?"},
    )
    assert response.status_code == 302
    listed = _page(client, "/inquiries")
    _has(listed, "Đến đâu rồi?", "Chờ trả lời")
    _has(listed, 'data-countdown="', 'role="timer">còn ')
    client.post("/logout", data={"csrf_token": _csrf(listed)})

    login(client, "clerk")
    clerk_view = _page(client, "/inquiries")
    inquiry = session.scalars(select(Inquiry)).one()
    assert f"/inquiries/{inquiry.id}/answer" in clerk_view
    answered = client.post(
        f"/inquiries/{inquiry.id}/answer",
        data={"csrf_token": _csrf(clerk_view), "answer": "Đang ở bưu cục 32100."},
    )
    assert answered.status_code == 302
    session.expire_all()
    assert session.get(Inquiry, inquiry.id).answer == "Đang ở bưu cục 32100."
    english = _page(client, "/inquiries?lang=en")
    _has(english, "Answered by", "Đang ở bưu cục 32100.")


def test_a_refused_question_is_kept_on_the_page(client, session):
    login(client, "board")
    html = _page(client, "/inquiries")
    response = client.post(
        "/inquiries",
        data={"csrf_token": _csrf(html), "tracking": "EB123456789VN", "question": "Câu hỏi dài của tôi"},
    )
    assert response.status_code == 422
    assert "Câu hỏi dài của tôi" in response.get_data(as_text=True)
    assert session.scalars(select(Inquiry)).all() == []


def test_the_menu_offers_inquiries(client):
    login(client, "board")
    html = _page(client, "/")
    assert 'href="/inquiries"' in html


def test_countdown_words(app):
    from app.inquiries.pages import countdown_text

    due = local("2026-03-10 12:00")
    with app.test_request_context("/?lang=vi"):
        assert countdown_text(due, due - timedelta(minutes=90)) == "còn 1 giờ 30 phút"
        assert countdown_text(due, due + timedelta(minutes=5)) == "quá hạn 5 phút"
    with app.test_request_context("/?lang=en"):
        assert countdown_text(due, due - timedelta(hours=2, minutes=5)) == "2 h 05 min left"
        assert countdown_text(due, due) == "overdue by 0 min"


def test_odd_page_parameters_fall_back_instead_of_failing(client, session):
    login(client, "admin")
    for query in ("week=0001-01-01", "week=9999-12-31", "week=soon", "q=%25%25%25"):
        _page(client, f"/duty?{query}")
    assert client.get("/duty?office=nope").status_code == 404
    _page(client, "/inquiries?page=99999999999999999999&state=lost")
    html = _page(client, "/duty")
    response = client.post(
        "/duty/shifts",
        data={
            "csrf_token": _csrf(html),
            "office": "32100",
            "user": "gdv.32100",
            "kind": "shift",
            "starts_at": "0001-01-01T00:00",
            "ends_at": "0001-01-01T05:00",
        },
    )
    assert response.status_code == 422
    assert session.scalars(select(DutyShift)).all() == []


@pytest.mark.parametrize(
    ("user", "shown", "hidden"),
    [
        ("admin", ["/standards", "/webhooks", "/admin/", "/scan", "/labels"], []),
        ("board", ["/board", "/inquiries"], ["/standards", "/webhooks", "/scan", "/labels"]),
        ("clerk", ["/scan", "/duty"], ["/standards", "/webhooks", "/board", "/labels"]),
        ("printer", ["/labels"], ["/standards", "/webhooks", "/scan", "/alerts"]),
    ],
)
def test_the_menu_offers_each_role_its_pages_only(client, user, shown, hidden):
    login(client, user)
    html = _page(client, "/")
    for path in shown:
        assert f'href="{path}"' in html, path
        assert client.get(path).status_code == 200, path
    for path in hidden:
        assert f'href="{path}"' not in html, path
