"""UPU S10 item identifiers: `EB 123 456 785 VN`.

One parser for every place a number is read (API, CSV, scanner, tracking page): spaces and
letter case are forgiven, the check digit is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import mul

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
RESERVED_FIRST_LETTERS = frozenset("JKSTW")
_SHAPE = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
# Compiled once: a scan batch reads hundreds of numbers, and re.sub with a pattern text looks it up each time.
_PREFIX = re.compile(r"[A-Z]{2}")
_SEPARATORS = re.compile(r"[\s\-]")
_REMAINDER_DIGIT = {10: 0, 11: 5}


class S10Error(ValueError):
    """Why a string is not a valid S10 identifier; ``typo`` means the shape is right but the check digit is not."""

    def __init__(self, message: str, code: str = "shape") -> None:
        super().__init__(message)
        # shape | reserved | check_digit | serial: lets the UI translate and tell a typo from a wrong number.
        self.code = code

    @property
    def typo(self) -> bool:
        return self.code == "check_digit"


def check_digit(serial: str | int) -> int:
    digits = f"{int(serial):08d}"
    if len(digits) != 8:
        raise S10Error("the serial must have 8 digits", "serial")
    remainder = 11 - sum(map(mul, map(int, digits), WEIGHTS)) % 11
    return _REMAINDER_DIGIT.get(remainder, remainder)


def compose(prefix: str, serial: int, country: str = "VN") -> str:
    prefix = prefix.upper()
    check_prefix(prefix)
    if not 0 <= serial <= 99_999_999:
        raise S10Error("the serial must be between 0 and 99999999", "serial")
    return f"{prefix}{serial:08d}{check_digit(serial)}{country}"


def check_prefix(prefix: str) -> None:
    if not _PREFIX.fullmatch(prefix):
        raise S10Error("the service indicator is two letters")
    if prefix[0] in RESERVED_FIRST_LETTERS:
        raise S10Error(f"service indicators starting with {prefix[0]} are reserved by the UPU", "reserved")


def normalise(text: str) -> str:
    """Upper case, without spaces or dashes: what a person or a scanner may have added."""
    return _SEPARATORS.sub("", text or "").upper()


def parse(text: str) -> str:
    """Return the canonical 13-character number or raise S10Error saying what is wrong."""
    value = normalise(text)
    match = _SHAPE.match(value)
    if match is None:
        raise S10Error(
            "not an S10 number: two letters, 8 digits, a check digit and two letters (e.g. EB123456785VN)"
        )
    prefix, serial, check, _country = match.groups()
    check_prefix(prefix)
    if int(check) != check_digit(serial):
        raise S10Error("the check digit does not match: probably a typing mistake", "check_digit")
    return value


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except S10Error:
        return False
    return True


def group(tracking: str) -> str:
    """For people: `EB 123 456 785 VN`."""
    t = normalise(tracking)
    return f"{t[:2]} {t[2:5]} {t[5:8]} {t[8:11]} {t[11:]}"


@dataclass(frozen=True)
class Parsed:
    prefix: str
    serial: int
    country: str

    @classmethod
    def of(cls, text: str) -> Parsed:
        value = parse(text)
        return cls(value[:2], int(value[2:10]), value[11:])
