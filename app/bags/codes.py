"""Bag ids: ``BG`` + a 9-digit serial + one Damm check digit, e.g. ``BG0000000013``.

The serial is the bag's database id. The check digit uses the Damm algorithm (H. M. Damm, 2004): a
quasigroup of order 10 that catches every single mistyped digit and every swap of two adjacent digits,
which are the mistakes people make when they type a number read off a label. Printed as Code 128 and
grouped for people as ``BG 000 000 001 3``; read back with or without spaces, in any letter case.
"""

from __future__ import annotations

import re

PREFIX = "BG"
SERIAL_DIGITS = 9
MAX_SERIAL = 10**SERIAL_DIGITS - 1
_SHAPE = re.compile(r"^BG(\d{9})(\d)$")

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


class BagCodeError(ValueError):
    """Why a text is not a bag id; ``typo`` when only the check digit disagrees."""

    def __init__(self, message: str, typo: bool = False) -> None:
        super().__init__(message)
        self.typo = typo


def damm(digits: str) -> int:
    interim = 0
    for digit in digits:
        interim = _DAMM[interim][int(digit)]
    return interim


def bag_code(serial: int) -> str:
    if not 1 <= serial <= MAX_SERIAL:
        raise BagCodeError("bag serials run from 1 to 999999999")
    digits = f"{serial:0{SERIAL_DIGITS}d}"
    return f"{PREFIX}{digits}{damm(digits)}"


def normalise(text: str) -> str:
    return re.sub(r"[\s\-]", "", text or "").upper()


def looks_like_bag(text: str) -> bool:
    """True for anything shaped like a bag id (right or mistyped), to route a scanned code."""
    return bool(_SHAPE.match(normalise(text)))


def parse_bag_code(text: str) -> int:
    """The serial (database id) of a bag id, or BagCodeError saying what is wrong."""
    match = _SHAPE.match(normalise(text))
    if match is None:
        raise BagCodeError("not a bag id: BG, 9 digits and a check digit (e.g. BG0000000013)")
    digits, check = match.groups()
    if damm(digits) != int(check):
        raise BagCodeError("the check digit does not match: probably a typing mistake", typo=True)
    serial = int(digits)
    if serial < 1:
        raise BagCodeError("bag serials start at 1")
    return serial


def group(code: str) -> str:
    """For people: ``BG 000 000 001 3``."""
    c = normalise(code)
    return f"{c[:2]} {c[2:5]} {c[5:8]} {c[8:11]} {c[11:]}"
