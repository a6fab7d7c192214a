"""The one layout: boxes stay on the label, never overlap, and every barcode meets the postal standard."""

from __future__ import annotations

import itertools

import pytest

from labels.layout import (
    BAG_LAYOUTS,
    BAR_HEIGHT_MIN_MM,
    CONSIGNMENT_LAYOUTS,
    LEADING,
    PT_PER_MM,
    QUIET_MODULES,
    X_MAX_MM,
    X_MIN_MM,
    BarcodeDoesNotFitError,
    Layout,
    dot_module_choices,
    pdf_module_choices,
    place_barcode,
)
from labels.symbols import code128
from labels.text import inner

LAYOUTS = [*CONSIGNMENT_LAYOUTS.values(), *BAG_LAYOUTS.values()]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_boxes_inside_label(layout: Layout) -> None:
    for box in layout.boxes:
        assert min(box.x, box.y) >= 0, box.name
        assert box.x + box.w <= layout.width, box.name
        assert box.y + box.h <= layout.height, box.name


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_boxes_do_not_overlap(layout: Layout) -> None:
    for a, b in itertools.combinations(layout.boxes, 2):
        apart = a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
        assert apart, (a.name, b.name)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_every_text_box_holds_a_line_at_its_minimum_size(layout: Layout) -> None:
    for box in layout.boxes:
        if box.kind == "text":
            assert 0 < box.min_size <= box.size, box.name
            assert box.min_size * LEADING <= inner(box)[1] * PT_PER_MM + 1e-6, box.name


def _check_standard(place, modules: int) -> None:
    assert X_MIN_MM <= place.module <= X_MAX_MM
    assert place.quiet >= QUIET_MODULES * place.module
    assert place.height >= BAR_HEIGHT_MIN_MM
    assert place.height >= 0.15 * place.width
    assert place.width == pytest.approx((modules + 2 * QUIET_MODULES) * place.module)


@pytest.mark.parametrize("layout", CONSIGNMENT_LAYOUTS.values(), ids=lambda layout: layout.name)
@pytest.mark.parametrize("dpi", [None, 203, 300])
def test_tracking_barcode_meets_standard(layout: Layout, dpi: int | None) -> None:
    box = layout.box("barcode")
    modules = len(code128("EB123456785VN").modules)
    assert modules == 178  # start B, 13 characters, check, stop with its termination bar
    choices = pdf_module_choices(box, modules) if dpi is None else dot_module_choices(dpi)
    place = place_barcode(box, modules, choices)
    _check_standard(place, modules)
    assert place.x >= box.x
    assert place.x + place.width <= box.x + box.w
    if dpi is None:
        assert place.module == pytest.approx(0.375)


def test_whole_dot_modules() -> None:
    # 203 dpi: only 3 dots (0.375 mm) and 4 dots (0.500 mm) are inside 0.33-0.51 mm; 3 is the nominal.
    assert [round(m / (25.4 / 203), 6) for m in dot_module_choices(203)] == [3, 4]
    # 300 dpi: 4 dots (0.339 mm) first, then 5 and 6.
    assert [round(m / (25.4 / 300), 6) for m in dot_module_choices(300)] == [4, 5, 6]


def test_long_bag_id_narrows_then_refuses() -> None:
    box = BAG_LAYOUTS["a6"].box("barcode")
    wide = code128("B32100-32105-000042X")
    place = place_barcode(box, len(wide.modules), pdf_module_choices(box, len(wide.modules)))
    _check_standard(place, len(wide.modules))
    assert place.module < 0.375
    too_long = code128("VNHANAVNSGNAAUN60001001101234")
    with pytest.raises(BarcodeDoesNotFitError):
        place_barcode(box, len(too_long.modules), pdf_module_choices(box, len(too_long.modules)))


def test_code128_subsets() -> None:
    assert code128("EB123456785VN").zpl == ">:EB123456785VN"
    assert code128("3210032105000123").zpl == ">;3210032105000123"
    assert code128("12345AB").zpl == ">;1234>65AB"
    assert code128("A>B").zpl == ">:A><B"
    with pytest.raises(ValueError, match="ASCII"):
        code128("Túi")
