"""The alerts page in Chromium: keyboard only, a phone's width, and the list refreshing by itself."""

from __future__ import annotations

from datetime import timedelta

from app.alerts.services import open_alert
from models import AlertKind, AlertState
from models.alerts import Alert
from models.base import utcnow
from tests.browser.fixtures import login
from tests.factories import make_consignment


def _alert(live_server, detail: str) -> int:
    with live_server.session() as session:
        item = make_consignment(session, due_at=utcnow() - timedelta(hours=1))
        alert = open_alert(session, AlertKind.STALLED, detail, consignment=item, office_code="32100")
        session.commit()
        return alert.id


def test_acknowledge_with_the_keyboard_only(page, live_server):
    alert_id = _alert(live_server, "Không có lần quét nào trong 6 giờ (bàn phím)")
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/alerts")
    note = page.locator(f"#note-{alert_id}")
    note.focus()
    page.keyboard.type("Đã gọi bưu cục xã")
    page.keyboard.press("Tab")  # to the Acknowledge button
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Đã tiếp nhận cảnh báo" in page.content()
    with live_server.session() as session:
        alert = session.get(Alert, alert_id)
        assert alert.state == AlertState.ACKNOWLEDGED
        assert alert.acknowledge_note == "Đã gọi bưu cục xã"


def test_on_a_phone_nothing_overflows_sideways(page, live_server):
    _alert(live_server, "Không có lần quét nào trong 6 giờ (điện thoại)")
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server, "board")
    page.goto(f"{live_server.url}/alerts")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_list_refreshes_by_itself(page, live_server):
    page.clock.install()
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/alerts")
    newcomer = "Cảnh báo mới xuất hiện khi trang tự cập nhật"
    assert newcomer not in page.content()
    _alert(live_server, newcomer)
    page.clock.run_for(31_000)  # the page asks for the list every 30 seconds
    page.get_by_text(newcomer).wait_for()


def test_the_refresh_waits_while_a_link_in_the_list_has_focus(page, live_server):
    with live_server.session() as session:
        for _ in range(101):  # one more than a page: the list ends with a link to the next page
            item = make_consignment(session, due_at=utcnow() - timedelta(hours=1))
            open_alert(
                session, AlertKind.STALLED, "đứng yên (trang sau)", consignment=item, office_code="32100"
            )
        session.commit()
    try:
        _refresh_waits_for_focus_to_leave(page, live_server)
    finally:  # the server is shared: leave no hundred open alerts to the tests after this one
        with live_server.session() as session:
            for alert in session.query(Alert).filter_by(detail="đứng yên (trang sau)"):
                alert.state = AlertState.RESOLVED
                alert.resolved_at = utcnow()
            session.commit()


def _refresh_waits_for_focus_to_leave(page, live_server) -> None:
    partials: list[str] = []
    page.on("request", lambda r: partials.append(r.url) if r.headers.get("x-partial") == "1" else None)
    page.clock.install()
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/alerts")
    page.locator("#alert-list nav a").last.focus()  # as after Tab reaches "Next"
    page.clock.run_for(31_000)  # a tick while the link has focus: nothing is replaced
    assert page.evaluate("document.activeElement.closest('#alert-list nav') !== null")
    page.evaluate("document.activeElement.blur()")
    with page.expect_response(lambda r: r.request.headers.get("x-partial") == "1"):
        page.clock.run_for(30_000)  # focus has left the list: the next tick refreshes it
    assert len(partials) == 1  # only the tick after focus left asked for the list
