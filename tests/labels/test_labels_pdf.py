"""PDF labels: every size decodes at thermal-printer resolutions, text is NFC in Roboto, classified stays hidden."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import BytesIO

import pypdfium2 as pdfium
import pytest
from labels_support import (
    NUMBER,
    TITLE,
    TRACKINGS,
    decode,
    decode_code128,
    grouped,
    nfd,
    pdf_base_fonts,
    pdf_font_names,
    pdf_pages,
    pdf_texts,
    s10,
    sample,
)

from labels import render_labels_pdf, write_labels_pdf
from labels.layout import CONSIGNMENT_LAYOUTS, PT_PER_MM, pdf_module_choices, place_barcode

PAGE_MM = {"a6": (105, 148), "100x150": (100, 150), "a4": (210, 297)}


def _labels() -> list:
    return [sample(tracking) for tracking in TRACKINGS]


@pytest.fixture(scope="module", params=["a6", "100x150", "a4"])
def rendered(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    result = render_labels_pdf(_labels(), request.param)
    assert result.warnings == ()
    return request.param, result.data


@pytest.mark.parametrize("dpi", [203, 300])
def test_every_barcode_and_qr_decodes(rendered: tuple[str, bytes], dpi: int) -> None:
    size, data = rendered
    per_page = 4 if size == "a4" else 1
    pages = pdf_pages(data, dpi)
    assert len(pages) == -(-len(TRACKINGS) // per_page)
    for number, image in enumerate(pages):
        expected = TRACKINGS[number * per_page : (number + 1) * per_page]
        found = decode(image)
        assert sorted(decode_code128(image)) == sorted(expected)
        assert sorted(t for t in found if t.startswith("https://")) == sorted(
            f"https://hoatoc.example.vn/track?ids={t}" for t in expected
        )


def test_page_size_and_order(rendered: tuple[str, bytes]) -> None:
    size, data = rendered
    pdf = pdfium.PdfDocument(data)
    width, height = PAGE_MM[size]
    assert pdf[0].get_size() == pytest.approx((width * PT_PER_MM, height * PT_PER_MM), abs=0.01)
    text = "\n".join(pdf_texts(data))
    positions = [text.index(grouped(t)) for t in TRACKINGS]
    assert positions == sorted(positions)


def test_only_embedded_roboto(rendered: tuple[str, bytes]) -> None:
    _, data = rendered
    fonts = pdf_base_fonts(data)
    assert fonts
    assert all(re.fullmatch(rb"[A-Z]{6}\+Roboto-(Regular|Bold)", name) for name in fonts), fonts
    assert data.count(b"/FontFile2") == len(fonts)  # every font program is embedded
    assert not re.search(rb"Helvetica|Vera|Times|Courier|Symbol|ZapfDingbats", data)
    assert all("Roboto" in name for name in pdf_font_names(data))


def test_nfd_input_is_printed_as_nfc() -> None:
    name = "Ủy ban bầu cử xã Tìa Dình"
    data = render_labels_pdf(
        [sample(recipient_name=nfd(name), sender=nfd("Ủy ban bầu cử tỉnh Điện Biên"))]
    ).data
    text = pdf_texts(data)[0]
    assert name in text
    assert "Ủy ban bầu cử tỉnh Điện Biên" in text
    assert nfd(name) not in text


def test_barcode_geometry_in_the_raster() -> None:
    """Bars start where the layout says, are 178 modules of 0.375 mm, 15 mm tall, with clear quiet zones."""
    dpi = 600
    px = dpi / 25.4
    data = render_labels_pdf([sample()], "a6").data
    image = pdf_pages(data, dpi)[0].convert("L")
    box = CONSIGNMENT_LAYOUTS["a6"].box("barcode")
    place = place_barcode(box, 178, pdf_module_choices(box, 178))
    assert place.module == pytest.approx(0.375)
    row = round((place.y + place.height / 2) * px)
    line = image.crop((0, row, image.width, row + 1)).tobytes()
    dark = [i for i, value in enumerate(line) if value < 128]
    assert dark[0] == pytest.approx(place.bars_x * px, abs=2)
    assert dark[-1] + 1 - dark[0] == pytest.approx(178 * 0.375 * px, abs=2)
    top, bottom = round(place.y * px) + 2, round((place.y + place.height) * px) - 2
    for left, right in ((place.x, place.bars_x), (place.bars_x + 178 * place.module, place.x + place.width)):
        quiet = image.crop((round(left * px) + 1, top, round(right * px) - 1, bottom))
        assert quiet.getextrema()[0] > 200, "quiet zone must be blank"
    column = round((place.bars_x + 0.5 * place.module) * px)
    strip = image.crop((column, 0, column + 1, image.height)).tobytes()
    bar_rows = [i for i, value in enumerate(strip) if value < 128 and top - 10 <= i <= bottom + 10]
    assert (bar_rows[-1] + 1 - bar_rows[0]) / px == pytest.approx(15.0, abs=0.1)


@pytest.mark.parametrize(
    ("confidentiality", "mark"), [("confidential", "C"), ("secret", "B"), ("top_secret", "A")]
)
def test_classified_label_hides_the_document(confidentiality: str, mark: str) -> None:
    label = sample(confidentiality=confidentiality)
    data = render_labels_pdf([label]).data
    text = pdf_texts(data)[0]
    assert TITLE not in text
    assert NUMBER not in text
    assert "Số:" not in text
    assert "chuẩn bị" not in text
    assert mark in text.split()
    # Whatever document fields are passed, the classified label is the same file as with none at all.
    assert (
        data
        == render_labels_pdf(
            [sample(confidentiality=confidentiality, document_number=None, document_title=None)]
        ).data
    )
    assert decode_code128(pdf_pages(data, 203)[0]) == [label.tracking]


def test_unclassified_label_text() -> None:
    label = sample(reprint=3, deliver_by=datetime(2026, 2, 22, 0, 0, tzinfo=UTC))
    text = pdf_texts(render_labels_pdf([label]).data)[0]
    for expected in (
        "HỎA TỐC",
        "HẸN GIỜ 22/02/2026 07:00",
        "IN LẠI 3",
        "EB 123 456 785 VN",
        "32105",
        "1/2",
        "250 g",
        "21/02/2026",
        "Số: 80/CV-UBBC",
        "Xã Mường Phăng",
        "Ủy ban bầu cử tỉnh Điện Biên",
    ):
        assert expected in text
    words = text.split()
    assert not {"A", "B", "C"} & set(words)


@pytest.mark.parametrize(
    ("urgency", "absent"), [("normal", ("HỎA TỐC", "KHẨN")), ("urgent", ("HỎA TỐC", "THƯỢNG"))]
)
def test_lower_urgencies(urgency: str, absent: tuple[str, ...]) -> None:
    text = pdf_texts(render_labels_pdf([sample(urgency=urgency)]).data)[0]
    assert not any(word in text for word in absent)
    assert ("KHẨN" in text) == (urgency == "urgent")
    assert "HẸN GIỜ" not in text
    assert "IN LẠI" not in text


def test_long_name_wraps_without_warning() -> None:
    name = "Ban bầu cử đại biểu Hội đồng nhân dân tỉnh Điện Biên đơn vị bầu cử số 3 huyện Mường Nhé"
    result = render_labels_pdf([sample(recipient_name=name)])
    assert result.warnings == ()
    assert name in " ".join(pdf_texts(result.data)[0].split())


def test_impossible_name_is_truncated_and_reported() -> None:
    name = "Ủy ban bầu cử xã Mường Phăng " * 12
    result = render_labels_pdf([sample(recipient_name=name)])
    (warning,) = result.warnings
    assert warning.label == "EB123456785VN"
    assert warning.field == "recipient_name"
    assert warning.text == name.strip()
    assert warning.shown.endswith("…")
    assert warning.shown[:-1].rstrip() in " ".join(pdf_texts(result.data)[0].split())
    assert decode_code128(pdf_pages(result.data, 203)[0]) == ["EB123456785VN"]


def test_batch_streams_from_a_generator_to_a_file(tmp_path) -> None:
    trackings = [s10(n) for n in range(1, 31)]
    out = tmp_path / "batch.pdf"
    with out.open("wb") as handle:
        warnings = write_labels_pdf((sample(t) for t in trackings), handle, "a4")
    assert warnings == []
    data = out.read_bytes()
    assert len(pdfium.PdfDocument(data)) == 8
    text = " ".join(pdf_texts(data))
    positions = [text.index(grouped(t)) for t in trackings]
    assert positions == sorted(positions)
    assert sorted(decode_code128(pdf_pages(data, 203)[-1])) == trackings[-2:]


def test_empty_batch_is_a_valid_pdf() -> None:
    buffer = BytesIO()
    assert write_labels_pdf([], buffer) == []
    assert len(pdfium.PdfDocument(buffer.getvalue())) == 1


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="size"):
        render_labels_pdf([sample()], "a5")
