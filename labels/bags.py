"""Bag labels: the bag id as Code 128, the offices it runs between, its item count and seal time."""

from __future__ import annotations

from io import BytesIO

from labels.content import bag_content
from labels.data import BagLabel, FitWarning, Rendered
from labels.layout import BAG_LAYOUTS, ZPL_STOCK_MM, Layout
from labels.pdf import PdfPainter, new_canvas, save
from labels.zpl import ZplPainter


def _layout(size: str) -> Layout:
    if size not in BAG_LAYOUTS:
        raise ValueError(f"size must be one of {tuple(BAG_LAYOUTS)}")
    return BAG_LAYOUTS[size]


def render_bag_label_pdf(bag: BagLabel, size: str = "a6") -> Rendered:
    """One bag label as a one-page PDF; size "a6" or "100x150"."""
    layout = _layout(size)
    buffer = BytesIO()
    warnings: list[FitWarning] = []
    canvas = new_canvas(buffer, (layout.width, layout.height), f"Nhãn túi {bag.bag_id}")
    PdfPainter(canvas, layout.height, warnings).draw(layout, bag_content(bag), (0.0, 0.0), bag.bag_id)
    canvas.showPage()
    save(canvas)
    return Rendered(buffer.getvalue(), tuple(warnings))


def render_bag_label_zpl(bag: BagLabel, size: str = "100x150", dpi: int = 203) -> Rendered:
    """One bag label as a ^XA…^XZ ZPL label for a 203 or 300 dpi printer."""
    warnings: list[FitWarning] = []
    text = ZplPainter(dpi, warnings).label(
        BAG_LAYOUTS[size], ZPL_STOCK_MM[size], bag_content(bag), bag.bag_id
    )
    return Rendered(text.encode("utf-8"), tuple(warnings))
