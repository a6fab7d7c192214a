"""The scan station when clerks share a PC: scans queued offline belong to the clerk who made them.

While the network is down, the clerk of 32100 signs out in another tab and the sorting centre's clerk
signs in. The old tab must neither send the queued scans under the new clerk's session (the server
would refuse them all, and they would be gone) nor drop them: it keeps them, says why, and sends them
when their clerk signs in again.
"""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from models import Consignment, ScanEvent
from tests.browser.fixtures import login, registered_items

OUTBOX = "JSON.parse(localStorage.getItem('hoatoc.scan-outbox.v1.gdv.32100') || '[]').length"


def _recorded(live_server, trackings):
    with live_server.session() as session:
        return session.scalar(
            select(func.count())
            .select_from(ScanEvent)
            .join(Consignment, ScanEvent.consignment_id == Consignment.id)
            .where(Consignment.tracking.in_(trackings))
        )


def _scan(page, code):
    page.keyboard.type(code, delay=0)
    page.keyboard.press("Enter")


def _cut_network(page):
    # The station's tab alone loses the server (the other tab must still sign in and out).
    page.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))


def _switch_user(other, live_server, user):
    other.locator("form[action$='/logout'] button").click()
    other.wait_for_url("**/login**")
    login(other, live_server, user)


def test_scans_queued_by_one_clerk_wait_while_another_is_signed_in(page, context, live_server):
    items = registered_items(live_server, 3)
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    expect(page.locator("#scan-input")).to_be_focused()
    _cut_network(page)
    for tracking in items:
        _scan(page, tracking)
    expect(page.locator("#queue-count")).to_have_text("3")

    other = context.new_page()
    other.goto(f"{live_server.url}/")
    _switch_user(other, live_server, "clerk2")

    page.unroute("**/api/v1/**")  # the network is back: the periodic retry looks at the outbox
    expect(page.locator("#net-state")).to_contain_text("gdv.32000", timeout=15_000)
    expect(page.locator("#net-state")).to_contain_text("gdv.32100")
    assert page.locator("#net-state").get_attribute("data-state") == "blocked"
    assert page.locator("#queue-count").text_content() == "3"
    assert page.evaluate(OUTBOX) == 3
    assert page.locator("#recent tr[data-result]").count() == 0
    assert _recorded(live_server, items) == 0

    _switch_user(other, live_server, "clerk")  # their clerk is back: the scans go out
    expect(page.locator("#queue-count")).to_have_text("0", timeout=15_000)
    expect(page.locator("#recent tr[data-result=recorded]")).to_have_count(3)
    assert page.evaluate(OUTBOX) == 0
    assert _recorded(live_server, items) == 3
