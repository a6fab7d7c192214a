"""The duty desk in a real browser: keyboard only, a phone-sized screen, the countdown running in the page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.inquiries.services import open_inquiry
from app.s10 import group
from models import Status, User
from models.base import utcnow
from models.duty import DutyShift
from tests.browser.fixtures import login
from tests.factories import make_consignment

PHONE = {"width": 390, "height": 844}


def test_a_clerk_adds_a_shift_with_the_keyboard_only(page, live_server):
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/duty?week=2098-06-02")  # a Monday; the form proposes 00:00-08:00 that day
    page.focus("#user")
    page.keyboard.press("Tab")  # to the kind of duty
    page.keyboard.press("End")  # its last choice: shift duty
    page.focus("#note")
    page.keyboard.type("0912 000 222")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash-success")
    with live_server.session() as s:
        made = s.scalars(select(DutyShift).where(DutyShift.note == "0912 000 222")).one()
        assert made.kind.value == "shift"
        assert made.ends_at - made.starts_at == timedelta(hours=8)
    assert "00:00–08:00" in page.inner_text("table.roster")
    # Removing it is a keyboard action too: focus the button, Enter, accept the confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.focus("button.remove")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash-success")
    with live_server.session() as s:
        assert s.scalars(select(DutyShift).where(DutyShift.note == "0912 000 222")).all() == []


def test_on_a_phone_the_roster_scrolls_inside_its_box_and_the_countdown_runs(page, live_server):
    with live_server.session() as s:
        item = make_consignment(s, status=Status.IN_TRANSIT, last_office_code="32100")
        board = s.scalars(select(User).where(User.username == "ubbc.tinh")).one()
        open_inquiry(s, board, item.tracking, "Đến đâu rồi?", now=utcnow() - timedelta(hours=3))
        tracking = item.tracking
        s.commit()
    page.set_viewport_size(PHONE)
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/duty")
    # The page itself never scrolls sideways; the week table scrolls in its own region.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(
        "document.querySelector('.scroll-x').scrollWidth > document.querySelector('.scroll-x').clientWidth"
    )
    page.goto(f"{live_server.url}/inquiries")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    countdown = page.locator(f"article:has-text('{group(tracking)}') .countdown")
    assert countdown.inner_text().startswith("quá hạn 1 giờ")  # flash: due 2 h after asking, 3 h ago
    assert "overdue" in countdown.get_attribute("class")
    # The script keeps the countdown up to date with its own clock, in the page's words.
    countdown.evaluate("element => { element.textContent = '' }")
    page.evaluate("document.dispatchEvent(new Event('duty:tick'))")
    assert countdown.inner_text().startswith("quá hạn 1 giờ")
