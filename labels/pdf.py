"""PDF labels with reportlab: vector bars, embedded Roboto for every glyph, one page (or A4 slot) per label.

Batches take any iterable and draw labels one at a time, so the labels are never all in memory. reportlab still
keeps every page of the document until `save()` (about 11 kB per label: some 95 MB of peak RSS for 5,000 labels,
250 MB for 20,000), so very large runs are better split into several files.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import BinaryIO

from PIL import Image
from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
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
from labels.symbols import code128, qr_modules
from labels.text import FRAME_PAD_MM, baseline_offset, clean, fit, line_tops

PDF_SIZES = ("a6", "100x150", "a4")
_MAX_CACHED_TEXTS = 20_000  # per document: bounds memory in a batch of unique names


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


def save(canvas: Canvas) -> None:
    """Finish the PDF with binary (Flate only) streams.

    reportlab wraps compressed streams in ASCII85 by default, which in pure Python costs more than drawing the
    label itself and makes the file a quarter larger. Streams are encoded during save(), so the setting is only
    changed for that call (a PDF saved meanwhile by another thread merely gets binary streams too).
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        canvas.save()
    finally:
        rl_config.useA85 = saved


class TextEncoder:
    """Text turned into PDF show-text operators for reportlab's Roboto subsets, cached per document.

    reportlab's own text objects re-encode, re-escape and re-measure every string, which costs more than the
    rest of a label. The subset each glyph lands in is fixed once per document, so the operators of a string
    (captions, sender, offices, dates all repeat across a batch) are built once with the font's public
    `splitString` / `getSubsetInternalName` and reused.
    """

    def __init__(self, canvas: Canvas) -> None:
        self.doc = canvas._doc  # the font subset state is keyed by the document being written
        self.cache: dict[tuple[str, float, str], str] = {}

    def show(self, font_name: str, size: float, text: str) -> str:
        """`Tf`/`Tj` operators that draw `text` at the current text position."""
        key = (font_name, size, text)
        operators = self.cache.get(key)
        if operators is None:
            font = pdfmetrics.getFont(font_name)
            operators = " ".join(
                f"{font.getSubsetInternalName(subset, self.doc)} {size:g} Tf ({escapePDF(chunk)}) Tj"
                for subset, chunk in font.splitString(text, self.doc)
            )
            if len(self.cache) < _MAX_CACHED_TEXTS:
                self.cache[key] = operators
        return operators


class PdfPainter:
    """Draws layout boxes on a canvas; millimetres from the top-left become points from the bottom-left.

    Hot path of every batch: a label is written as one block of PDF operators. Text comes from the cached
    `TextEncoder`; bars and rules are integer rectangles under a scaling matrix; the QR is one image mask.
    This avoids reportlab's per-call number formatting, which otherwise costs more than the drawing.
    """

    def __init__(self, canvas: Canvas, page_height_mm: float, warnings: list[FitWarning]) -> None:
        self.canvas = canvas
        self.page_height_mm = page_height_mm
        self.warnings = warnings
        self.encoder = TextEncoder(canvas)
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
        operators: list[str] = []
        for box in layout.boxes:
            value = content.get(box.name)
            if box.kind == "rule":
                operators.append(self._rect(box.x, box.y, box.w, box.h) + " f")
            elif not value:
                continue
            elif box.kind == "text":
                self.text(operators, box, value, label_id)
            elif box.kind == "barcode":
                operators.append(self.barcode(box, value))
            elif box.kind == "qr":
                operators.append(self.qr(box, value))
        self.canvas.addLiteral("q 0 g 0 G\n" + "\n".join(operators) + "\nQ")

    def _rect(self, x: float, y: float, w: float, h: float) -> str:
        return f"{self.x(x):.2f} {self.y(y + h):.2f} {w * PT_PER_MM:.2f} {h * PT_PER_MM:.2f} re"

    def text(self, operators: list[str], box: Box, value: str, label_id: str) -> None:
        """Fitted lines in Roboto, framed when the box asks for it."""
        fitted = fit(value, box)
        if fitted.truncated:
            self.warnings.append(FitWarning(label_id, box.name, clean(value), fitted.text))
        if box.frame:
            half = box.frame / 2
            rect = self._rect(box.x + half, box.y + half, box.w - box.frame, box.h - box.frame)
            operators.append(f"{box.frame * PT_PER_MM:.2f} w {rect} S")
        font = fonts.font_name(box.bold)
        pad = box.frame + FRAME_PAD_MM if box.frame else 0.0
        rise = baseline_offset(fitted.size)
        for top, line in zip(line_tops(box, fitted, bool(box.frame)), fitted.lines, strict=True):
            width = fonts.width(line, box.bold) * fitted.size
            if box.align == "center":
                x = self.x(box.x + box.w / 2) - width / 2
            elif box.align == "right":
                x = self.x(box.x + box.w - pad) - width
            else:
                x = self.x(box.x + pad)
            show = self.encoder.show(font, fitted.size, line)
            operators.append(f"BT {x:.2f} {self.y(top + rise):.2f} Td {show} ET")

    def barcode(self, box: Box, data: str) -> str:
        """Code 128 bars in module units under a matrix scaling them to the module width and bar height."""
        symbol = code128(data)
        place = place_barcode(box, len(symbol.modules), pdf_module_choices(box, len(symbol.modules)))
        matrix = f"{place.module * PT_PER_MM:.4f} 0 0 {place.height * PT_PER_MM:.3f} {self.x(place.bars_x):.3f} {self.y(place.y + place.height):.3f} cm"
        bars = " ".join(f"{start} 0 {width} 1 re" for start, width in symbol.runs)
        return f"q {matrix} {bars} f Q"

    def qr(self, box: Box, data: str) -> str:
        """The QR as a 1-bit inline image mask scaled to whole modules, its 4-module quiet zone inside the box.

        One small image instead of hundreds of rectangles: a third of the cost of a label otherwise.
        """
        size, raw = qr_modules(data)
        module = min(box.w, box.h) / (size + 2 * QR_QUIET_MODULES)
        side = size * module * PT_PER_MM
        quiet = QR_QUIET_MODULES * module
        # Packed rows with 0 for a dark module: an image mask paints its 0 samples.
        bits = Image.frombytes("L", (size, size), raw).convert("1", dither=Image.Dither.NONE).tobytes()
        return (
            f"q {side:.3f} 0 0 {side:.3f} {self.x(box.x + quiet):.3f} {self.y(box.y + quiet) - side:.3f} cm "
            f"BI /W {size} /H {size} /IM true /BPC 1 /F /AHx ID {bits.hex()}> EI Q"
        )


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
    slot = count = 0
    for count, label in enumerate(labels, start=1):  # noqa: B007 - count is read after the loop
        painter.draw(layout, consignment_content(label), slots[slot], label.tracking)
        slot = (slot + 1) % len(slots)
        if slot == 0:
            canvas.showPage()
    if slot or not count:  # an empty batch still makes a readable (blank) one-page PDF
        canvas.showPage()
    save(canvas)
    return warnings


def render_labels_pdf(labels: Iterable[ConsignmentLabel], size: str = "a6") -> Rendered:
    """Render consignment labels into PDF bytes (see `write_labels_pdf`)."""
    buffer = BytesIO()
    warnings = write_labels_pdf(labels, buffer, size)
    return Rendered(buffer.getvalue(), tuple(warnings))
