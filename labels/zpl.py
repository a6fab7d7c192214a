"""ZPL for Zebra thermal printers at 203 and 300 dpi, drawn from the same layout as the PDF.

Printer fonts have no Vietnamese glyphs, so any text outside plain ASCII is rasterised from Roboto with Pillow and
sent as a ^GF graphic (Z64-compressed). Barcodes stay native (^BC) with a whole number of dots per module. Graphics
for repeated strings (captions, senders, banners) are cached across the batch.
"""

from __future__ import annotations

import base64
import binascii
import math
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache

from PIL import Image, ImageDraw

from labels import fonts
from labels.content import consignment_content
from labels.data import ConsignmentLabel, FitWarning, Rendered
from labels.layout import (
    CONSIGNMENT_LAYOUTS,
    MM_PER_INCH,
    QR_QUIET_MODULES,
    ZPL_DPI,
    ZPL_STOCK_MM,
    Box,
    Layout,
    dot_module_choices,
    place_barcode,
)
from labels.symbols import code128, qr_modules
from labels.text import FRAME_PAD_MM, baseline_offset, clean, fit, line_tops

ZPL_SIZES = ("a6", "100x150")
_INVERT = bytes(255 if v < 128 else 0 for v in range(256))
_FD_SPECIAL = str.maketrans({"_": "_5F", "^": "_5E", "~": "_7E"})


def _fd(text: str) -> str:
    """Field data, hex-escaped with ^FH when it holds a character ZPL would read as a command."""
    if any(c in text for c in "_^~"):
        return "^FH_^FD" + text.translate(_FD_SPECIAL) + "^FS"
    return "^FD" + text + "^FS"


def _z64(image: Image.Image) -> str:
    """A 1-bit image (1 = black) as a ^GFA command body with Z64 compression (base64 of zlib, CRC-16)."""
    raw = image.tobytes()
    encoded = base64.b64encode(zlib.compress(raw)).decode("ascii")
    crc = binascii.crc_hqx(encoded.encode("ascii"), 0)
    row_bytes = (image.width + 7) // 8
    return f"^GFA,{len(raw)},{len(raw)},{row_bytes},:Z64:{encoded}:{crc:04X}"


@lru_cache(maxsize=2048)
def text_graphic(line: str, pixels: int, bold: bool, max_width: int) -> tuple[int, int, int, str]:
    """Rasterise one line: (x offset, y offset from the baseline, advance width, ^GF command).

    Pillow's hinted advances can differ by a dot or two from the linear metrics used to fit the text; the pixel
    size is lowered until the line is within `max_width`, so the graphic never spills out of its box.
    """
    font = fonts.pil_font(bold, pixels)
    while pixels > 6 and font.getlength(line) > max_width:
        pixels -= 1
        font = fonts.pil_font(bold, pixels)
    # Draw on a generous canvas and crop to the ink: getbbox under-reports some glyphs by a dot or two.
    advance = font.getlength(line)
    origin = pixels
    canvas = Image.new("1", (math.ceil(advance) + 2 * origin, 3 * pixels), 0)
    ImageDraw.Draw(canvas).text((origin, 2 * pixels), line, font=font, fill=1, anchor="ls")
    left, top, right, bottom = canvas.getbbox() or (origin, 2 * pixels, origin + 1, 2 * pixels + 1)
    image = canvas.crop((left, top, right, bottom))
    left, top = left - origin, top - 2 * pixels
    return left, top, math.ceil(advance), _z64(image)


class ZplPainter:
    """Turns layout boxes into ZPL fields at one resolution."""

    def __init__(self, dpi: int, warnings: list[FitWarning]) -> None:
        if dpi not in ZPL_DPI:
            raise ValueError(f"dpi must be one of {ZPL_DPI}")
        self.dpi = dpi
        self.warnings = warnings
        self.module_choices = dot_module_choices(dpi)

    def dots(self, mm: float) -> int:
        """Millimetres to whole printer dots."""
        return round(mm * self.dpi / MM_PER_INCH)

    def label(
        self, layout: Layout, stock_mm: tuple[float, float], content: dict[str, str], label_id: str
    ) -> str:
        """One complete ^XA…^XZ label."""
        fields = [f"^XA^CI28^PW{self.dots(stock_mm[0])}^LL{self.dots(stock_mm[1])}^LH0,0^PON"]
        for box in layout.boxes:
            value = content.get(box.name)
            if box.kind == "rule":
                fields.append(
                    f"^FO{self.dots(box.x)},{self.dots(box.y)}^GB{self.dots(box.w)},{self.dots(box.h)},{self.dots(box.h)}^FS"
                )
            elif not value:
                continue
            elif box.kind == "text":
                fields.extend(self.text(box, value, label_id))
            elif box.kind == "barcode":
                fields.append(self.barcode(box, value))
            elif box.kind == "qr":
                fields.append(self.qr(box, value))
        fields.append("^PQ1^XZ\n")
        return "\n".join(fields)

    def text(self, box: Box, value: str, label_id: str) -> list[str]:
        """Fitted lines: ^A0 for plain ASCII (the printer's own font), ^GF graphics for Vietnamese."""
        fitted = fit(value, box)
        if fitted.truncated:
            self.warnings.append(FitWarning(label_id, box.name, clean(value), fitted.text))
        fields = []
        if box.frame:
            t = max(1, self.dots(box.frame))
            fields.append(
                f"^FO{self.dots(box.x)},{self.dots(box.y)}^GB{self.dots(box.w)},{self.dots(box.h)},{t}^FS"
            )
        pad = box.frame + FRAME_PAD_MM if box.frame else 0.0
        x0, width = self.dots(box.x + pad), self.dots(box.w - 2 * pad)
        pixels = round(fitted.size / 72 * self.dpi)
        for top, line in zip(line_tops(box, fitted, bool(box.frame)), fitted.lines, strict=True):
            baseline = self.dots(top + baseline_offset(fitted.size))
            if line.isascii() and box.bold:
                # ^A0's cell is about 1.1 em tall with its baseline near 0.85 of it: align baselines with the PDF.
                height = round(pixels * 1.1)
                justify = {"center": "C", "right": "R"}.get(box.align, "L")
                fields.append(
                    f"^FO{x0},{baseline - round(height * 0.85)}^A0N,{height},{round(height * 0.9)}^FB{width},1,0,{justify}"
                    + _fd(line)
                )
                continue
            left, rise, advance, graphic = text_graphic(line, pixels, box.bold, width)
            x = {"center": x0 + (width - advance) // 2, "right": x0 + width - advance}.get(box.align, x0)
            fields.append(f"^FO{x + left},{baseline + rise}{graphic}^FS")
        return fields

    def barcode(self, box: Box, data: str) -> str:
        """Native Code 128 with a whole-dot module width; the human-readable line is a separate box."""
        symbol = code128(data)
        place = place_barcode(box, len(symbol.modules), self.module_choices)
        module_dots = round(place.module / (MM_PER_INCH / self.dpi))
        height = math.ceil(place.height * self.dpi / MM_PER_INCH)
        return (
            f"^FO{self.dots(place.bars_x)},{self.dots(place.y)}^BY{module_dots}^BCN,{height},N,N,N,N"
            + _fd(symbol.zpl)
        )

    def qr(self, box: Box, data: str) -> str:
        """The QR as a graphic of whole-dot modules from the same matrix the PDF draws."""
        size, raw = qr_modules(data)
        magnification = max(1, self.dots(min(box.w, box.h)) // (size + 2 * QR_QUIET_MODULES))
        # zxing gives 0 for a dark module; ZPL wants 1 for a black dot.
        image = Image.frombytes("L", (size, size), raw.translate(_INVERT)).convert(
            "1", dither=Image.Dither.NONE
        )
        image = image.resize((size * magnification, size * magnification), Image.Resampling.NEAREST)
        offset = QR_QUIET_MODULES * magnification
        return f"^FO{self.dots(box.x) + offset},{self.dots(box.y) + offset}{_z64(image)}^FS"


def _check_size(size: str) -> None:
    if size not in ZPL_SIZES:
        raise ValueError(f"size must be one of {ZPL_SIZES}")


def iter_labels_zpl(
    labels: Iterable[ConsignmentLabel],
    size: str = "100x150",
    dpi: int = 203,
    warnings: list[FitWarning] | None = None,
) -> Iterator[str]:
    """Yield one ^XA…^XZ label per consignment, in order; fit warnings are appended to `warnings` if given."""
    _check_size(size)
    painter = ZplPainter(dpi, warnings if warnings is not None else [])
    layout = CONSIGNMENT_LAYOUTS[size]
    for label in labels:
        yield painter.label(layout, ZPL_STOCK_MM[size], consignment_content(label), label.tracking)


def render_labels_zpl(labels: Iterable[ConsignmentLabel], size: str = "100x150", dpi: int = 203) -> Rendered:
    """Render consignment labels into one UTF-8 ZPL document."""
    warnings: list[FitWarning] = []
    data = "".join(iter_labels_zpl(labels, size, dpi, warnings)).encode("utf-8")
    return Rendered(data, tuple(warnings))


__all__ = ["ZplPainter", "iter_labels_zpl", "render_labels_zpl", "text_graphic"]
