"""The registration form in a real browser: keyboard only, on a phone, and without console errors.

Uses the live server and Chromium of conftest.py (a missing Chromium is a skip there, which CI turns into
a failure). The live server's database is shared by the session: numbers are only counted.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.fixtures import login

GROUPED = re.compile(r"[A-Z]{2} \d{3} \d{3} \d{3} [A-Z]{2}")


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_keyboard_only_dispatch_to_every_commune_commission(page, live_server, console_errors):
    login(page, live_server, "board")
    page.goto(f"{live_server.url}/consignments/new")
    page.focus("#document_number")
    page.keyboard.type("80/CV-UBBC")
    page.focus("#document_title")
    page.keyboard.type("V/v chuẩn bị bầu cử")

    page.focus("#recipient-filter")
    page.keyboard.type("muong phang")  # typed without diacritics
    assert page.locator("#recipient-lists li:visible").count() == 1
    assert "Mường Phăng" in page.locator("#recipient-lists li:visible").inner_text()
    page.keyboard.press("Enter")  # must not send the half-filled form
    assert page.url.endswith("/consignments/new")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    assert page.locator("#recipient-lists li:visible").count() == 45  # every body but the sender itself

    page.keyboard.press("Tab")  # the first tool button: every commune commission
    assert page.evaluate("document.activeElement.dataset.selectKind") == "commune_commission"
    page.keyboard.press("Enter")
    assert "45" in page.locator("#selected-count").inner_text()

    page.focus("#document_number")
    page.keyboard.press("Enter")  # implicit submission
    page.wait_for_url(re.compile(r"/dispatches/\d+$"))
    body = page.locator("main").inner_text()
    assert len(set(GROUPED.findall(body))) == 45
    assert console_errors == []


def test_form_fits_a_phone_and_lists_scroll_inside(page, live_server, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "clerk")
    for path in ("/consignments/new", "/consignments", "/consignments/import"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    assert console_errors == []
