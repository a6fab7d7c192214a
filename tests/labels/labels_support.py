"""Shared helpers of the label tests: sample data, PDF and ZPL rasterisation, barcode decoding.

Kept out of a conftest so the tests also run with `--noconftest` while the rest of the repository is built.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from PIL import Image

from labels import ConsignmentLabel

ROOT = Path(__file__).resolve().parents[2]
ZPL_RENDER = ROOT / "tools" / "zpl-render"
VN = timezone(timedelta(hours=7))
TRACKINGS = ("EB000000005VN", "EB123456785VN", "RR473124829GB", "EC136431858VN", "RR000000080VN")
TITLE = "V/v chuẩn bị bầu cử đại biểu Quốc hội khóa XVI"
NUMBER = "80/CV-UBBC"


def sample(tracking: str = "EB123456785VN", **changes: object) -> ConsignmentLabel:
    """A full-content unclassified label; keyword arguments replace fields."""
    label = ConsignmentLabel(
        tracking=tracking,
        sender="Ủy ban bầu cử tỉnh Điện Biên",
        recipient_name="Ủy ban bầu cử xã Mường Phăng",
        recipient_address="Bản Mường Phăng, xã Mường Phăng, tỉnh Điện Biên",
        recipient_commune="Xã Mường Phăng",
        destination_office="32105",
        registered_at=datetime(2026, 2, 21, 1, 30, tzinfo=UTC),
        tracking_url=f"https://hoatoc.example.vn/track?ids={tracking}",
        urgency="flash",
        document_number=NUMBER,
        document_title=TITLE,
        piece=1,
        pieces=2,
        weight_g=250,
        origin_office="32100",
    )
    return replace(label, **changes) if changes else label


def s10(serial: int, prefix: str = "EB") -> str:
    """A valid S10 number for a serial (the check digit computed as the standard says)."""
    digits = f"{serial:08d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True)) % 11
    return f"{prefix}{digits}{ {10: 0, 11: 5}.get(check, check) }VN"


def grouped(tracking: str) -> str:
    """How people read a number on the label: `EB 123 456 785 VN`."""
    return f"{tracking[:2]} {tracking[2:5]} {tracking[5:8]} {tracking[8:11]} {tracking[11:]}"


def nfd(text: str) -> str:
    """The decomposed form some keyboards send."""
    return unicodedata.normalize("NFD", text)


def pdf_pages(data: bytes, dpi: int) -> list[Image.Image]:
    """Rasterise every page of a PDF at `dpi`."""
    pdf = pdfium.PdfDocument(data)
    return [page.render(scale=dpi / 72).to_pil() for page in pdf]


def pdf_texts(data: bytes) -> list[str]:
    """The text layer of every page."""
    pdf = pdfium.PdfDocument(data)
    # pdfium reports a hyphen that ends a line as U+FFFE (a presumed soft hyphen); the PDF holds "-".
    return [page.get_textpage().get_text_range().replace("\ufffe", "-") for page in pdf]


def pdf_font_names(data: bytes) -> set[str]:
    """Names of the fonts every drawn character uses, as pdfium reports them."""
    names = set()
    for page in pdfium.PdfDocument(data):
        textpage = page.get_textpage()
        buffer = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        for index in range(textpage.count_chars()):
            length = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, 256, ctypes.byref(flags))
            if length:
                names.add(buffer.value.decode("utf-8", "replace"))
    return names


def pdf_base_fonts(data: bytes) -> list[str]:
    """Every /BaseFont declared in the file (font dictionaries are not compressed by reportlab)."""
    return re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", data)


def decode(image: Image.Image) -> list[str]:
    """Texts of every barcode found in an image."""
    return [result.text for result in zxingcpp.read_barcodes(image)]


def decode_code128(image: Image.Image) -> list[str]:
    """Texts of the Code 128 symbols found in an image."""
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.Code128]


def require_or_skip(reason: str) -> None:
    """Skip locally when a tool is missing; in CI (HOATOC_REQUIRE_ALL=1) a missing tool is a failure."""
    if os.environ.get("HOATOC_REQUIRE_ALL") == "1":
        pytest.fail(f"{reason} (HOATOC_REQUIRE_ALL=1: nothing may be skipped)")
    pytest.skip(reason)


def zpl_renderer() -> list[str]:
    """The command that rasterises ZPL, or skip/fail when node or the npm package is missing."""
    node = shutil.which("node")
    if node is None:
        require_or_skip("node is not installed")
    if not (ZPL_RENDER / "node_modules" / "zpl-renderer-js").is_dir():
        require_or_skip("zpl-renderer-js is not installed: run `npm ci --prefix tools/zpl-render`")
    return [str(node), str(ZPL_RENDER / "render.js")]


def render_zpl(zpl: bytes, dpi: int) -> list[Image.Image]:
    """Rasterise a ZPL document with zebrash (one image per ^XA…^XZ), at 8 or 12 dots/mm."""
    command = zpl_renderer()
    dpmm = 8 if dpi == 203 else 12
    width = int(re.search(rb"\^PW(\d+)", zpl).group(1))
    height = int(re.search(rb"\^LL(\d+)", zpl).group(1))
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "labels.zpl"
        source.write_bytes(zpl)
        args = ["--width-mm", f"{width / dpmm}", "--height-mm", f"{height / dpmm}", "--dpmm", str(dpmm)]
        result = subprocess.run(
            [*command, *args, "--out", str(Path(folder) / "label"), str(source)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return [Image.open(path).convert("L") for path in result.stdout.split()]


def bar_extent(image: Image.Image, row: int) -> tuple[int, int, list[int]]:
    """First and last dark pixel of a raster row, and the widths of its dark runs (bars)."""
    pixels = image.convert("L").crop((0, row, image.width, row + 1)).tobytes()
    dark = [value < 128 for value in pixels]
    runs, start = [], None
    for index, is_dark in enumerate([*dark, False]):
        if is_dark and start is None:
            start = index
        elif not is_dark and start is not None:
            runs.append(index - start)
            start = None
    first = dark.index(True)
    last = len(dark) - 1 - dark[::-1].index(True)
    return first, last, runs
