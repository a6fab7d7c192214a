"""PDF labels with reportlab: vector bars, embedded Roboto for every glyph, one page (or A4 slot) per label.

Batches stream: labels are drawn one at a time from any iterable and each finished page is compressed, so the
memory held is the compressed page streams, not the labels or their drawings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from io import BytesIO
from typing import BinaryIO

from reportlab.pdfgen.canvas import Canvas

from labels import fonts
from labels.content import consignment_content
from labels.data import ConsignmentLabel, FitWarning, Rendered
from labels.layout import (
    A4_MM,
    A4_SLOTS,
    CONSIGNMENT_LAYOUTS,
    PT_PER_MM,
    QR_QUIET_MODULES,
    Box,
    Layout,
    pdf_module_choices,
    place_barcode,
)
from labels.symbols import code128, qr_matrix
from labels.text import FRAME_PAD_MM, baseline_offset, clean, fit, line_tops

PDF_SIZES = ("a6", "100x150", "a4")


def new_canvas(out: BinaryIO | str, page_mm: tuple[float, float], title: str) -> Canvas:
    """A compressed canvas whose initial font is Roboto, so the PDF carries no Helvetica resource at all."""
    fonts.register()
    canvas = Canvas(
        out,
        pagesize=(page_mm[0] * PT_PER_MM, page_mm[1] * PT_PER_MM),
        pageCompression=1,
        invariant=1,
        initialFontName=fonts.REGULAR,
    )
    canvas.setTitle(title)
    canvas.setCreator("Hỏa tốc")
    return canvas


class PdfPainter:
    """Draws layout boxes on a canvas; millimetres from the top-left become points from the bottom-left."""

    def __init__(self, canvas: Canvas, page_height_mm: float, warnings: list[FitWarning]) -> None:
        self.canvas = canvas
        self.page_height_mm = page_height_mm
        self.warnings = warnings
        self.ox = self.oy = 0.0

    def x(self, mm: float) -> float:
        """Horizontal position in points."""
        return (self.ox + mm) * PT_PER_MM

    def y(self, mm: float) -> float:
        """Vertical position in points (PDF counts from the bottom)."""
        return (self.page_height_mm - self.oy - mm) * PT_PER_MM

    def draw(
        self, layout: Layout, content: dict[str, str], origin: tuple[float, float], label_id: str
    ) -> None:
        """Draw every box of `layout` that has content, with the label's top-left corner at `origin` (mm)."""
        self.ox, self.oy = origin
        for box in layout.boxes:
            value = content.get(box.name)
            if box.kind == "rule":
                self.canvas.rect(
                    self.x(box.x), self.y(box.y + box.h), box.w * PT_PER_MM, box.h * PT_PER_MM, 0, 1
                )
            elif not value:
                continue
            elif box.kind == "text":
                self.text(box, value, label_id)
            elif box.kind == "barcode":
                self.barcode(box, value)
            elif box.kind == "qr":
                self.qr(box, value)

    def text(self, box: Box, value: str, label_id: str) -> None:
        """Fitted lines in Roboto, framed when the box asks for it."""
        fitted = fit(value, box)
        if fitted.truncated:
            self.warnings.append(FitWarning(label_id, box.name, clean(value), fitted.text))
        canvas = self.canvas
        if box.frame:
            half = box.frame / 2
            canvas.setLineWidth(box.frame * PT_PER_MM)
            canvas.rect(
                self.x(box.x + half),
                self.y(box.y + box.h - half),
                *self._pt(box.w - box.frame, box.h - box.frame),
            )
        canvas.setFont(fonts.font_name(box.bold), fitted.size)
        pad = box.frame + FRAME_PAD_MM if box.frame else 0.0
        rise = baseline_offset(fitted.size)
        for top, line in zip(line_tops(box, fitted, bool(box.frame)), fitted.lines, strict=True):
            y = self.y(top + rise)
            if box.align == "center":
                canvas.drawCentredString(self.x(box.x + box.w / 2), y, line)
            elif box.align == "right":
                canvas.drawRightString(self.x(box.x + box.w - pad), y, line)
            else:
                canvas.drawString(self.x(box.x + pad), y, line)

    def barcode(self, box: Box, data: str) -> None:
        """Code 128 bars as one filled path, quiet zones left blank."""
        symbol = code128(data)
        place = place_barcode(box, len(symbol.modules), pdf_module_choices(box, len(symbol.modules)))
        module = place.module * PT_PER_MM
        left, bottom = self.x(place.bars_x), self.y(place.y + place.height)
        height = place.height * PT_PER_MM
        rects = [
            f"{left + start * module:.3f} {bottom:.3f} {width * module:.3f} {height:.3f} re"
            for start, width in symbol.runs
        ]
        self.canvas.addLiteral("q 0 g\n" + "\n".join(rects) + "\nf Q")

    def qr(self, box: Box, data: str) -> None:
        """QR modules merged into horizontal runs, with its 4-module quiet zone inside the box."""
        matrix = qr_matrix(data)
        module = min(box.w, box.h) / (len(matrix) + 2 * QR_QUIET_MODULES) * PT_PER_MM
        left = self.x(box.x) + QR_QUIET_MODULES * module
        top = self.y(box.y) - QR_QUIET_MODULES * module
        rects = []
        for row_index, row in enumerate(matrix):
            y = top - (row_index + 1) * module
            for start, width in _runs(row):
                rects.append(f"{left + start * module:.2f} {y:.2f} {width * module:.2f} {module:.2f} re")
        self.canvas.addLiteral("q 0 g\n" + "\n".join(rects) + "\nf Q")

    @staticmethod
    def _pt(w: float, h: float) -> tuple[float, float]:
        return w * PT_PER_MM, h * PT_PER_MM


def _runs(row: list[bool]) -> Iterator[tuple[int, int]]:
    """(start, length) of each run of dark modules."""
    start = None
    for i, dark in enumerate([*row, False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            yield start, i - start
            start = None


def write_labels_pdf(
    labels: Iterable[ConsignmentLabel], out: BinaryIO | str, size: str = "a6"
) -> list[FitWarning]:
    """Write one PDF with a label per consignment, in order, to `out` (a path or binary file).

    size: "a6" or "100x150" (one label per page) or "a4" (four A6 labels per sheet). Returns the fit warnings.
    """
    if size not in PDF_SIZES:
        raise ValueError(f"size must be one of {PDF_SIZES}")
    layout = CONSIGNMENT_LAYOUTS["a6" if size == "a4" else size]
    page_mm = A4_MM if size == "a4" else (layout.width, layout.height)
    slots = A4_SLOTS if size == "a4" else ((0.0, 0.0),)
    warnings: list[FitWarning] = []
    canvas = new_canvas(out, page_mm, "Nhãn bưu gửi")
    painter = PdfPainter(canvas, page_mm[1], warnings)
    slot = 0
    for label in labels:
        painter.draw(layout, consignment_content(label), slots[slot], label.tracking)
        slot = (slot + 1) % len(slots)
        if slot == 0:
            canvas.showPage()
    if slot:
        canvas.showPage()
    canvas.save()
    return warnings


def render_labels_pdf(labels: Iterable[ConsignmentLabel], size: str = "a6") -> Rendered:
    """Render consignment labels into PDF bytes (see `write_labels_pdf`)."""
    buffer = BytesIO()
    warnings = write_labels_pdf(labels, buffer, size)
    return Rendered(buffer.getvalue(), tuple(warnings))
