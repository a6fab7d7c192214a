"""The scan station in Chromium, as a clerk with a wedge scanner uses it: fast typing, Enter, no mouse.

Scans made while the network is down wait on the device, are counted on screen and are all recorded,
each exactly once, when it returns.
"""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from models import ScanEvent
from tests.browser.fixtures import login, registered_items


def _events_by_tracking(live_server, trackings):
    from models import Consignment

    with live_server.session() as session:
        rows = session.execute(
            select(Consignment.tracking, ScanEvent.event, func.count())
            .join(ScanEvent, ScanEvent.consignment_id == Consignment.id)
            .where(Consignment.tracking.in_(trackings))
            .group_by(Consignment.tracking, ScanEvent.event)
        ).all()
    return {(tracking, event.value): n for tracking, event, n in rows}


def _scan(page, code):
    # A wedge scanner: the characters as fast as a keyboard can send them, then Enter.
    page.keyboard.type(code, delay=0)
    page.keyboard.press("Enter")


def _settled(page, count):
    # Locator waits, not wait_for_function: the page's CSP (rightly) forbids evaluating strings.
    expect(page.locator("#recent tr[data-result]")).to_have_count(count)


def test_wedge_scanner_online_then_offline_then_back(page, context, live_server):
    items = registered_items(live_server, 6)
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    expect(page.locator("#scan-input")).to_be_focused()
    assert "Trạm quét" in page.content()

    for tracking in items[:3]:
        _scan(page, tracking)
    _scan(page, items[2])  # the scanner read the same label twice: counted once
    _settled(page, 3)
    assert page.locator("#last-result").get_attribute("data-tone") == "ok"

    context.set_offline(True)
    page.keyboard.press("F3")  # EDE: out of the sorting centre... here, out of the office
    assert page.locator("button.event[data-event=EDE]").get_attribute("aria-pressed") == "true"
    expect(page.locator("#scan-input")).to_be_focused()
    for tracking in items[:3]:
        _scan(page, f"{tracking[:2]} {tracking[2:5]} {tracking[5:8]} {tracking[8:11]} {tracking[11:]}")
    page.keyboard.press("F1")
    for tracking in items[3:]:
        _scan(page, tracking.lower())
    expect(page.locator("#queue-count")).to_have_text("6")
    assert page.locator("#net-state").get_attribute("data-state") == "offline"
    assert page.locator("#last-result").get_attribute("data-tone") == "warn"
    assert page.evaluate("JSON.parse(localStorage.getItem('hoatoc.scan-outbox.v1.gdv.32100')).length") == 6

    context.set_offline(False)
    expect(page.locator("#queue-count")).to_have_text("0", timeout=15_000)
    _settled(page, 9)
    assert page.locator("#net-state").get_attribute("data-state") == "online"

    counts = _events_by_tracking(live_server, items)
    expected = {(t, "EMA"): 1 for t in items} | {(t, "EDE"): 1 for t in items[:3]}
    assert counts == expected
    assert page.locator("#recent tr[data-result=rejected]").count() == 0


def test_typos_and_missing_details_are_refused_at_once(page, live_server):
    [tracking] = _items_for_this_office(live_server, 1)  # delivered (EMI) below: by its own office
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    expect(page.locator("#scan-input")).to_be_focused()  # the station is ready for keys
    wrong = tracking[:10] + str((int(tracking[10]) + 1) % 10) + tracking[11:]
    _scan(page, wrong)
    assert page.locator("#last-result").get_attribute("data-tone") == "bad"
    assert page.locator("#queue-count").text_content() == "0"

    _scan(page, "EMI")  # an event code typed (or scanned from a command sheet) chooses the event
    assert page.locator("button.event[data-event=EMI]").get_attribute("aria-pressed") == "true"
    _scan(page, tracking)
    assert page.locator("#last-result").get_attribute("data-tone") == "bad"
    expect(page.locator("#emi-receiver")).to_be_focused()
    page.keyboard.type("Lò Văn Pọm")
    page.keyboard.press("Enter")
    expect(page.locator("#scan-input")).to_be_focused()
    _scan(page, tracking)
    _settled(page, 1)
    assert _events_by_tracking(live_server, [tracking]) == {(tracking, "EMI"): 1}
    assert (
        "Lò Văn Pọm" not in page.locator("#recent").text_content()
    )  # the recipient is shown, not the receiver
    assert "Mường Phăng" in page.locator("#recent").text_content()


def _items_for_this_office(live_server, count):
    # Addressed to the provincial commission, which the clerk's own office (32100) delivers to.
    return registered_items(live_server, count, recipient_code="UBBC-DIENBIEN")


def _details_of(live_server, trackings):
    from models import Consignment

    with live_server.session() as session:
        rows = session.execute(
            select(Consignment.tracking, ScanEvent.event, ScanEvent.details)
            .join(ScanEvent, ScanEvent.consignment_id == Consignment.id)
            .where(Consignment.tracking.in_(trackings))
        ).all()
    return {(tracking, event.value): details for tracking, event, details in rows}


def test_each_delivery_asks_for_its_own_receiver(page, live_server):
    first, second = _items_for_this_office(live_server, 2)
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    expect(page.locator("#scan-input")).to_be_focused()  # the station is ready for keys
    page.keyboard.press("F7")  # EMI: delivered
    _scan(page, first)
    expect(page.locator("#emi-receiver")).to_be_focused()
    page.keyboard.type("Nguyễn Thị Hương")
    page.keyboard.press("Enter")
    expect(page.locator("#scan-input")).to_be_focused()
    _scan(page, first)
    _settled(page, 1)
    expect(page.locator("#emi-receiver")).to_have_value("")

    _scan(page, second)  # another item, another receiver: the last one's name must not be reused
    assert page.locator("#last-result").get_attribute("data-tone") == "bad"
    expect(page.locator("#emi-receiver")).to_be_focused()
    assert page.locator("#queue-count").text_content() == "0"
    assert _details_of(live_server, [first, second]) == {(first, "EMI"): {"receiver": "Nguyễn Thị Hương"}}


def test_failed_delivery_and_hold_details_are_not_reused(page, live_server):
    first, second = _items_for_this_office(live_server, 2)
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    expect(page.locator("#scan-input")).to_be_focused()  # the station is ready for keys
    page.keyboard.press("F6")  # EMH: delivery failed
    expect(page.locator("#scan-input")).to_be_focused()  # the station has taken the focus back: fill now
    page.locator("#emh-reason").fill("Nobody at the address")
    page.locator("#emh-action").select_option("retry")
    page.locator("#scan-input").focus()
    _scan(page, first)
    _settled(page, 1)
    expect(page.locator("#emh-reason")).to_have_value("")
    expect(page.locator("#emh-action")).to_have_value("")
    _scan(page, second)
    assert page.locator("#last-result").get_attribute("data-tone") == "bad"
    expect(page.locator("#emh-reason")).to_be_focused()  # the first field shown, not "what was done"

    page.locator("#scan-input").focus()
    _scan(page, "XHD")  # held for a security check
    expect(page.locator("#scan-input")).to_be_focused()
    page.locator("#xhd-reason").fill("Niêm phong rách")
    page.locator("#scan-input").focus()
    _scan(page, first)
    _settled(page, 2)
    expect(page.locator("#xhd-reason")).to_have_value("")
    _scan(page, second)
    assert page.locator("#last-result").get_attribute("data-tone") == "bad"
    expect(page.locator("#xhd-reason")).to_be_focused()
    assert page.locator("#queue-count").text_content() == "0"
    assert set(_details_of(live_server, [first, second])) == {(first, "EMH"), (first, "XHD")}


def test_a_scan_recorded_with_a_flag_is_shown_as_a_warning(page, live_server):
    first, second = registered_items(live_server, 2)
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    expect(page.locator("#scan-input")).to_be_focused()  # the station is ready for keys
    _scan(page, first)
    _scan(page, second)
    _settled(page, 2)
    assert page.locator("#last-result").get_attribute("data-tone") == "ok"

    _scan(page, first)  # accepted a second time: recorded, and flagged out of sequence
    _settled(page, 3)
    last = page.locator("#last-result")
    assert last.get_attribute("data-tone") == "warn"
    expect(last).to_contain_text("Đã ghi nhận")
    expect(last).to_contain_text("Quét sai trình tự")  # the flag in words, not its code
    assert "sequence_anomaly" not in last.text_content()
    assert page.locator("#recent tr").first.get_attribute("data-tone") == "warn"
    assert page.locator("#recent tr[data-result=recorded][data-tone=ok]").count() == 2
    assert _events_by_tracking(live_server, [first]) == {(first, "EMA"): 2}


def test_an_event_key_and_a_scan_read_at_once_still_ask_for_the_receiver(page, live_server):
    """A scanner reads an event code and an item faster than the station's focus moves."""
    [item] = _items_for_this_office(live_server, 1)
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    expect(page.locator("#scan-input")).to_be_focused()
    page.evaluate(
        """(tracking) => {
            document.dispatchEvent(new KeyboardEvent("keydown", {key: "F7", bubbles: true}));
            document.getElementById("scan-input").value = tracking;
            document.getElementById("scan-form").requestSubmit();
        }""",
        item,
    )
    expect(page.locator("#last-result")).to_have_attribute("data-tone", "bad")
    expect(page.locator("#emi-receiver")).to_be_focused()


def test_a_detail_field_chosen_at_once_keeps_the_focus(page, live_server):
    """The clerk goes to the reason field just after choosing the event: the station must not take it back."""
    login(page, live_server, "clerk")
    page.goto(f"{live_server.url}/scan")
    expect(page.locator("#scan-input")).to_be_focused()
    page.evaluate(
        """() => {
            document.getElementById("scan-input").value = "XHD";
            document.getElementById("scan-form").requestSubmit();  // the event chosen: a refocus pending
            document.getElementById("xhd-reason").focus();  // the clerk's click, before it happens
        }"""
    )
    expect(page.locator("button.event[data-event=XHD]")).to_have_attribute("aria-pressed", "true")
    page.keyboard.type("Niêm phong rách")
    expect(page.locator("#xhd-reason")).to_have_value("Niêm phong rách")
    expect(page.locator("#xhd-reason")).to_be_focused()
