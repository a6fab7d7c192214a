"""UPU S10 numbers (app/s10.py): the vectors of postal-standards.md, and how people type them."""

from __future__ import annotations

import pytest

from app import s10

VALID = ["RR473124829GB", "EE471108151FR", "EC136431858VN", "RR000000080VN", "RR000000155VN",
         "EB000000005CN", "EB123456785VN"]  # fmt: skip
INVALID = {
    "EB123456789VN": "check_digit",  # wrong check digit
    "EB12345678VN": "shape",  # short
    "JB123456785VN": "reserved",  # J is a reserved first letter
}


@pytest.mark.parametrize("number", VALID)
def test_valid_vectors(number):
    assert s10.parse(number) == number
    assert s10.is_valid(number)
    parsed = s10.Parsed.of(number)
    assert s10.compose(parsed.prefix, parsed.serial, parsed.country) == number


@pytest.mark.parametrize(("number", "code"), INVALID.items())
def test_invalid_vectors_say_why(number, code):
    with pytest.raises(s10.S10Error) as excinfo:
        s10.parse(number)
    assert excinfo.value.code == code
    assert not s10.is_valid(number)
    assert excinfo.value.typo == (code == "check_digit")


def test_check_digit_special_cases():
    assert s10.check_digit("00000008") == 0  # 11 - S mod 11 = 10 -> 0
    assert s10.check_digit("00000015") == 5  # 11 - S mod 11 = 11 -> 5
    assert s10.check_digit(12345678) == 5


@pytest.mark.parametrize(
    "typed", ["eb123456785vn", "EB 123 456 785 VN", " eb 1234 5678 5 vn ", "EB-123-456-785-VN"]
)
def test_spaces_and_case_are_forgiven(typed):
    assert s10.parse(typed) == "EB123456785VN"


def test_grouped_for_people():
    assert s10.group("EB123456785VN") == "EB 123 456 785 VN"
    assert s10.group("eb 123456785 vn") == "EB 123 456 785 VN"


def test_compose_refuses_reserved_prefix_and_big_serial():
    with pytest.raises(s10.S10Error):
        s10.compose("JB", 1)
    with pytest.raises(s10.S10Error):
        s10.compose("EB", 100_000_000)
