"""The scan station's bag mode and file upload in Chromium, by keyboard and scanner only."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect
from sqlalchemy import func, select

from models import Alert, AlertState, Consignment, ScanEvent
from models.bags import Bag, BagState
from tests.browser.fixtures import ARTIFACTS, login, registered_items
from tests.scans.helpers import VN, accepted, ago


def _accepted_items(live_server, count):
    """Items taken in at the counter: only those travel in a bag."""
    with live_server.session() as session:
        return [accepted(session).tracking for _ in range(count)]


def _scan(page, code):
    page.keyboard.type(code, delay=0)
    page.keyboard.press("Enter")


def test_fill_seal_then_open_one_short(browser, page, live_server):
    items = _accepted_items(live_server, 3)
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    page.click("button.mode[data-mode=bag]")
    expect(page.locator("#scan-input")).to_be_focused()
    page.select_option("#bag-destination", "32000")
    page.click("#bag-new")
    expect(page.locator("#bag-current")).to_be_visible()
    code = page.locator("#bag-code").text_content().replace(" ", "")
    [not_taken_in] = registered_items(live_server, 1)  # registered, never accepted at the counter
    _scan(page, not_taken_in)
    expect(page.locator("#last-result")).to_contain_text("Chưa nhận gửi")
    expect(page.locator("#bag-items tr")).to_have_count(0)
    for added, tracking in enumerate(items, start=1):
        _scan(page, tracking)
        # Wait for this item's row: every tracking starts with "EB", so the last result alone proves nothing.
        expect(page.locator("#bag-items tr")).to_have_count(added)
    page.click("#bag-seal")
    expect(page.locator("#bag-label-pdf")).to_be_visible()
    # At its origin a sealed bag is not checked or opened: no "record the opening" that would be refused.
    expect(page.locator("#bag-open")).to_be_hidden()
    _scan(page, items[0])
    expect(page.locator("#last-result")).to_contain_text("chỉ bưu cục nhận, 32000")
    assert (
        page.locator("#bag-label-pdf").get_attribute("href").endswith(f"/api/v1/bags/{code}/label?format=pdf")
    )

    # At the sorting centre: scan the bag, then what comes out of it, then record the opening.
    other = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    try:
        far = other.new_page()
        login(far, live_server, "clerk2")
        far.goto(f"{live_server.url}/scan")
        expect(far.locator("#scan-input")).to_be_focused()  # the station is ready for keys
        far.keyboard.press("F2")  # EDD: the bag arrives; one scan stands for what the manifest lists
        _scan(far, code)
        expect(far.locator("#last-result")).to_contain_text("Đã ghi nhận · 3 bưu gửi trong túi")
        far.click("button.mode[data-mode=bag]")
        _scan(far, code)
        expect(far.locator("#bag-open")).to_be_visible()
        for tracking in items[:2]:
            _scan(far, tracking)
        expect(far.locator("#bag-count")).to_contain_text("2/3")
        far.click("#bag-open")
        expect(far.locator("#last-result")).to_have_attribute("data-tone", "bad")  # one is missing
        expect(far.locator("#bag-verification")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        far.screenshot(path=str(ARTIFACTS / "bag_opened_far_side.png"), full_page=True)
    finally:
        other.close()

    with live_server.session() as session:
        bag = session.get(Bag, int(code[2:11]))
        assert bag.state == BagState.OPENED
        missing = session.scalars(
            select(Consignment.tracking)
            .join(Alert, Alert.consignment_id == Consignment.id)
            .where(
                Alert.kind == "missing_from_bag", Alert.state != AlertState.RESOLVED, Alert.cause_key == code
            )
        ).all()
        assert missing == [items[2]]


def test_a_handheld_file_is_sent_in_parts(page, live_server, tmp_path):
    items = registered_items(live_server, 3)
    at = ago(30).astimezone(VN).strftime("%Y-%m-%dT%H:%M:%S")
    rows = [f"{uuid.uuid4()},{t},EMA,32100,{at},,," for t in items] + [
        f"{uuid.uuid4()},EB000000005VN,EMA,,,,,"
    ]
    export = tmp_path / "handheld.csv"
    export.write_text("id,tracking,event,office,at,reason,action,receiver\n" + "\n".join(rows) + "\n")
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    page.click("details.upload summary")
    page.set_input_files("#upload-file", str(export))
    expect(page.locator("#upload-status")).to_contain_text("3")
    expect(page.locator("#upload-errors li")).to_have_count(1)
    expect(page.locator("#scan-input")).to_be_focused()
    with live_server.session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(ScanEvent)
            .join(Consignment, Consignment.id == ScanEvent.consignment_id)
            .where(Consignment.tracking.in_(items))
        )
    assert count == 3
    page.set_input_files("#upload-file", str(export))  # the same file again: nothing twice
    expect(page.locator("#upload-status")).to_contain_text("3")
    with live_server.session() as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(ScanEvent)
                .join(Consignment, Consignment.id == ScanEvent.consignment_id)
                .where(Consignment.tracking.in_(items))
            )
            == 3
        )
