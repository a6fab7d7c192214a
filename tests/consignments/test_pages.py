"""Web pages: registration form (one document to the 45 commune commissions), lists, detail, CSV, admin."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from models import Consignment, Status
from tests.consignments.helpers import commune_codes
from tests.consignments.test_import import ROWS, csv_bytes
from tests.factories import make_consignment
from tests.support import csrf_token, login

GROUPED = re.compile(r"[A-Z]{2} \d{3} \d{3} \d{3} [A-Z]{2}")


def signed_in(app, user: str):
    client = app.test_client()
    login(client, user)
    return client


def form_fields(client, path: str = "/consignments/new") -> dict[str, str]:
    html = client.get(path).get_data(as_text=True)
    key = re.search(r'name="form_key" value="([^"]+)"', html)
    return {"csrf_token": csrf_token(client, path), **({"form_key": key.group(1)} if key else {})}


def document(**extra: str) -> dict[str, str]:
    return {"document_number": "80/CV-UBBC", "document_date": "2026-02-21", "document_title": "V/v bầu cử",
            "urgency": "flash", "confidentiality": "none", "pieces": "1", **extra}  # fmt: skip


def consignment_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Consignment))


def test_form_offers_every_commune_commission_in_vietnamese(app):
    client = signed_in(app, "board")
    html = client.get("/consignments/new").get_data(as_text=True)
    assert "Đăng ký gửi văn bản" in html
    assert 'lang="vi"' in html
    for code in commune_codes():
        assert f'value="{code}"' in html
    assert 'name="all_communes"' in html
    assert "consignments.js" in html
    assert "<script>" not in html
    assert "style=" not in html


@pytest.mark.parametrize("how", ["all_communes", "checkboxes"])
def test_dispatch_to_the_45_communes_from_the_form(app, session, how):
    client = signed_in(app, "board")
    fields = form_fields(client)
    data = document(**fields)
    data_list = list(data.items())
    if how == "all_communes":
        data_list.append(("all_communes", "1"))
    else:
        data_list += [("recipients", code) for code in commune_codes()]
    response = client.post("/consignments/new", data=MultiDict(data_list))
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã đăng ký 45 bưu gửi" in page
    assert len(set(GROUPED.findall(page))) == 45
    dispatch_id = int(response.headers["Location"].rsplit("/", 1)[1])
    recipients = session.scalars(
        select(Consignment.recipient_code)
        .where(Consignment.dispatch_id == dispatch_id)
        .order_by(Consignment.dispatch_position)
    ).all()
    shown = re.findall(
        r'value="([^"]+)"\s+data-kind="commune_commission"',
        client.get("/consignments/new").get_data(as_text=True),
    )
    assert sorted(shown) == sorted(commune_codes())
    assert recipients == (shown if how == "all_communes" else commune_codes())  # the order posted


def test_clicking_twice_registers_once(app, session):
    client = signed_in(app, "board")
    data = [
        *document(**form_fields(client)).items(),
        ("recipients", "UBBC-MUONGPHANG"),
        ("recipients", "UBBC-MUONGNHE"),
    ]
    first = client.post("/consignments/new", data=MultiDict(data))
    before = consignment_count(session)
    second = client.post("/consignments/new", data=MultiDict(data))
    assert second.headers["Location"] == first.headers["Location"]
    assert consignment_count(session) == before
    assert "đã được gửi trước đó" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_form_without_csrf_is_refused(app, session):
    client = signed_in(app, "board")
    before = consignment_count(session)
    response = client.post("/consignments/new", data={**document(), "recipients": "UBBC-MUONGPHANG"})
    assert response.status_code == 400
    assert consignment_count(session) == before


def test_errors_are_shown_and_choices_kept(app, session):
    client = signed_in(app, "board")
    before = consignment_count(session)
    nothing = client.post("/consignments/new", data=document(**form_fields(client)))
    assert nothing.status_code == 422
    assert "Hãy chọn ít nhất một nơi nhận" in nothing.get_data(as_text=True)
    bad = client.post(
        "/consignments/new",
        data=MultiDict(
            [
                *document(**form_fields(client), document_date="2999-01-01").items(),
                ("recipients", "UBBC-MUONGNHE"),
            ]
        ),
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Ngày văn bản" in html
    assert re.search(r'value="UBBC-MUONGNHE"\s+data-kind="commune_commission"\s+checked', html)
    assert consignment_count(session) == before


def test_clerk_registers_at_the_counter_for_any_sender(app, session):
    client = signed_in(app, "clerk")
    html = client.get("/consignments/new").get_data(as_text=True)
    assert "32100" in html
    assert 'name="origin"' not in html  # the counter is fixed
    incomplete = client.post(
        "/consignments/new", data={**form_fields(client), "urgency": "flash", "all_communes": "1"}
    )
    assert incomplete.status_code == 422
    shown = incomplete.get_data(as_text=True)
    assert "<strong>Nơi gửi</strong>" in shown  # every missing field named at once
    assert "<strong>Số văn bản</strong>" in shown
    data = [*document(**form_fields(client), sender="UBBC-MUONGNHE").items(), ("recipients", "UBBC-DIENBIEN")]
    response = client.post("/consignments/new", data=MultiDict(data))
    assert response.status_code == 302, response.get_data(as_text=True)
    stored = session.scalar(select(Consignment).order_by(Consignment.id.desc()))
    assert (stored.sender_code, stored.origin_code) == ("UBBC-MUONGNHE", "32100")


def test_printer_may_not_register(app):
    client = signed_in(app, "printer")
    assert client.get("/consignments/new").status_code == 403
    assert client.get("/consignments/import").status_code == 403


def test_list_detail_and_cancel(app, session):
    mine = make_consignment(session)
    delivered = make_consignment(session, status=Status.DELIVERED)
    session.commit()
    client = signed_in(app, "board")
    listing = client.get("/consignments").get_data(as_text=True)
    assert "Đã đăng ký" in listing
    assert "Đã phát" in listing
    grouped = " ".join(
        [mine.tracking[:2], mine.tracking[2:5], mine.tracking[5:8], mine.tracking[8:11], mine.tracking[11:]]
    )
    assert grouped in listing
    filtered = client.get("/consignments?status=delivered").get_data(as_text=True)
    assert delivered.tracking in filtered
    assert mine.tracking not in filtered
    detail = client.get(f"/consignments/{mine.tracking.lower()}")
    assert detail.status_code == 302  # to the canonical number
    page = client.get(detail.headers["Location"]).get_data(as_text=True)
    assert "Hành trình" in page
    assert "Hủy đăng ký" in page
    token = csrf_token(client, f"/consignments/{mine.tracking}")
    cancelled = client.post(
        f"/consignments/{mine.tracking}/cancel", data={"csrf_token": token, "reason": "Nhầm"}
    )
    assert cancelled.status_code == 302
    session.refresh(mine)
    assert mine.status == Status.CANCELLED
    assert "Đã hủy" in client.get(f"/consignments/{mine.tracking}").get_data(as_text=True)


def _more_than_a_page(session) -> None:
    for _ in range(55):
        make_consignment(session, recipient_code="UBBC-SAMMUN", recipient_name="UBBC xã Sam Mứn")
    session.commit()


def test_list_pages_through_many(app, session):
    _more_than_a_page(session)
    client = signed_in(app, "board")
    first = client.get("/consignments").get_data(as_text=True)
    assert 'rel="next"' in first
    second = client.get("/consignments?page=2").get_data(as_text=True)
    assert 'rel="prev"' in second
    for odd in (
        "page=99999999999999999999",
        "dispatch=99999999999999999999",
        "page=-1",
        "status=lost",
        "flag=x",
    ):
        assert client.get(f"/consignments?{odd}").status_code == 200


def test_other_bodies_consignments_are_not_found(app, session):
    other = make_consignment(session, sender_code="UBBC-MUONGNHE", recipient_code="UBBC-SINTHAU", origin_code="32115",
                             recipient_name="UBBC xã Sín Thầu")  # fmt: skip
    session.commit()
    client = signed_in(app, "board2")
    assert client.get(f"/consignments/{other.tracking}").status_code == 404


def test_csv_upload_form_shows_numbered_errors_then_registers(app, session):
    client = signed_in(app, "board")
    token = csrf_token(client, "/consignments/import")
    bad = csv_bytes([ROWS[0], "UBBC-ATLANTIS,,,,1,,,flash,,1,,\n"])
    before = consignment_count(session)
    response = client.post("/consignments/import", data={"csrf_token": token, "file": (io.BytesIO(bad), "gui.csv")},
                           content_type="multipart/form-data")  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r"<td>3</td><td>recipient</td><td>[^<]*UBBC-ATLANTIS", html)
    assert consignment_count(session) == before
    good = client.post("/consignments/import", data={"csrf_token": token, "file": (io.BytesIO(csv_bytes(ROWS)), "g.csv")},
                       content_type="multipart/form-data")  # fmt: skip
    assert good.status_code == 200
    assert len(GROUPED.findall(good.get_data(as_text=True))) == 4


def test_admin_pages_list_registered_sub_pages(app):
    client = signed_in(app, "admin")
    html = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/serials/"' in html
    for endpoint in ("standards_pages.index", "webhook_pages.index"):
        if endpoint in app.view_functions:
            with app.test_request_context():
                from flask import url_for

                assert f'href="{url_for(endpoint)}"' in html
    assert signed_in(app, "board").get("/admin/").status_code == 403


def test_serial_blocks_page_warns_and_adds(app, session):
    from app.serials.services import add_block, allocate

    add_block(session, None, "EX", 1, 10)
    allocate(session, "EX", 10)
    session.commit()
    client = signed_in(app, "admin")
    html = client.get("/admin/serials/").get_data(as_text=True)
    assert "Đã hết" in html
    assert "999,999" in html
    token = csrf_token(client, "/admin/serials/")
    added = client.post(
        "/admin/serials/", data={"csrf_token": token, "prefix": "ex", "first": "11", "last": "20"}
    )
    assert added.status_code == 302
    refused = client.post(
        "/admin/serials/", data={"csrf_token": token, "prefix": "EX", "first": "15", "last": "30"}
    )
    assert refused.status_code == 422
    assert "Trùng" in refused.get_data(as_text=True)


def test_english_on_request(app):
    client = signed_in(app, "board")
    assert "Register documents for priority post" in client.get("/consignments/new?lang=en").get_data(
        as_text=True
    )


def test_timeline_names_what_the_scanner_said_in_the_reader_s_language(app, session, api):
    item = make_consignment(session)
    session.commit()
    scans = [
        {"id": str(uuid.uuid4()), "tracking": item.tracking, "event": "EMA"},
        {
            "id": str(uuid.uuid4()),
            "tracking": item.tracking,
            "event": "XHD",
            "details": {"reason": "Bao bì rách"},
        },
    ]
    recorded = api.as_("clerk").post("/api/v1/scans", json={"scans": scans})
    assert [r["result"] for r in recorded.json["results"]] == ["recorded", "recorded"]
    client = signed_in(app, "board")
    page = client.get(f"/consignments/{item.tracking}").get_data(as_text=True)
    assert "Lý do: Bao bì rách" in page
    english = client.get(f"/consignments/{item.tracking}?lang=en").get_data(as_text=True)
    assert "Reason: Bao bì rách" in english
    assert "reason:" not in page + english  # never the device's key as sent


def import_fields(client) -> dict[str, str]:
    return form_fields(client, "/consignments/import")


def test_sending_the_same_import_form_again_registers_nothing_twice(app, session):
    """F5 on the result page re-sends the upload: the form's one-time key makes it harmless."""
    client = signed_in(app, "board")
    fields = import_fields(client)
    assert "form_key" in fields
    no_references = csv_bytes([row.rsplit(",", 1)[0] + ",\n" for row in ROWS[:2]])

    def upload():
        data = {**fields, "file": (io.BytesIO(no_references), "gui.csv")}
        return client.post("/consignments/import", data=data, content_type="multipart/form-data")

    first = upload()
    assert first.status_code == 200, first.get_data(as_text=True)
    registered = consignment_count(session)
    first_numbers = GROUPED.findall(first.get_data(as_text=True))
    again = upload()
    assert again.status_code == 200, again.get_data(as_text=True)
    assert consignment_count(session) == registered
    assert GROUPED.findall(again.get_data(as_text=True)) == first_numbers
    assert "Đã đăng ký 0, 2 đã có từ trước" in again.get_data(as_text=True)
    # A fresh form is a new import: the same file is registered again, on purpose.
    fresh = {**import_fields(client), "file": (io.BytesIO(no_references), "gui.csv")}
    assert (
        client.post("/consignments/import", data=fresh, content_type="multipart/form-data").status_code == 200
    )
    assert consignment_count(session) == registered + 2


def test_dispatch_page_offers_only_what_the_reader_may_do(app):
    sender = signed_in(app, "board")
    data = [*document(**form_fields(sender)).items(), ("recipients", "UBBC-MUONGPHANG")]
    location = sender.post("/consignments/new", data=MultiDict(data)).headers["Location"]
    print_link, register_link = 'href="/labels?dispatch=', 'href="/consignments/new"'
    offered = {}
    for user in ("board", "board2", "printer", "admin"):
        response = signed_in(app, user).get(location)
        assert response.status_code == 200, user
        main = response.get_data(as_text=True).split("<main", 1)[1]
        offered[user] = (print_link in main, register_link in main)
    assert offered == {
        "board": (False, True),  # the sender registers, the label station prints
        "board2": (False, False),  # a recipient does neither
        "printer": (True, False),
        "admin": (True, True),
    }


def test_the_form_names_every_wrong_field_at_once(app, session):
    client = signed_in(app, "board")
    before = consignment_count(session)
    data = document(**form_fields(client), document_number="", document_date="2099-01-01",
                    deliver_by="2020-01-01T08:00")  # fmt: skip
    response = client.post(
        "/consignments/new", data=MultiDict([*data.items(), ("recipients", "UBBC-MUONGNHE")])
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for label in ("Số văn bản", "Ngày văn bản", "Hẹn giờ phát"):
        assert f"<strong>{label}" in html, label
    nobody = client.post("/consignments/new", data={**data, **form_fields(client)})
    html = nobody.get_data(as_text=True)
    for label in ("Số văn bản", "Ngày văn bản", "Hẹn giờ phát"):
        assert f"<strong>{label}" in html, label
    assert "Hãy chọn ít nhất một nơi nhận" in html
    assert consignment_count(session) == before


def test_a_page_past_the_end_goes_to_the_last_page(app, session):
    _more_than_a_page(session)
    client = signed_in(app, "board")
    last = client.get("/consignments").get_data(as_text=True)
    pages = int(re.search(r"trang 1/(\d+)", last).group(1))
    past = client.get("/consignments?page=200&status=registered")
    assert past.status_code == 302
    assert f"page={pages}" in past.headers["Location"]
    assert "status=registered" in past.headers["Location"]


def test_import_errors_of_the_file_say_what_to_do_in_words(app, session):
    client = signed_in(app, "board")
    token = csrf_token(client, "/consignments/import")
    not_utf8 = "recipient,document_number,urgency\nUBBC-MUONGNHE,80/CV,Khẩn\n".encode(
        "utf-16"
    )  # Excel's "Unicode text"
    response = client.post("/consignments/import", data={"csrf_token": token, "file": (io.BytesIO(not_utf8), "g.csv")},
                           content_type="multipart/form-data")  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    alert = html.split('role="alert"', 1)[1].split("<table", 1)[0]
    assert "CSV UTF-8" in alert  # the hint the API gives, not only "not UTF-8"
    assert "<td>file</td>" not in html
    assert "<td>Tệp</td>" in html
    header = client.post("/consignments/import", data={"csrf_token": token, "file": (io.BytesIO(b"colour\nred\n"), "g.csv")},
                         content_type="multipart/form-data")  # fmt: skip
    assert "<td>header</td>" not in header.get_data(as_text=True)
    assert "<td>Dòng tiêu đề</td>" in header.get_data(as_text=True)
