"""The election bodies' pages as a person uses them, in Vietnamese and English: board, dispatch matrix, tracking.

Screenshots of every page land in test-artifacts/ (see conftest).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.alerts.services import open_alert
from models import AlertKind, Body, Dispatch, Status
from models.base import utcnow
from tests.browser.fixtures import login
from tests.factories import make_consignment

TEXT = {
    "vi": {"alerts": "Cảnh báo đang mở", "stalled": "Không di chuyển", "delivered": "Đã phát", "late": "Quá hạn",
           "track": "Tra cứu bưu gửi", "typo": "gõ nhầm", "stage": "Đến bưu cục phát", "sent": "Đơn vị đã gửi"},
    "en": {"alerts": "Open alerts", "stalled": "Not moving", "delivered": "Delivered", "late": "Late",
           "track": "Track an item", "typo": "mistyped", "stage": "At the delivery office",
           "sent": "Sent by this body"},
}  # fmt: skip


@pytest.fixture(scope="module")
def dispatch(live_server):
    """A dispatch from the provincial commission to the 45 commune commissions: 30 delivered, one stalled."""
    now = utcnow()
    with live_server.session() as session:
        d = Dispatch(
            sender_code="UBBC-DIENBIEN", doc_number="81/CV-UBBC", doc_title="V/v gửi tài liệu bầu cử"
        )
        session.add(d)
        session.flush()
        communes = session.scalars(
            select(Body).where(Body.kind == "commune_commission").order_by(Body.code)
        ).all()
        items = []
        for position, body in enumerate(communes):
            item = make_consignment(
                session, recipient_code=body.code, recipient_name=body.name, dispatch_id=d.id,
                dispatch_position=position, registered_at=now - timedelta(hours=10),
                due_at=now - timedelta(hours=1) if position == 44 else now + timedelta(hours=3),
            )  # fmt: skip
            if position < 30:
                item.status, item.delivered_at = Status.DELIVERED, now - timedelta(hours=2)
                item.delivered_to = f"Văn thư {position}"
            items.append(item)
        session.flush()
        open_alert(session, AlertKind.STALLED, "Không có lần quét nào trong 6 giờ", consignment=items[44])
        session.commit()
        return d.id, [i.tracking for i in items], [i.recipient_name for i in items]


def _set_language(page, lang):
    if lang == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_board_at_a_glance(page, live_server, dispatch, lang):
    _dispatch_id, trackings, _names = dispatch
    login(page, live_server, "board")
    _set_language(page, lang)
    page.goto(f"{live_server.url}/board")
    words = TEXT[lang]
    assert page.get_by_role("heading", name=words["alerts"]).is_visible()
    assert page.locator("#board-live").get_by_text(words["stalled"]).first.is_visible()
    sent = page.locator("section.card", has=page.get_by_role("heading", name=words["sent"], exact=True))
    assert sent.locator("svg.chart").count() == 1  # what it sent, drawn by status
    assert "30/45" in page.locator("#board-live").inner_text()
    # Search by a tracking number typed with spaces, as it is printed.
    wanted = trackings[7]
    page.fill("#q", f"{wanted[:2]} {wanted[2:5]} {wanted[5:8]} {wanted[8:11]} {wanted[11:]}")
    page.press("#q", "Enter")
    page.wait_for_load_state()
    assert page.locator("table.consignments td.tracking").count() == 1


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dispatch_matrix_and_exports(page, live_server, dispatch, lang):
    dispatch_id, _trackings, names = dispatch
    login(page, live_server, "board")
    _set_language(page, lang)
    page.goto(f"{live_server.url}/board/dispatches/{dispatch_id}")
    rows = page.locator("table.matrix tbody tr")
    assert rows.count() == 45
    body = page.locator("table.matrix").inner_text()
    assert all(name in body for name in names)
    assert page.locator("table.matrix tr.late").count() == 1
    assert TEXT[lang]["delivered"] in body
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename == f"dispatch-{dispatch_id}.xlsx"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_public_tracking_without_signing_in(page, live_server, dispatch, lang):
    _dispatch_id, trackings, _names = dispatch
    page.goto(f"{live_server.url}/track" + ("?lang=en" if lang == "en" else ""))
    words = TEXT[lang]
    assert page.get_by_role("heading", name=words["track"]).is_visible()
    page.fill("#ids", f"{trackings[0].lower()}\nEB123456789VN")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the submit button, reached from the keyboard
    results = page.locator("section.track-result")
    assert results.count() == 2
    assert words["delivered"] in results.nth(0).inner_text()
    assert words["typo"] in results.nth(1).inner_text()
    assert page.locator(".stage.done").count() >= 1
    # Nothing personal: the receiver's name is not on the public page.
    assert "Văn thư 0" not in page.content()


def test_the_minute_refresh_keeps_keyboard_focus_where_it_was(page, live_server, dispatch):
    page.clock.install()
    login(page, live_server, "board")
    page.goto(f"{live_server.url}/board")
    link = "#board-live a[href*='/board/dispatches/']"
    href = page.locator(link).first.get_attribute("href")
    page.locator(link).first.focus()  # as after Tab reaches the dispatch's link
    page.evaluate("document.getElementById('board-live').firstElementChild.dataset.before = '1'")
    with page.expect_response(
        lambda r: r.url.endswith("/board") and r.request.headers.get("x-partial") == "1"
    ):
        page.clock.run_for(61_000)  # the board asks for its live part every minute
    page.wait_for_function("!document.querySelector('#board-live [data-before]')")  # replaced
    assert page.evaluate("document.activeElement.closest('#board-live') !== null")
    assert page.evaluate("document.activeElement.getAttribute('href')") == href


def test_the_board_and_the_matrix_fit_a_phone(page, live_server, dispatch):
    """Wide tables scroll inside their own box; the page never scrolls sideways."""
    dispatch_id, _trackings, _names = dispatch
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "board")
    for path in ("/board", f"/board/dispatches/{dispatch_id}"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
