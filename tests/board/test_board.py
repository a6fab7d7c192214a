"""The board of an election body: counts, alerts, lists, search, refresh, scope."""

from __future__ import annotations

from app.alerts.services import open_alert
from models import AlertKind
from tests.factories import make_consignment
from tests.support import login


def test_board_shows_the_bodys_alerts_counts_and_dispatches(client, session, dispatch_45):
    _dispatch, items = dispatch_45
    open_alert(session, AlertKind.STALLED, "Không có lần quét nào trong 6 giờ", consignment=items[44])
    session.commit()
    login(client, "board")
    html = client.get("/board").get_data(as_text=True)
    assert "Ủy ban bầu cử tỉnh Điện Biên" in html
    assert "Không di chuyển" in html  # the alert, in Vietnamese
    assert "Không có lần quét nào trong 6 giờ" in html
    assert "80/CV-UBBC" in html
    assert "40/45" in html  # dispatch progress
    assert "<svg" in html  # the status picture


def test_board_search_by_tracking_number_with_spaces(client, session, dispatch_45):
    _dispatch, items = dispatch_45
    login(client, "board")
    wanted = items[3].tracking
    spaced = f"{wanted[:2]} {wanted[2:5]} {wanted[5:8]} {wanted[8:11]} {wanted[11:]}".lower()
    html = client.get("/board", query_string={"q": spaced}).get_data(as_text=True)
    assert html.count('class="tracking"') == 1


def test_partial_refresh_returns_only_the_live_part(client, session, dispatch_45):
    login(client, "board")
    fragment = client.get("/board", headers={"X-Partial": "1"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert "80/CV-UBBC" in fragment


def test_receiving_body_sees_what_was_sent_to_it(client, session):
    make_consignment(session, doc_number="99/QĐ-UBBC")
    session.commit()
    login(client, "board2")
    html = client.get("/board").get_data(as_text=True)
    assert "Ủy ban bầu cử xã Mường Phăng" in html
    assert "99/QĐ-UBBC" in html
    # It sent nothing: said in words, not drawn as an empty bar; what it received is drawn.
    sent, received = html.split("Đơn vị đã gửi", 1)[1].split("Gửi đến đơn vị", 1)
    assert "Chưa có gì." in sent
    assert "<svg" not in sent
    assert "<svg" in received.split("</section>", 1)[0]


def test_clerks_have_no_board(client):
    login(client, "clerk")
    assert client.get("/board").status_code == 403


def test_board_users_cannot_look_at_another_body(client, session):
    make_consignment(session, doc_number="77/CV-UBBC")
    session.commit()
    login(client, "board2")
    html = client.get("/board?body=UBBC-DIENBIEN").get_data(as_text=True)
    assert "77/CV-UBBC" in html  # their own board (as receiver), the parameter ignored
    assert "Ủy ban bầu cử tỉnh Điện Biên</h1>" not in html


def test_admin_chooses_the_body(client, session):
    login(client, "admin")
    html = client.get("/board?body=UBBC-MUONGPHANG").get_data(as_text=True)
    assert "Bảng theo dõi: Ủy ban bầu cử xã Mường Phăng" in html


def test_board_in_english(client, session, dispatch_45):
    login(client, "board")
    html = client.get("/board?lang=en").get_data(as_text=True)
    assert "Open alerts" in html
    assert "Delivered" in html


def test_pictures_page_has_three_charts(client, session, dispatch_45):
    login(client, "board")
    html = client.get("/board/stats").get_data(as_text=True)
    assert html.count("<svg") == 3
    assert "Bưu cục" in html  # destination offices on the on-time chart


def test_the_badge_counts_every_open_alert_and_links_to_the_rest(client, session, dispatch_45):
    _dispatch, items = dispatch_45
    for item in items[:21]:
        open_alert(session, AlertKind.STALLED, "Không có lần quét nào trong 6 giờ", consignment=item)
    session.commit()
    login(client, "board")
    fragment = client.get("/board?lang=en", headers={"X-Partial": "1"}).get_data(as_text=True)
    assert '<span class="badge badge-bad">21</span>' in fragment
    assert fragment.count('class="alert-row"') == 20  # the list stays short
    assert 'href="/alerts"' in fragment
    assert "see all 21 open alerts" in fragment


def test_no_link_when_every_open_alert_is_listed(client, session, dispatch_45):
    _dispatch, items = dispatch_45
    open_alert(session, AlertKind.STALLED, "Không có lần quét nào trong 6 giờ", consignment=items[44])
    session.commit()
    login(client, "board")
    fragment = client.get("/board", headers={"X-Partial": "1"}).get_data(as_text=True)
    assert '<span class="badge badge-bad">1</span>' in fragment
    assert 'href="/alerts"' not in fragment
