"""Every alert reads in the reader's language, from the facts it stores, wherever it is shown: the API,
/alerts, the board and the duty page. Alerts raised by scanning, opening bags and the duty and inquiry
checks store Vietnamese text for the record; the words people read are made from their data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.duty.coverage import check_duty_gaps
from app.inquiries.services import check_overdue_inquiries, open_inquiry
from models import Alert, AlertKind, User
from models.duty import DutyKind, DutyShift
from tests.alerts.helpers import local
from tests.scans.helpers import accepted, ago, consignment, post_scans, results, scan
from tests.support import login

ENGLISH = {
    "security_hold": "Held for a security check at office 32000 since",
    "misrouted": "which is not on its route 32100 → 32000 → 32260",
    "sequence_anomaly": "Delivered twice: EMI again after the delivery of",
    "missing_from_bag": "Missing from bag BG",
}
VIETNAMESE = {
    "security_hold": "Tạm giữ để kiểm tra an ninh tại bưu cục 32000 từ",
    "misrouted": "không nằm trên hành trình 32100 → 32000 → 32260",
    "sequence_anomaly": "Phát hai lần: lại có EMI sau lần phát lúc",
    "missing_from_bag": "Thiếu trong túi BG",
}


def _scanned_alerts(api, session) -> None:
    """A security hold, a scan off the route and a second delivery, raised by scanning as clerks do."""
    held, off_route, twice = consignment(session), consignment(session), consignment(session)
    receiver = {"receiver": "Lò Thị Hoa"}
    results(
        post_scans(
            api,
            "admin",
            [
                scan(
                    held.tracking, "XHD", ago(100), office="32000", details={"reason": "Niêm phong bị rách"}
                ),
                scan(off_route.tracking, "EMG", ago(90), office="32320"),
                scan(twice.tracking, "EMI", ago(80), office="32260", details=receiver),
                scan(twice.tracking, "EMI", ago(70), office="32260", details=receiver),
            ],
        )
    )


def _missing_from_bag(api, session) -> None:
    """A bag from 32100 opened at the sorting centre without its one item."""
    item = accepted(session)
    code = api.as_("clerk").post("/api/v1/bags", json={"destination": "32000"}).get_json()["id"]
    api.as_("clerk").post(f"/api/v1/bags/{code}/items", json={"trackings": [item.tracking]})
    assert api.as_("clerk").post(f"/api/v1/bags/{code}/seal").status_code == 200
    results(post_scans(api, "clerk", [scan(None, "EDE", ago(60), bag=code)]))
    opened = api.as_("clerk2").post(f"/api/v1/bags/{code}/open", json={"found": []})
    assert opened.status_code == 200, opened.get_data(as_text=True)
    assert opened.get_json()["missing"] == [item.tracking]


def _details_by_kind(api, user: str, language: str) -> dict[str, str]:
    response = api.as_(user).get("/api/v1/alerts?per_page=500", headers={"Accept-Language": language})
    assert response.status_code == 200
    return {a["kind"]: a["detail"] for a in response.get_json()["items"]}


@pytest.fixture
def raised(api, session) -> None:
    _scanned_alerts(api, session)
    _missing_from_bag(api, session)
    stored = {a.kind.value: a.detail for a in session.scalars(select(Alert))}
    assert VIETNAMESE["security_hold"] in stored["security_hold"]  # the record stays Vietnamese


def test_the_api_words_scanning_and_bag_alerts_in_the_readers_language(api, raised):
    english = _details_by_kind(api, "admin", "en")
    vietnamese = _details_by_kind(api, "admin", "vi")
    for kind, words in ENGLISH.items():
        assert words in english[kind], (kind, english[kind])
        assert VIETNAMESE[kind] in vietnamese[kind], (kind, vietnamese[kind])
    assert "Niêm phong bị rách" in english["security_hold"]  # what the clerk typed stays as typed


def test_the_alerts_page_and_the_board_word_them_as_the_api_does(client, raised):
    login(client, "board2")  # Mường Phăng receives every item of the fixture
    for path in ("/alerts", "/board"):
        english = client.get(f"{path}?lang=en").get_data(as_text=True)
        vietnamese = client.get(f"{path}?lang=vi").get_data(as_text=True)
        for kind in ENGLISH:
            assert ENGLISH[kind] in english, (path, kind)
            assert VIETNAMESE[kind] in vietnamese, (path, kind)
            assert VIETNAMESE[kind] not in english, (path, kind)


def test_the_duty_page_words_the_alerts_where_one_is_on_duty(session, client, raised):
    clerk2 = session.scalar(select(User).where(User.username == "gdv.32000"))
    session.add(
        DutyShift(
            office_code="32000",
            user_id=clerk2.id,
            kind=DutyKind.SHIFT,
            starts_at=ago(120),
            ends_at=ago(-120),
            created_by_id=clerk2.id,
        )
    )
    session.commit()
    login(client, "clerk2")
    english = client.get("/duty?lang=en").get_data(as_text=True)
    assert ENGLISH["security_hold"] in english
    assert ENGLISH["missing_from_bag"] in english
    assert VIETNAMESE["security_hold"] not in english


def test_inquiry_and_duty_gap_alerts_read_in_english_too(api, session):
    item = consignment(session)
    asker = session.scalar(select(User).where(User.username == "ubbc.tinh"))
    asked_at = local(2026, 3, 10, 9, 0)
    open_inquiry(session, asker, item.tracking, "Đã gửi chưa?", now=asked_at)
    assert check_overdue_inquiries(session, asked_at + timedelta(days=2)) == 1
    check_duty_gaps(session, local(2026, 3, 14, 8, 0))
    session.commit()
    english = _details_by_kind(api, "admin", "en")
    vietnamese = _details_by_kind(api, "admin", "vi")
    assert english["inquiry_overdue"].startswith("Inquiry about EB")
    assert "is unanswered since its deadline" in english["inquiry_overdue"]
    assert vietnamese["inquiry_overdue"].startswith("Yêu cầu tra cứu về EB")
    assert english["duty_gap"].startswith("Nobody on ")
    assert vietnamese["duty_gap"].startswith("Không có người ")


def test_an_old_row_without_the_facts_is_shown_as_it_was_written(api, session):
    item = consignment(session)
    session.add(
        Alert(
            kind=AlertKind.SECURITY_HOLD,
            consignment_id=item.id,
            office_code="32000",
            detail="Tạm giữ (bản ghi cũ)",
            data={"event_id": "x", "reason": "cũ"},
            opened_at=ago(5),
        )
    )
    session.commit()
    assert _details_by_kind(api, "admin", "en")["security_hold"] == "Tạm giữ (bản ghi cũ)"
