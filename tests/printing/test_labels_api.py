"""Label printing: files that scan, every copy recorded, reprints marked, scope and bad input."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlalchemy import func, select

from models import AuditEntry, Confidentiality, Dispatch, Status
from models.prints import LabelPrint
from tests.factories import make_consignment
from tests.support import assert_problem


def decode_pdf(data: bytes, dpi: int = 203) -> list[str]:
    """Every Code 128 on every page, rasterised like a label printer would, decoded back to text."""
    found = []
    for page in pdfium.PdfDocument(data):
        image = page.render(scale=dpi / 72).to_pil()
        found += [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.Code128]
    return found


def pdf_text(data: bytes) -> str:
    return " ".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data))


def test_single_label_scans_and_is_recorded(api, session):
    item = make_consignment(session)
    session.commit()
    response = api.as_("printer").get(
        f"/api/v1/consignments/{item.tracking.lower()}/label?format=pdf&size=a6"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Label-Count"] == "1"
    assert decode_pdf(response.data) == [item.tracking]
    prints = session.scalars(select(LabelPrint).where(LabelPrint.consignment_id == item.id)).all()
    assert [(p.copy, p.format, p.size) for p in prints] == [(1, "pdf", "a6")]


def test_reprint_says_so_on_the_label(api, session):
    item = make_consignment(session)
    session.commit()
    api.as_("printer").get(f"/api/v1/consignments/{item.tracking}/label")
    again = api.as_("printer").get(f"/api/v1/consignments/{item.tracking}/label?reason=nhãn rách")
    assert "IN LẠI 1" in pdf_text(again.data)
    copies = session.scalars(select(LabelPrint.copy).where(LabelPrint.consignment_id == item.id)).all()
    assert sorted(copies) == [1, 2]


@pytest.mark.parametrize("dpi", [203, 300])
def test_zpl_label(api, session, dpi):
    item = make_consignment(session)
    session.commit()
    response = api.as_("printer").get(f"/api/v1/consignments/{item.tracking}/label?format=zpl&dpi={dpi}")
    assert response.status_code == 200
    assert response.mimetype == "application/zpl"
    text = response.get_data(as_text=True)
    assert text.count("^XA") == text.count("^XZ") == 1
    assert "^CI28" in text
    assert f"^FD{item.tracking}^FS" in text or item.tracking in text


def test_batch_keeps_order_and_prints_each_once(api, session):
    a, b = make_consignment(session), make_consignment(session)
    session.commit()
    response = api.as_("printer").post(
        "/api/v1/labels", json={"trackings": [b.tracking, a.tracking.lower(), b.tracking], "size": "a4"}
    )
    assert response.status_code == 200
    assert response.headers["X-Label-Count"] == "2"
    assert decode_pdf(response.data) == [b.tracking, a.tracking]


def test_batch_by_dispatch_one_label_per_piece(api, session):
    dispatch = Dispatch(sender_code="UBBC-DIENBIEN", doc_number="5/QĐ-UBBC")
    session.add(dispatch)
    session.flush()
    first = make_consignment(session, dispatch_id=dispatch.id, dispatch_position=0, pieces=2)
    second = make_consignment(session, dispatch_id=dispatch.id, dispatch_position=1)
    session.commit()
    response = api.as_("printer").post("/api/v1/labels", json={"dispatch": dispatch.id, "format": "zpl"})
    assert response.headers["X-Label-Count"] == "3"
    text = response.get_data(as_text=True)
    assert text.index(first.tracking) < text.index(second.tracking)
    assert text.count("^XA") == 3


def test_classified_label_has_mark_but_no_title_or_number(api, session):
    item = make_consignment(
        session,
        confidentiality=Confidentiality.TOP_SECRET,
        doc_number="01/TM-UBBC",
        doc_title="Danh sách tuyệt mật",
    )
    session.commit()
    response = api.as_("printer").get(f"/api/v1/consignments/{item.tracking}/label")
    text = pdf_text(response.data)
    assert "01/TM-UBBC" not in text
    assert "tuyệt mật" not in text.lower().replace("tuyệt mật (dấu a)", "")
    assert decode_pdf(response.data) == [item.tracking]


def test_other_office_printer_and_clerk_are_403(api, session):
    item = make_consignment(session, origin_code="32105")
    session.commit()
    assert_problem(api.as_("printer").get(f"/api/v1/consignments/{item.tracking}/label"), 403, "tracking")
    assert_problem(api.as_("clerk").get(f"/api/v1/consignments/{item.tracking}/label"), 403)
    assert_problem(api.get(f"/api/v1/consignments/{item.tracking}/label"), 401)
    assert session.scalar(select(func.count()).select_from(LabelPrint)) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"trackings": ["EB000000005VN"], "dispatch": 1}, "_schema"),
        ({"trackings": ["EB000000005VN"], "format": "zpl", "size": "a4"}, "size"),
        ({"trackings": ["EB000000005VN"], "format": "png"}, "format"),
        ({"trackings": ["EB000000005VN"], "dpi": 600}, "dpi"),
        ({"trackings": []}, "trackings"),
    ],
)
def test_bad_batches_are_422_and_print_nothing(api, session, body, field):
    assert_problem(api.as_("printer").post("/api/v1/labels", json=body), 422, field)
    assert session.scalar(select(func.count()).select_from(LabelPrint)) == 0


def test_bad_entry_in_a_batch_names_its_index(api, session):
    item = make_consignment(session)
    session.commit()
    body = {"trackings": [item.tracking, "EB123456789VN", "EB000000005VN"]}
    problem = assert_problem(api.as_("printer").post("/api/v1/labels", json=body), 422, "trackings.1")
    assert "trackings.2" not in problem["errors"]  # validity is checked first, existence next
    unknown = assert_problem(
        api.as_("printer").post("/api/v1/labels", json={"trackings": [item.tracking, "EB000000005VN"]}), 422
    )
    assert "trackings.1" in unknown["errors"]
    assert session.scalar(select(func.count()).select_from(LabelPrint)) == 0


def test_cancelled_consignment_is_not_printed(api, session):
    item = make_consignment(session, status=Status.CANCELLED)
    session.commit()
    assert_problem(api.as_("printer").get(f"/api/v1/consignments/{item.tracking}/label"), 422)


def test_every_batch_is_audited(api, session):
    item = make_consignment(session)
    session.commit()
    api.as_("printer").post("/api/v1/labels", json={"trackings": [item.tracking]})
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "labels.print"))
    assert entry.details["count"] == 1
    assert entry.details["trackings"] == [item.tracking]


def test_a_batch_naming_nothing_to_print_says_so_in_the_readers_language(api):
    vi = assert_problem(api.as_("printer").post("/api/v1/labels", json={}), 422)
    en = assert_problem(
        api.as_("printer").post("/api/v1/labels", json={}, headers={"Accept-Language": "en"}), 422
    )
    assert en["errors"]["_schema"] == ["Give either trackings or dispatch."]
    assert vi["errors"]["_schema"] != en["errors"]["_schema"]
