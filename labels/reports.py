"""The delivery report of a dispatch: a printable A4 PDF with a summary, every recipient, and room to sign.

Pure like the rest of `labels/`: rows of already-formatted text in, PDF bytes out.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from labels import fonts


@dataclass(frozen=True)
class DeliveryReport:
    title: str
    subtitle: str
    summary: tuple[tuple[str, str], ...]  # (label, value)
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    late_rows: frozenset[int]  # indexes into rows to highlight
    signatures: tuple[str, ...]  # captions of the signature boxes
    footer: str
    # Relative widths of the columns (empty: equal). Equal shares squeeze a tracking number onto two lines.
    widths: tuple[float, ...] = ()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _styles() -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    fonts.register()
    title = ParagraphStyle("title", fontName=fonts.BOLD, fontSize=15, leading=19, spaceAfter=4)
    body = ParagraphStyle("body", fontName=fonts.REGULAR, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", fontName=fonts.REGULAR, fontSize=7.5, leading=9.5)
    return title, body, small


def render_delivery_report_pdf(report: DeliveryReport) -> bytes:
    title, body, small = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=_nfc(report.title),
    )  # fmt: skip

    def para(text: str, style: ParagraphStyle = small) -> Paragraph:
        escaped = _nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped, style)

    story = [para(report.title, title), para(report.subtitle, body), Spacer(1, 4 * mm)]
    summary = Table(
        [[para(label, body), para(value, body)] for label, value in report.summary], hAlign="LEFT"
    )
    summary.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    story += [summary, Spacer(1, 5 * mm)]
    data = [[para(h, small) for h in report.headers]] + [[para(cell) for cell in row] for row in report.rows]
    widths = [doc.width * w / sum(report.widths) for w in report.widths] if report.widths else None
    table = Table(data, repeatRows=1, colWidths=widths)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef0f3")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style += [
        ("BACKGROUND", (0, i + 1), (-1, i + 1), colors.HexColor("#fdecea")) for i in sorted(report.late_rows)
    ]
    table.setStyle(TableStyle(style))
    story += [table, Spacer(1, 10 * mm)]
    boxes = Table(
        [[para(c, body) for c in report.signatures], [""] * len(report.signatures)],
        rowHeights=[None, 25 * mm],
    )
    boxes.setStyle(
        TableStyle(
            [("BOX", (0, 0), (-1, -1), 0.4, colors.grey), ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.grey)]
        )
    )
    story += [boxes, Spacer(1, 3 * mm), para(report.footer)]
    doc.build(story)
    return buffer.getvalue()
