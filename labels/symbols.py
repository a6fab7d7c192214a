"""Barcode symbols as plain module patterns, so the PDF and the ZPL print the very same symbol.

Code 128: our own small encoder (patterns from python-barcode) because both renderers need to know the exact
module count to centre the symbol and keep its quiet zones, and ZPL must be told the same subsets.
QR: the module matrix from zxing-cpp's writer, about five times faster than pure-Python encoders, which matters
in 5,000-label batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import zxingcpp
from barcode.charsets.code128 import CODES, STOP

_START_B, _START_C = 104, 105
_TO_B = 100
# ZPL ^BC invocation codes (mode N): start in subset B / C, switch to B / C.
_ZPL_START = {_START_B: ">:", _START_C: ">;"}
_ZPL_SWITCH = {_TO_B: ">6"}


@dataclass(frozen=True, slots=True)
class Code128:
    """An encoded symbol: `modules` is a string of '1' (bar) and '0' (space); `zpl` is the ^FD data."""

    data: str
    modules: str
    zpl: str

    @property
    def runs(self) -> list[tuple[int, int]]:
        """(first module, width in modules) of every bar."""
        bars, start = [], None
        for i, bit in enumerate(self.modules + "0"):
            if bit == "1" and start is None:
                start = i
            elif bit == "0" and start is not None:
                bars.append((start, i - start))
                start = None
        return bars


def _segments(data: str) -> list[tuple[str, str]]:
    """Split into a leading ("C", even digit run) when it saves space, then ("B", the rest).

    Subset C is used only for a leading run of 4 or more digits: switching from B to C mid-symbol (ZPL `>5`) is
    valid but the zebrash renderer that the tests print with mis-encodes it, and S10 numbers gain little from it.
    """
    run = len(data) - len(data.lstrip("0123456789"))
    run -= run % 2
    if run >= 4 or (run and run == len(data)):
        return [("C", data[:run])] + ([("B", data[run:])] if data[run:] else [])
    return [("B", data)]


@lru_cache(maxsize=256)
def code128(data: str) -> Code128:
    """Encode printable ASCII `data` as Code 128 (subsets B and C)."""
    if not data or not all(32 <= ord(c) < 127 for c in data):
        raise ValueError(f"Code 128 data must be printable ASCII: {data!r}")
    values: list[int] = []
    zpl: list[str] = []
    for subset, text in _segments(data):
        code = (_START_B if subset == "B" else _START_C) if not values else _TO_B
        values.append(code)
        zpl.append(_ZPL_START[code] if len(values) == 1 else _ZPL_SWITCH[code])
        if subset == "B":
            values.extend(ord(c) - 32 for c in text)
            zpl.append(text.replace(">", "><"))
        else:
            values.extend(int(text[k : k + 2]) for k in range(0, len(text), 2))
            zpl.append(text)
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    # python-barcode's STOP lacks the final 2-module termination bar.
    modules = "".join(CODES[v] for v in values) + CODES[check] + STOP + "11"
    return Code128(data, modules, "".join(zpl))


def qr_modules(data: str) -> tuple[int, bytes]:
    """QR code (error correction M, no quiet zone) as its side in modules and one byte per module, 0 = dark."""
    image = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False
    )
    return image.shape[0], bytes(image)
