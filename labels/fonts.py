"""Roboto, the one typeface of every label: it covers Vietnamese, which the built-in PDF and printer fonts do not.

Both renderers measure text with the same TrueType advance widths (via reportlab), so a line that fits in the PDF
fits in the ZPL graphic too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import font_roboto
from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "Roboto"
BOLD = "Roboto-Bold"
_FILES = {REGULAR: "Roboto-Regular.ttf", BOLD: "Roboto-Bold.ttf"}


def font_name(bold: bool) -> str:
    """The reportlab name of the regular or bold face."""
    return BOLD if bold else REGULAR


def font_path(name: str) -> Path:
    """Path of the TTF file shipped by the `font-roboto` package."""
    return Path(font_roboto.font_directory) / _FILES[name]


@lru_cache(maxsize=1)
def register() -> None:
    """Register both faces with reportlab once per process (parsing a TTF costs tens of milliseconds)."""
    for name in _FILES:
        pdfmetrics.registerFont(TTFont(name, str(font_path(name))))


@lru_cache(maxsize=8192)
def width(text: str, bold: bool) -> float:
    """Advance width of `text` at 1 pt, in points; cached because names and captions repeat across a batch."""
    register()
    return pdfmetrics.stringWidth(text, font_name(bold), 1.0)


@lru_cache(maxsize=64)
def pil_font(bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    """The Pillow face at a pixel size, for text sent to thermal printers as graphics."""
    return ImageFont.truetype(str(font_path(font_name(bold))), pixels, layout_engine=ImageFont.Layout.BASIC)
