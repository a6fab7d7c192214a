"""The label station in a real browser: a print counts at once, and a reprint always asks for its reason.

Uses the live server and Chromium of conftest.py (a missing Chromium is a skip there, which CI turns into
a failure).
"""

from __future__ import annotations

from sqlalchemy import select

from app.printing import services
from models import User
from tests.browser.fixtures import login
from tests.factories import make_consignment
from tests.support import USERS


def _registered(live_server) -> str:
    with live_server.session() as session:
        tracking = make_consignment(session).tracking
        session.commit()
    return tracking


def _printed_elsewhere(live_server, tracking: str) -> None:
    """Another station (or tab) prints the label meanwhile."""
    with live_server.session() as session:
        printer = session.scalar(select(User).where(User.username == USERS["printer"]))
        consignment = services.consignments_to_print(session, printer, [tracking])
        services.record_prints(
            session, printer, consignment, services.PrintOptions(), None, require_reason=True
        )
        session.commit()


def _print(page, button: str = "PDF, khổ A6"):
    with page.expect_download() as download:
        page.get_by_role("button", name=button).click()
    return download.value


def test_a_print_counts_at_once_so_the_next_asks_for_a_reason(page, live_server):
    tracking = _registered(live_server)
    login(page, live_server, "printer")
    page.goto(f"{live_server.url}/labels?q={tracking}")
    printed = page.locator(f'tr[data-tracking="{tracking}"] td.printed')
    assert printed.inner_text() == "chưa"

    assert _print(page).suggested_filename.endswith(".pdf")
    assert printed.inner_text() == "1 lần"

    page.get_by_role("button", name="ZPL máy in nhiệt 203 dpi").click()  # no reason given: nothing is sent
    assert page.evaluate("document.activeElement.id") == "reason"
    assert printed.inner_text() == "1 lần"

    page.fill("#reason", "nhãn bị rách")
    _print(page, "ZPL máy in nhiệt 203 dpi")
    assert printed.inner_text() == "2 lần"
    assert page.input_value("#reason") == ""  # the next reprint gives its own reason


def test_a_reprint_refused_by_the_service_says_why_in_words(page, live_server):
    tracking = _registered(live_server)
    login(page, live_server, "printer")
    page.goto(f"{live_server.url}/labels?q={tracking}")
    _printed_elsewhere(live_server, tracking)  # the page still says "not yet printed"

    page.get_by_role("button", name="PDF, khổ A6").click()
    status = page.locator("#print-status")
    status.wait_for(state="visible")
    page.wait_for_function("document.getElementById('print-status').textContent.includes('—')")
    text = status.inner_text()
    assert "reason" not in text  # no raw field name
    assert "Về trang chủ" not in text  # no text scraped from an error page
    assert "in lại" in text.lower()
    assert page.evaluate("document.activeElement.id") == "reason"


def test_the_station_fits_a_phone(page, live_server):
    tracking = _registered(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "printer")
    page.goto(f"{live_server.url}/labels?q={tracking}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
