"""ZPL labels: structure, whole-dot Code 128, Vietnamese only as graphics, and decoding after rasterising."""

from __future__ import annotations

import re

import pytest
from labels_support import TRACKINGS, bar_extent, decode, decode_code128, render_zpl, s10, sample

from labels import iter_labels_zpl, render_labels_zpl
from labels.layout import (
    BAR_HEIGHT_MIN_MM,
    CONSIGNMENT_LAYOUTS,
    X_MAX_MM,
    X_MIN_MM,
    dot_module_choices,
    place_barcode,
)
from labels.zpl import text_graphic

STOCK_DOTS = {
    ("100x150", 203): (812, 1218),
    ("100x150", 300): (1200, 1800),
    ("a6", 203): (839, 1183),
    ("a6", 300): (1240, 1748),
}
MODULE_DOTS = {203: 3, 300: 4}
CASES = sorted(STOCK_DOTS)


@pytest.fixture(scope="module")
def zpl_batches() -> dict[tuple[str, int], bytes]:
    return {case: render_labels_zpl([sample(t) for t in TRACKINGS], *case).data for case in CASES}


@pytest.fixture(scope="module")
def zpl_images(zpl_batches: dict[tuple[str, int], bytes]) -> dict[tuple[str, int], list]:
    return {case: render_zpl(data, case[1]) for case, data in zpl_batches.items()}


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[1]}")
def test_structure(zpl_batches: dict, case: tuple[str, int]) -> None:
    zpl = zpl_batches[case].decode("utf-8")
    labels = re.findall(r"\^XA.*?\^XZ", zpl, flags=re.DOTALL)
    assert len(labels) == len(TRACKINGS) == zpl.count("^XA") == zpl.count("^XZ")
    width, height = STOCK_DOTS[case]
    for label, tracking in zip(labels, TRACKINGS, strict=True):
        assert label.startswith("^XA^CI28")
        assert f"^PW{width}^LL{height}" in label
        assert f"^FD>:{tracking}^FS" in label  # the S10 number in Code 128 subset B, native ^BC
        assert "^A0N" in label  # plain ASCII (office code, grouped number) may use the printer font
        assert "^GFA" in label
    # Every Vietnamese text went out as a graphic: the file itself is plain ASCII.
    assert zpl.isascii()


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[1]}")
def test_barcode_parameters(zpl_batches: dict, case: tuple[str, int]) -> None:
    size, dpi = case
    zpl = zpl_batches[case].decode("utf-8")
    mm_per_dot = 25.4 / dpi
    (module,) = {int(v) for v in re.findall(r"\^BY(\d+)", zpl)}
    assert module == MODULE_DOTS[dpi]
    assert X_MIN_MM <= module * mm_per_dot <= X_MAX_MM
    (height,) = {int(v) for v in re.findall(r"\^BCN,(\d+),N,N,N,N", zpl)}
    symbol_mm = (178 + 20) * module * mm_per_dot
    assert height * mm_per_dot >= BAR_HEIGHT_MIN_MM
    assert height * mm_per_dot >= 0.15 * symbol_mm
    box = CONSIGNMENT_LAYOUTS[size].box("barcode")
    place = place_barcode(box, 178, dot_module_choices(dpi))
    (x,) = {int(v) for v in re.findall(r"\^FO(\d+),\d+\^BY", zpl)}
    assert x * mm_per_dot - place.quiet >= box.x - mm_per_dot  # the left quiet zone stays inside the box


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[1]}")
def test_rasterised_labels_decode(zpl_images: dict, case: tuple[str, int]) -> None:
    images = zpl_images[case]
    assert len(images) == len(TRACKINGS)
    for image, tracking in zip(images, TRACKINGS, strict=True):
        found = decode(image)
        assert decode_code128(image) == [tracking]
        assert f"https://hoatoc.example.vn/track?ids={tracking}" in found


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case[0]}-{case[1]}")
def test_rasterised_bars_are_whole_dots_with_quiet_zones(zpl_images: dict, case: tuple[str, int]) -> None:
    size, dpi = case
    module = MODULE_DOTS[dpi]
    box = CONSIGNMENT_LAYOUTS[size].box("barcode")
    place = place_barcode(box, 178, dot_module_choices(dpi))
    image = zpl_images[case][0]
    row = round((place.y + place.height / 2) * dpi / 25.4)
    first, last, runs = bar_extent(image, row)
    assert last + 1 - first == 178 * module
    assert min(runs) == module
    assert all(run % module == 0 for run in runs)
    top, bottom = round(place.y * dpi / 25.4), round((place.y + place.height) * dpi / 25.4)
    for left, right in ((first - 10 * module, first), (last + 1, last + 1 + 10 * module)):
        assert image.crop((left, top, right, bottom)).getextrema()[0] > 200, "quiet zone must be blank"


@pytest.mark.parametrize(
    ("confidentiality", "mark"), [("confidential", "C"), ("secret", "B"), ("top_secret", "A")]
)
def test_classified_zpl_hides_the_document(confidentiality: str, mark: str) -> None:
    with_document = render_labels_zpl([sample(confidentiality=confidentiality)]).data
    without = render_labels_zpl(
        [sample(confidentiality=confidentiality, document_number=None, document_title=None)]
    ).data
    assert with_document == without
    assert b"80/CV" not in with_document
    assert f"^FD{mark}^FS".encode() in with_document
    unclassified = render_labels_zpl([sample()]).data
    assert not re.search(rb"\^FD[ABC]\^FS", unclassified)


def test_document_number_is_printed_when_unclassified() -> None:
    # "Số: 80/CV-UBBC" has diacritics, so it is a graphic: the unclassified label carries more graphics.
    unclassified = render_labels_zpl([sample()]).data
    without = render_labels_zpl([sample(document_number=None, document_title=None)]).data
    assert unclassified.count(b"^GFA") > without.count(b"^GFA")


def test_overflow_is_reported_in_zpl() -> None:
    warnings: list = []
    zpl = "".join(iter_labels_zpl([sample(recipient_name="Tổ bầu cử số 18 " * 30)], warnings=warnings))
    assert zpl.count("^XA") == 1
    assert [w.field for w in warnings] == ["recipient_name"]


def test_stream_is_lazy_and_graphics_are_cached() -> None:
    pulled: list[int] = []

    def labels():
        for n in range(1, 50):
            pulled.append(n)
            yield sample(s10(n))

    text_graphic.cache_clear()
    stream = iter_labels_zpl(labels(), "100x150", 203)
    first = next(stream)
    assert pulled == [1]
    assert first.count("^XA") == 1
    misses = text_graphic.cache_info().misses
    rest = list(stream)
    assert len(rest) == 48
    info = text_graphic.cache_info()
    # The sender, captions, banner and document lines repeat: later labels reuse their graphics.
    assert info.hits > 48 * 5
    assert info.misses - misses < 48 * 3


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="size"):
        render_labels_zpl([sample()], "a4")
    with pytest.raises(ValueError, match="dpi"):
        render_labels_zpl([sample()], "100x150", 600)
