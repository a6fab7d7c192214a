"""Text fitting: normalise, wrap, shrink, and shorten only visibly and with a report."""

from __future__ import annotations

import pytest
from labels_support import nfd

from labels import fonts
from labels.layout import CONSIGNMENT_LAYOUTS, PT_PER_MM, Box
from labels.text import ELLIPSIS, clean, fit, inner

NAME_BOX = CONSIGNMENT_LAYOUTS["a6"].box("recipient_name")


def _fits(fitted, box: Box) -> bool:
    width = inner(box)[0] * PT_PER_MM
    return all(fonts.width(line, box.bold) * fitted.size <= width + 1e-6 for line in fitted.lines)


def test_clean_normalises_to_nfc_and_collapses_spaces() -> None:
    assert clean(nfd("  Mường   Phăng\n")) == "Mường Phăng"


def test_short_text_keeps_its_size() -> None:
    fitted = fit("Xã Mường Phăng", NAME_BOX)
    assert fitted.lines == ("Xã Mường Phăng",)
    assert fitted.size == NAME_BOX.size
    assert not fitted.truncated


def test_long_text_wraps_before_it_shrinks() -> None:
    text = "Ban bầu cử đại biểu Hội đồng nhân dân tỉnh Điện Biên đơn vị số 3"
    fitted = fit(text, NAME_BOX)
    assert len(fitted.lines) == 2
    assert " ".join(fitted.lines) == text
    assert _fits(fitted, NAME_BOX)
    assert not fitted.truncated


def test_longer_text_shrinks_but_stays_whole() -> None:
    text = "Ban bầu cử đại biểu Hội đồng nhân dân tỉnh Điện Biên, đơn vị bầu cử số 3 gồm các xã Mường Nhé, Sín Thầu"
    fitted = fit(text, NAME_BOX)
    assert NAME_BOX.min_size <= fitted.size < NAME_BOX.size
    assert " ".join(fitted.lines) == text
    assert _fits(fitted, NAME_BOX)
    assert not fitted.truncated


def test_impossible_text_is_truncated_visibly() -> None:
    text = "Tổ bầu cử số 18 xã Tìa Dình " * 20
    fitted = fit(text, NAME_BOX)
    assert fitted.truncated
    assert fitted.size == NAME_BOX.min_size
    assert fitted.lines[-1].endswith(ELLIPSIS)
    assert len(fitted.lines) <= NAME_BOX.max_lines
    assert _fits(fitted, NAME_BOX)


def test_a_word_wider_than_the_box_is_broken_not_cut() -> None:
    box = Box("narrow", "text", 0, 0, 20, 8, 10, min_size=8, max_lines=2)
    word = "Nghĩaaaaaaaaaaaaaaaaa"
    fitted = fit(word, box)
    assert "".join(fitted.lines) == word
    assert not fitted.truncated
    assert _fits(fitted, box)


@pytest.mark.parametrize("name", ["urgency", "mark", "destination"])
def test_framed_and_big_boxes_fit(name: str) -> None:
    box = CONSIGNMENT_LAYOUTS["100x150"].box(name)
    fitted = fit({"urgency": "THƯỢNG KHẨN", "mark": "A", "destination": "32105"}[name], box)
    assert not fitted.truncated
    assert _fits(fitted, box)
