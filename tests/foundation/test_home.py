"""The home page: each role's pages, what each is for, and how many alerts wait."""

from __future__ import annotations

from sqlalchemy import select

from app.alerts.services import open_alert, open_alert_count
from models import AlertKind, User
from tests.factories import make_consignment
from tests.support import USERS, csrf_token, login


def _tiles(html: str) -> str:
    return html.split('<ul class="tiles">', 1)[1].split("</ul>", 1)[0]


def test_home_says_what_each_page_is_for_and_counts_the_alerts_to_act_on(client, session):
    login(client, "board")
    quiet = _tiles(client.get("/").get_data(as_text=True))
    assert "Từng văn bản của đơn vị đang ở đâu" in quiet  # under the status board
    assert "0 đang mở" in quiet

    item = make_consignment(session)  # the provincial commission's own, so its officers see the alert
    open_alert(session, AlertKind.LATE, "late", consignment=item, office_code="32100")
    session.commit()
    tiles = _tiles(client.get("/").get_data(as_text=True))
    assert '<span class="badge badge-bad">1 đang mở</span>' in tiles
    english = _tiles(client.get("/?lang=en").get_data(as_text=True))
    assert "1 open" in english
    assert "Where each of your body&#39;s documents is" in english  # the apostrophe escaped


def test_an_alert_a_body_acknowledged_still_waits_for_the_post_office(client, session, api):
    item = make_consignment(session)
    alert = open_alert(session, AlertKind.LATE, "late", consignment=item, office_code="32100")
    session.commit()
    assert api.as_("board").post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}).status_code == 200
    login(client, "clerk")  # the office's clerk: still theirs to take on
    assert '<span class="badge badge-bad">1 đang mở</span>' in _tiles(client.get("/").get_data(as_text=True))
    body_officer = session.scalar(select(User).where(User.username == USERS["board"]))
    assert open_alert_count(session, body_officer) == 0  # the body that acknowledged it: nothing waits for it


def test_printers_see_only_their_pages_and_no_alert_count(client):
    login(client, "printer")
    tiles = _tiles(client.get("/").get_data(as_text=True))
    assert "In nhãn PDF và nhãn nhiệt" in tiles
    assert "đang mở" not in tiles  # printers have no alerts page
    assert "Quét bưu gửi" not in tiles


def test_choosing_a_language_on_a_page_opened_with_lang_takes_effect(client):
    """A shared link with ?lang=en, then the switch to Vietnamese: the page must not stay in English."""
    assert '<html lang="en">' in client.get("/track?ids=EB000000005VN&lang=en").get_data(as_text=True)
    switched = client.post(
        "/lang/vi",
        data={"csrf_token": csrf_token(client, "/track?ids=EB000000005VN&lang=en")},
        headers={"Referer": "http://localhost/track?ids=EB000000005VN&lang=en"},
    )
    assert switched.status_code == 302
    assert switched.headers["Location"].endswith("/track?ids=EB000000005VN")
    assert '<html lang="vi">' in client.get(switched.headers["Location"]).get_data(as_text=True)


def test_api_documentation_is_our_page_listing_the_endpoints(client):
    page = client.get("/api/docs", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "/api/v1/scans" in page
    assert "/api/v1/track/{tracking}" in page
    assert "<script" not in page.split("</head>")[1]  # nothing the content security policy would refuse
