"""The label station page: choose, preview, print; a reprint needs a reason."""

from __future__ import annotations

from sqlalchemy import func, select

from models.prints import LabelPrint
from tests.factories import make_consignment
from tests.printing.test_labels_api import decode_pdf
from tests.support import csrf_token, login


def test_station_lists_the_offices_consignments(client, session):
    mine = make_consignment(session, recipient_name="Ủy ban bầu cử xã Nà Tấu")
    other = make_consignment(session, origin_code="32105", recipient_name="Không phải của tôi")
    session.commit()
    login(client, "printer")
    html = client.get("/labels").get_data(as_text=True)
    assert "Trạm in nhãn" in html
    assert mine.recipient_name in html
    assert other.recipient_name not in html


def test_print_then_reprint_needs_a_reason(client, session):
    item = make_consignment(session)
    session.commit()
    login(client, "printer")
    token = csrf_token(client, "/labels")
    first = client.post("/labels/print", data={"t": [item.tracking], "output": "pdf-a6", "csrf_token": token})
    assert first.status_code == 200
    assert first.headers["Content-Disposition"].startswith("attachment")
    assert decode_pdf(first.data) == [item.tracking]
    refused = client.post(
        "/labels/print", data={"t": [item.tracking], "output": "pdf-a6", "csrf_token": token}
    )
    assert refused.status_code == 422
    assert "lý do" in refused.get_data(as_text=True).lower()
    assert session.scalar(select(func.count()).select_from(LabelPrint)) == 1
    reprint = client.post(
        "/labels/print",
        data={"t": [item.tracking], "output": "zpl-203", "reason": "Nhãn bị ướt", "csrf_token": token},
    )
    assert reprint.status_code == 200
    reasons = session.scalars(select(LabelPrint.reason).order_by(LabelPrint.copy)).all()
    assert reasons == [None, "Nhãn bị ướt"]


def test_unprinted_filter(client, session):
    printed, fresh = make_consignment(session), make_consignment(session)
    session.commit()
    login(client, "printer")
    token = csrf_token(client, "/labels")
    client.post("/labels/print", data={"t": [printed.tracking], "output": "pdf-a6", "csrf_token": token})
    html = client.get("/labels?unprinted=1").get_data(as_text=True)
    assert fresh.tracking in html
    assert printed.tracking not in html


def test_preview_records_nothing(client, session):
    item = make_consignment(session)
    session.commit()
    login(client, "printer")
    response = client.get(f"/labels/preview/{item.tracking}.png")
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert session.scalar(select(func.count()).select_from(LabelPrint)) == 0


def test_station_needs_the_printer_role(client):
    login(client, "board")
    assert client.get("/labels").status_code == 403


def test_station_in_english(client, session):
    login(client, "printer")
    assert "Label station" in client.get("/labels?lang=en").get_data(as_text=True)
