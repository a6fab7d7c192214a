"""The one description of where everything goes on a label, shared by the PDF and the ZPL renderers.

Boxes are in millimetres from the label's top-left corner. Each renderer converts millimetres to its own units
(points or dots) and draws the same boxes, so the two outputs cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH

# Code 128 geometry from the postal standard (postal-standards.md, "Barcodes and labels").
X_MIN_MM = 0.33
X_MAX_MM = 0.51
X_NOMINAL_MM = 0.375  # 3 dots at 203 dpi: the size every printer and the PDF aim at
QUIET_MODULES = 10
BAR_HEIGHT_MIN_MM = 12.5
BAR_HEIGHT_MM = 15.0
BAR_HEIGHT_RATIO = 0.15
QR_QUIET_MODULES = 4

# Text lines are 1.25 em apart and the baseline sits 1 em below the line's top, which leaves room for the
# stacked Vietnamese diacritics above capitals (Ổ, Ầ) and for descenders.
LEADING = 1.25
BASELINE = 1.0


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle of the label and how to fill it.

    kind: "text" (fitted text), "barcode" (Code 128), "qr", or "rule" (a horizontal line `h` mm thick).
    size / min_size: largest and smallest font size in points; text shrinks between them before it is truncated.
    frame: border thickness in mm drawn around the box when it has content (0: none).
    """

    name: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    size: float = 0.0
    min_size: float = 0.0
    bold: bool = False
    align: str = "left"
    max_lines: int = 1
    frame: float = 0.0


@dataclass(frozen=True, slots=True)
class Layout:
    """The boxes of one label size."""

    name: str
    width: float
    height: float
    boxes: tuple[Box, ...]

    def box(self, name: str) -> Box:
        """The box called `name`."""
        return next(b for b in self.boxes if b.name == name)


@dataclass(frozen=True, slots=True)
class BarcodePlacement:
    """Where a Code 128 symbol goes: `x` is the left edge of its left quiet zone, `y` the top of its bars."""

    x: float
    y: float
    module: float
    modules: int
    height: float

    @property
    def quiet(self) -> float:
        """Width of each quiet zone, mm."""
        return QUIET_MODULES * self.module

    @property
    def bars_x(self) -> float:
        """Left edge of the first bar, mm."""
        return self.x + self.quiet

    @property
    def width(self) -> float:
        """Symbol width including both quiet zones, mm."""
        return (self.modules + 2 * QUIET_MODULES) * self.module


class BarcodeDoesNotFitError(ValueError):
    """The data is too long for a scannable barcode in its box: refusing beats printing an unreadable label."""


def place_barcode(box: Box, modules: int, module_choices: Sequence[float]) -> BarcodePlacement:
    """Centre a symbol of `modules` modules in `box`, using the first module width (mm) that fits.

    Bar height is the standard's 15 mm, raised to 15 % of the symbol width when the symbol is wide.
    """
    for module in module_choices:
        if not X_MIN_MM - 1e-9 <= module <= X_MAX_MM + 1e-9:
            continue
        width = (modules + 2 * QUIET_MODULES) * module
        height = max(BAR_HEIGHT_MM, BAR_HEIGHT_RATIO * width)
        if width <= box.w + 1e-9 and height <= box.h + 1e-9:
            return BarcodePlacement(box.x + (box.w - width) / 2, box.y, module, modules, height)
    raise BarcodeDoesNotFitError(f"{modules} modules do not fit a {box.w:.1f} x {box.h:.1f} mm box")


def pdf_module_choices(box: Box, modules: int) -> tuple[float, ...]:
    """PDF is vector: the nominal width, or the widest one that still fits the box."""
    return (X_NOMINAL_MM, box.w / (modules + 2 * QUIET_MODULES))


def dot_module_choices(dpi: int) -> tuple[float, ...]:
    """Whole-dot module widths within the standard, closest to the nominal first (resampled bars do not scan)."""
    mm_per_dot = MM_PER_INCH / dpi
    dots = range(math.ceil(X_MIN_MM / mm_per_dot), math.floor(X_MAX_MM / mm_per_dot) + 1)
    return tuple(sorted((d * mm_per_dot for d in dots), key=lambda m: abs(m - X_NOMINAL_MM)))


def _text(name: str, x: float, y: float, w: float, h: float, size: float, **kw: object) -> Box:
    kw.setdefault("min_size", min(size, 6.0))
    return Box(name, "text", x, y, w, h, size, **kw)  # type: ignore[arg-type]


def _consignment(name: str, width: float, height: float) -> Layout:
    m = 4.0
    cw = width - 2 * m
    side = 25.0  # the right column: confidentiality mark at the top, QR code at the bottom
    left = cw - side - 3
    right_x = width - m - side
    boxes = (
        _text("urgency", m, 4, left, 10.5, 24, bold=True, align="center", frame=0.8, min_size=12),
        _text("appointment", m, 15.5, left, 6, 11, bold=True, align="center", frame=0.5, min_size=7),
        _text("mark", right_x, 4, side, 17.5, 44, bold=True, align="center", frame=1.0),
        _text("reprint", m, 22, left, 4.5, 9, bold=True),
        _text("destination_caption", m, 27, 50, 4, 7),
        _text("destination", m, 31, 50, 11, 30, bold=True, min_size=14),
        _text("registered", m + 52, 28, cw - 52, 4.5, 8.5),
        _text("pieces", m + 52, 32.5, cw - 52, 4.5, 8.5),
        _text("weight", m + 52, 37, cw - 52, 4.5, 8.5),
        Box("rule_top", "rule", m, 43, cw, 0.3),
        Box("barcode", "barcode", m, 44, cw, 16),
        _text("tracking_text", m, 60.5, cw, 6.5, 14, bold=True, align="center", min_size=10),
        Box("rule_recipient", "rule", m, 68, cw, 0.3),
        _text("recipient_caption", m, 69, cw, 4, 7),
        _text("recipient_name", m, 73, cw, 11, 13, bold=True, max_lines=2, min_size=7),
        _text("recipient_address", m, 84.5, cw, 12, 10, max_lines=3),
        _text("recipient_commune", m, 97, cw, 6, 11, bold=True, min_size=7),
        Box("rule_sender", "rule", m, 104, cw, 0.3),
        _text("sender_caption", m, 105, left, 4, 7),
        _text("sender", m, 109, left, 9, 10, bold=True, max_lines=2),
        _text("document_number", m, 119, left, 5, 9),
        _text("document_title", m, 124.5, left, height - m - 124.5, 8, max_lines=4),
        Box("qr", "qr", right_x, 106, side, side),
        _text("qr_caption", right_x, 131, side, 4, 7, align="center"),
    )
    return Layout(name, width, height, boxes)


def _bag(name: str, width: float, height: float) -> Layout:
    m = 4.0
    cw = width - 2 * m
    boxes = (
        _text("title", m, 4, cw, 10, 18, bold=True, align="center", frame=0.8, min_size=10),
        Box("barcode", "barcode", m, 17, cw, 22),
        _text("bag_text", m, 39.5, cw, 7, 14, bold=True, align="center", min_size=8),
        Box("rule_top", "rule", m, 48, cw, 0.3),
        _text("origin_caption", m, 50, cw, 4, 8),
        _text("origin", m, 54, cw, 12, 14, bold=True, max_lines=2),
        _text("destination_caption", m, 68, cw, 4, 8),
        _text("destination", m, 72, cw, 20, 48, bold=True, min_size=14),
        _text("destination_name", m, 93, cw, 14, 14, bold=True, max_lines=2),
        Box("rule_bottom", "rule", m, 109, cw, 0.3),
        _text("count", m, 111, cw, 9, 18, bold=True, min_size=10),
        _text("sealed", m, 121, cw, 7, 12),
    )
    return Layout(name, width, height, boxes)


SIZES_MM = {"a6": (105.0, 148.0), "100x150": (100.0, 150.0)}
CONSIGNMENT_LAYOUTS = {size: _consignment(size, *dims) for size, dims in SIZES_MM.items()}
BAG_LAYOUTS = {size: _bag(size, *dims) for size, dims in SIZES_MM.items()}

# A4 sheets carry four A6 labels, two by two; the 1 mm left over vertically is split above and below.
A4_MM = (210.0, 297.0)
A4_SLOTS = ((0.0, 0.5), (105.0, 0.5), (0.0, 148.5), (105.0, 148.5))

# Thermal stock: the 100x150 label is really 4x6 in (812x1218 dots at 203 dpi); A6 is cut to size.
ZPL_STOCK_MM = {"a6": (105.0, 148.0), "100x150": (101.6, 152.4)}
ZPL_DPI = (203, 300)
