"""Bags: a full journey (create, fill, seal, travel, open one item short), the papers, and the rules."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pypdfium2 as pdfium
import pytest
import zxingcpp
from hypothesis import given
from hypothesis import strategies as st

from app import s10
from app.auth.services import create_user, issue_token
from app.bags.codes import BagCodeError, bag_code, damm, group, parse_bag_code
from models import Role, Status
from tests.scans.helpers import (
    accepted,
    ago,
    consignment,
    event_count,
    events_of,
    open_alerts,
    post_scans,
    refreshed,
    results,
    scan,
)
from tests.support import TEST_PASSWORD, assert_problem

DESTINATION = "32260"  # Mường Phăng, the factory's default recipient office


@pytest.fixture
def far_clerk(session):
    """A clerk of the destination office, signed with a token of its own."""
    user = create_user(
        session, None, f"gdv.{DESTINATION}.{uuid.uuid4().hex[:6]}", TEST_PASSWORD, Role.CLERK, DESTINATION
    )
    raw, _token = issue_token(session, user, timedelta(hours=1))
    session.commit()  # kept when a failing request rolls the shared session back
    return {"Authorization": f"Bearer {raw}"}


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))


def _new_bag(api, user="clerk", destination=DESTINATION):
    response = api.as_(user).post("/api/v1/bags", json={"destination": destination})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def test_a_full_bag_journey_one_item_short(api, session, far_clerk):
    items = [accepted(session) for _ in range(3)]
    stranger = accepted(session, recipient_code="UBBC-DIENBIEN")
    bag = _new_bag(api)
    assert bag["origin"] == "32100"
    assert bag["state"] == "filling"
    code = bag["id"]
    assert damm(code[2:11]) == int(code[11])

    added = api.as_("clerk").post(
        f"/api/v1/bags/{code}/items", json={"trackings": [i.tracking for i in items]}
    )
    assert [i["tracking"] for i in added.get_json()["items"]] == [i.tracking for i in items]
    again = api.as_("clerk").post(
        f"/api/v1/bags/{code}/items", json={"trackings": [items[0].tracking.lower()]}
    )
    assert len(again.get_json()["items"]) == 3  # scanning an item into its bag twice is harmless

    sealed = api.as_("clerk").post(f"/api/v1/bags/{group(code)}/seal")
    assert sealed.get_json()["state"] == "sealed"
    late = api.as_("clerk").post(f"/api/v1/bags/{code}/items", json={"trackings": [stranger.tracking]})
    assert_problem(late, 409)

    departure = scan(None, "EDE", ago(120), bag=code)
    [left] = results(post_scans(api, "clerk", [departure]))
    assert left["result"] == "recorded"
    assert left["bag_items"] == 3
    for item in items:
        [event] = [e for e in events_of(session, item) if e.bag_scan_id]
        assert event.id == str(uuid.uuid5(uuid.UUID(departure["id"]), item.tracking))
        assert event.bag_scan_id == departure["id"]
        assert event.office_code == "32100"
    [retry] = results(post_scans(api, "clerk", [departure]))
    assert retry["result"] == "duplicate"
    assert all(event_count(session, item) == 2 for item in items)  # its acceptance and the bag's

    arrival = scan(None, "EMG", ago(30), bag=code)
    [arrived] = results(api.post("/api/v1/scans", json={"scans": [arrival]}, headers=far_clerk))
    assert arrived["result"] == "recorded"
    assert refreshed(session, items[0]).status == Status.AT_DELIVERY_OFFICE

    found = [items[0].tracking, s10.group(items[1].tracking), stranger.tracking]
    opening = api.post(f"/api/v1/bags/{code}/open", json={"found": found}, headers=far_clerk)
    assert opening.status_code == 200, opening.get_data(as_text=True)
    assert opening.get_json()["missing"] == [items[2].tracking]
    assert opening.get_json()["unexpected"] == [stranger.tracking]

    [alert] = open_alerts(session, items[2], "missing_from_bag")
    assert alert.office_code == DESTINATION
    assert alert.data["bag"] == code
    assert open_alerts(session, items[0], "missing_from_bag") == []
    flags = results(post_scans(api, "admin", [scan(items[2].tracking, "EDD", ago(300), office="32000")]))[0][
        "flags"
    ]
    assert "missing_from_bag" in flags  # a scan from before the opening does not find it

    note = api.get(f"/api/v1/bags/{code}/verification", headers=far_clerk)
    assert note.status_code == 200
    assert note.mimetype == "application/pdf"
    text = _pdf_text(note.data)
    assert s10.group(items[2].tracking) in text
    assert s10.group(stranger.tracking) in text
    assert s10.group(items[0].tracking) not in text

    detail = api.get(f"/api/v1/bags/{code}", headers=far_clerk).get_json()
    assert detail["state"] == "opened"
    assert detail["missing"] == [items[2].tracking]
    assert [i["found"] for i in detail["items"]] == [True, True, False]

    # Found later at the sorting centre: the alarm clears by itself.
    [seen] = results(post_scans(api, "admin", [scan(items[2].tracking, "EDE", office="32000")]))
    assert "missing_from_bag" not in seen["flags"]
    # Opened bags release their items for their next bag.
    next_bag = _new_bag(api, "clerk2", DESTINATION)
    reuse = api.as_("clerk2").post(
        f"/api/v1/bags/{next_bag['id']}/items", json={"trackings": [items[2].tracking]}
    )
    assert reuse.status_code == 200, reuse.get_data(as_text=True)


def test_label_and_manifest(api, session):
    items = [accepted(session) for _ in range(2)]
    code = _new_bag(api)["id"]
    assert_problem(api.as_("clerk").get(f"/api/v1/bags/{code}/label"), 409)  # not sealed yet
    api.as_("clerk").post(f"/api/v1/bags/{code}/items", json={"trackings": [i.tracking for i in items]})
    api.as_("clerk").post(f"/api/v1/bags/{code}/seal")

    pdf = api.as_("printer").get(f"/api/v1/bags/{code}/label?format=pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    image = pdfium.PdfDocument(pdf.data)[0].render(scale=300 / 72).to_pil()
    assert code in [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.Code128
    ]

    zpl = api.as_("clerk").get(f"/api/v1/bags/{code}/label?format=zpl&dpi=300")
    assert zpl.mimetype == "application/zpl"
    assert zpl.data.startswith(b"^XA")
    assert code.encode() in zpl.data

    manifest = api.as_("clerk").get(f"/api/v1/bags/{code}/manifest")
    text = _pdf_text(manifest.data)
    assert all(s10.group(i.tracking) in text for i in items)
    assert items[0].doc_title not in text  # recipients only, never a document title
    assert_problem(api.as_("clerk").get(f"/api/v1/bags/{code}/verification"), 409)


def test_filling_errors_name_the_index_and_add_nothing(api, session):
    good = accepted(session)
    delivered = consignment(session, status=Status.DELIVERED)
    elsewhere = accepted(session)
    other_bag = _new_bag(api)["id"]
    api.as_("clerk").post(f"/api/v1/bags/{other_bag}/items", json={"trackings": [elsewhere.tracking]})
    code = _new_bag(api)["id"]
    still_with_sender = consignment(session)  # registered, never accepted: it has not reached the post
    trackings = [
        good.tracking, "EB000000005VN", "EB123456789VN", delivered.tracking, elsewhere.tracking, 7,
        still_with_sender.tracking,
    ]  # fmt: skip
    response = api.as_("clerk").post(f"/api/v1/bags/{code}/items", json={"trackings": trackings})
    body = assert_problem(response, 422)
    assert set(body["errors"]) == {f"trackings.{i}" for i in range(1, 7)}
    assert body["errors"]["trackings.6"] == ["Chưa nhận gửi: hãy ghi nhận việc nhận gửi (EMA) trước."]
    assert api.as_("clerk").get(f"/api/v1/bags/{code}").get_json()["items"] == []


def test_who_may_do_what(api, session, far_clerk):
    item = accepted(session)
    assert_problem(api.as_("board").post("/api/v1/bags", json={"destination": DESTINATION}), 403)
    assert_problem(api.as_("printer").post("/api/v1/bags", json={"destination": DESTINATION}), 403)
    assert_problem(
        api.as_("clerk").post("/api/v1/bags", json={"origin": "32000", "destination": DESTINATION}), 403
    )
    assert_problem(api.as_("admin").post("/api/v1/bags", json={"destination": DESTINATION}), 422, "origin")
    assert_problem(api.as_("clerk").post("/api/v1/bags", json={"destination": "32100"}), 422, "destination")
    code = _new_bag(api)["id"]
    assert_problem(
        api.post(f"/api/v1/bags/{code}/items", json={"trackings": [item.tracking]}, headers=far_clerk), 403
    )
    assert_problem(api.as_("clerk").post(f"/api/v1/bags/{code}/seal"), 409)  # empty
    api.as_("clerk").post(f"/api/v1/bags/{code}/items", json={"trackings": [item.tracking]})
    assert_problem(
        api.post(f"/api/v1/bags/{code}/open", json={"found": []}, headers=far_clerk), 409
    )  # not sealed
    api.as_("clerk").post(f"/api/v1/bags/{code}/seal")
    assert api.as_("clerk").post(f"/api/v1/bags/{code}/seal").status_code == 200  # a retry changes nothing
    assert_problem(api.as_("clerk").post(f"/api/v1/bags/{code}/open", json={"found": []}), 403)
    assert_problem(api.as_("board").get(f"/api/v1/bags/{code}"), 403)
    assert_problem(api.as_("clerk2").get(f"/api/v1/bags/{code}"), 403)
    assert api.as_("admin").get(f"/api/v1/bags/{code}").status_code == 200
    opened = api.as_("admin").post(
        f"/api/v1/bags/{code}/open", json={"office": DESTINATION, "found": [item.tracking]}
    )
    assert opened.get_json()["missing"] == []
    assert_problem(api.post(f"/api/v1/bags/{code}/open", json={"found": []}, headers=far_clerk), 409)


def test_bag_scans_need_a_sealed_bag_and_a_transport_event(api, session):
    item = accepted(session)
    code = _new_bag(api)["id"]
    api.as_("clerk").post(f"/api/v1/bags/{code}/items", json={"trackings": [item.tracking]})
    [unsealed] = results(post_scans(api, "clerk", [scan(None, "EDE", ago(5), bag=code)]))
    assert "bag" in unsealed["errors"]
    api.as_("clerk").post(f"/api/v1/bags/{code}/seal")
    [wrong_event] = results(
        post_scans(api, "clerk", [scan(None, "EMI", ago(5), bag=code, details={"receiver": "A"})])
    )
    assert "event" in wrong_event["errors"]
    [unknown] = results(post_scans(api, "clerk", [scan(None, "EDE", ago(5), bag=bag_code(999_999_999))]))
    assert "bag" in unknown["errors"]
    typo = code[:-1] + str((int(code[-1]) + 1) % 10)
    [mistyped] = results(post_scans(api, "clerk", [scan(None, "EDE", ago(5), bag=typo)]))
    assert "bag" in mistyped["errors"]
    assert event_count(session, item) == 1  # its acceptance only
    assert_problem(api.as_("clerk").get(f"/api/v1/bags/{typo}"), 404, "id")


def test_a_bag_scan_reusing_an_id_with_other_content_is_rejected(api, session):
    item = accepted(session)
    code = _new_bag(api)["id"]
    api.as_("clerk").post(f"/api/v1/bags/{code}/items", json={"trackings": [item.tracking]})
    api.as_("clerk").post(f"/api/v1/bags/{code}/seal")
    first = scan(None, "EDE", ago(20), bag=code)
    results(post_scans(api, "clerk", [first]))
    [stored] = [e.at for e in events_of(session, item) if e.bag_scan_id]
    [changed] = results(post_scans(api, "clerk", [{**first, "at": ago(10).isoformat()}]))
    assert changed["result"] == "rejected"
    assert "id" in changed["errors"]
    session.expire_all()
    assert [e.at for e in events_of(session, item) if e.bag_scan_id] == [
        stored
    ]  # one bag event, as first sent


@given(st.integers(min_value=1, max_value=999_999_999), st.integers(min_value=0, max_value=9), st.data())
def test_bag_ids_catch_any_single_digit_error(serial, position, data):
    code = bag_code(serial)
    assert parse_bag_code(code) == serial
    assert parse_bag_code(group(code).lower()) == serial
    index = 2 + position
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != code[index]]))
    with pytest.raises(BagCodeError, match="check digit"):
        parse_bag_code(code[:index] + wrong + code[index + 1 :])
    if position < 9 and code[index] != code[index + 1]:
        swapped = code[:index] + code[index + 1] + code[index] + code[index + 2 :]
        with pytest.raises(BagCodeError, match="check digit"):
            parse_bag_code(swapped)
