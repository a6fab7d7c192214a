"""The dispatch matrix and its exports: every recipient, late ones marked, read back from each format."""

from __future__ import annotations

import csv
import io

import pypdfium2 as pdfium
from openpyxl import load_workbook

from app import s10
from models import Confidentiality
from tests.support import login


def test_matrix_lists_every_recipient_with_late_ones_marked(client, session, dispatch_45):
    dispatch, items = dispatch_45
    login(client, "board")
    html = client.get(f"/board/dispatches/{dispatch.id}").get_data(as_text=True)
    for item in items:
        assert item.recipient_name in html
    assert html.count('<tr class="late"') == 2  # delivered after its deadline + overdue not delivered
    assert "Cán bộ văn thư 7" in html


def test_matrix_is_hidden_from_other_bodies(client, session, dispatch_45):
    dispatch, _items = dispatch_45
    login(client, "board2")
    assert client.get(f"/board/dispatches/{dispatch.id}").status_code == 404
    assert client.get(f"/board/dispatches/{dispatch.id}.csv").status_code == 404


def test_csv_export_has_every_recipient_and_opens_in_excel(client, session, dispatch_45):
    dispatch, items = dispatch_45
    login(client, "board")
    response = client.get(f"/board/dispatches/{dispatch.id}.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset once
    data = response.data
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 46
    assert {r[2] for r in rows[1:]} == {i.recipient_name for i in items}


def test_xlsx_export_reads_back(client, session, dispatch_45):
    dispatch, items = dispatch_45
    login(client, "board")
    response = client.get(f"/board/dispatches/{dispatch.id}.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    recipients = {sheet.cell(row=r, column=3).value for r in range(3, sheet.max_row + 1)}
    assert recipients == {i.recipient_name for i in items}


def test_pdf_report_reads_back_with_every_recipient(client, session, dispatch_45):
    dispatch, items = dispatch_45
    login(client, "board")
    response = client.get(f"/board/dispatches/{dispatch.id}.pdf")
    assert response.mimetype == "application/pdf"
    pdf = pdfium.PdfDocument(response.data)
    text = " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in pdf)
    for item in items:
        assert item.recipient_name in text, item.recipient_name
    assert "80/CV-UBBC" in text
    assert "Người lập" in text  # the signature boxes
    lines = {
        " ".join(line.split()) for page in pdf for line in page.get_textpage().get_text_range().splitlines()
    }
    for item in items:  # each tracking number on one line of its cell, as on the label
        assert any(s10.group(item.tracking) in line for line in lines), item.tracking


def test_classified_title_is_not_in_the_matrix_or_report(client, session, dispatch_45):
    dispatch, items = dispatch_45
    for item in items:
        item.confidentiality = Confidentiality.SECRET
    session.commit()
    login(client, "board")
    html = client.get(f"/board/dispatches/{dispatch.id}").get_data(as_text=True)
    assert "V/v chuẩn bị bầu cử" not in html
    pdf = pdfium.PdfDocument(client.get(f"/board/dispatches/{dispatch.id}.pdf").data)
    text = " ".join(page.get_textpage().get_text_range() for page in pdf)
    assert "chuẩn bị bầu cử" not in text


def test_markup_in_a_recipient_name_is_shown_as_text(client, session, dispatch_45):
    dispatch, items = dispatch_45
    items[0].recipient_name = '<img src=x onerror="alert(1)">'
    session.commit()
    login(client, "board")
    html = client.get(f"/board/dispatches/{dispatch.id}").get_data(as_text=True)
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;img src=x" in html


def test_unknown_export_format_is_404(client, session, dispatch_45):
    dispatch, _items = dispatch_45
    login(client, "board")
    assert client.get(f"/board/dispatches/{dispatch.id}.docx").status_code == 404
