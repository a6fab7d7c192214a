"""The dispatch matrix as a spreadsheet: CSV (UTF-8 with BOM, so Excel shows Vietnamese) and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from app.board.services import Matrix, Row
from app.s10 import group
from app.vocabulary import event_label, flag_label, status_label

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LATE_FILL = PatternFill("solid", fgColor="FDECEA")


def _local(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if value else ""


def headers() -> list[str]:
    return [
        _("No."),
        _("Tracking number"),
        _("Recipient"),
        _("Delivery office"),
        _("Status"),
        _("Flags"),
        _("Last scan"),
        _("Deadline"),
        _("Delivered at"),
        _("Received by"),
        _("Late"),
    ]


def row_values(index: int, row: Row) -> list[str]:
    c, last = row.consignment, row.last_event
    last_text = f"{event_label(last.event)} — {last.office_code} — {_local(last.at)}" if last else ""
    return [
        str(index),
        group(c.tracking),
        c.recipient_name,
        f"{c.destination_code} — {c.destination.name}",
        status_label(c.status),
        ", ".join(flag_label(f) for f in row.flags),
        last_text,
        _local(c.due_at),
        _local(c.delivered_at),
        c.delivered_to or "",
        _("Yes") if row.late else "",
    ]


def matrix_csv(matrix: Matrix) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for index, row in enumerate(matrix.rows, start=1):
        writer.writerow(row_values(index, row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def matrix_xlsx(matrix: Matrix) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Dispatch")[:31]
    sheet.append([f"{matrix.dispatch.doc_number} — {matrix.sender.name}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(headers())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, row in enumerate(matrix.rows, start=1):
        sheet.append(row_values(index, row))
        if row.late:
            for cell in sheet[sheet.max_row]:
                cell.fill = LATE_FILL
    for column, width in zip("ABCDEFGHIJK", (5, 20, 40, 36, 22, 24, 44, 17, 17, 24, 8), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
