"""Bag label (PDF and ZPL), manifest and verification note."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from labels_support import decode_code128, grouped, pdf_base_fonts, pdf_pages, pdf_texts, render_zpl, s10

from labels import (
    BagLabel,
    BagManifest,
    ManifestItem,
    VerificationNote,
    render_bag_label_pdf,
    render_bag_label_zpl,
    render_manifest_pdf,
    render_verification_note_pdf,
)

BAG = BagLabel(
    "B32100-32105-0042",
    "32100",
    "32105",
    120,
    datetime(2026, 3, 10, 1, 15, tzinfo=UTC),
    origin_name="Điện Biên Phủ",
    destination_name="Mường Phăng",
)
URGENCIES = ("flash", "very_urgent", "urgent", "normal")


def _roboto_only(data: bytes) -> None:
    assert all(re.fullmatch(rb"[A-Z]{6}\+Roboto-(Regular|Bold)", name) for name in pdf_base_fonts(data))
    assert b"Helvetica" not in data


@pytest.mark.parametrize("size", ["a6", "100x150"])
def test_bag_label_pdf(size: str) -> None:
    result = render_bag_label_pdf(BAG, size)
    assert result.warnings == ()
    for dpi in (203, 300):
        assert decode_code128(pdf_pages(result.data, dpi)[0]) == [BAG.bag_id]
    text = pdf_texts(result.data)[0]
    for expected in (
        "B32100-32105-0042",
        "32100 Điện Biên Phủ",
        "32105",
        "Mường Phăng",
        "120",
        "10/03/2026 08:15",
    ):
        assert expected in text
    _roboto_only(result.data)


@pytest.mark.parametrize(("size", "dpi"), [("100x150", 203), ("a6", 300)])
def test_bag_label_zpl(size: str, dpi: int) -> None:
    zpl = render_bag_label_zpl(BAG, size, dpi).data
    assert zpl.startswith(b"^XA^CI28")
    assert zpl.count(b"^XZ") == 1
    assert zpl.isascii()
    (image,) = render_zpl(zpl, dpi)
    assert decode_code128(image) == [BAG.bag_id]


def test_bag_id_with_zpl_command_characters() -> None:
    bag = BagLabel("B_1^2~3", "32100", "32105", 1)
    zpl = render_bag_label_zpl(bag).data
    assert b"^FH_^FD>:B_5F1_5E2_7E3^FS" in zpl
    (image,) = render_zpl(zpl, 203)
    assert decode_code128(image) == ["B_1^2~3"]


def _items(count: int) -> tuple[ManifestItem, ...]:
    return tuple(
        ManifestItem(s10(n), f"Tổ bầu cử số {n}, xã Mường Phăng", URGENCIES[n % 4], 100 + n)
        for n in range(1, count + 1)
    )


def test_manifest_lists_every_item_with_totals_on_numbered_pages() -> None:
    items = _items(75)
    result = render_manifest_pdf(BagManifest(BAG, items, prepared_by="Nguyễn Văn An"))
    assert result.warnings == ()
    pages = pdf_texts(result.data)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "DANH SÁCH BƯU GỬI TRONG TÚI" in page
        assert "Số hiệu bưu gửi" in page  # column titles repeat on every page
        assert f"Trang{number}/{len(pages)}" in "".join(page.split())  # the total is a form drawn beside
    text = "\n".join(pages)
    positions = [text.index(grouped(item.tracking)) for item in items]
    assert positions == sorted(positions)
    assert "Tổng số bưu gửi: 75" in text
    assert "Hỏa tốc: 18, Thượng khẩn: 19, Khẩn: 19, Thường: 19" in text
    assert f"Tổng khối lượng: {sum(100 + n for n in range(1, 76))} g" in text
    assert decode_code128(pdf_pages(result.data, 203)[0]) == [BAG.bag_id]
    _roboto_only(result.data)


def test_manifest_reports_a_name_too_long_for_its_column() -> None:
    items = (ManifestItem("EB123456785VN", "Tổ bầu cử số 18 xã Tìa Dình " * 10),)
    result = render_manifest_pdf(BagManifest(BAG, items))
    assert [w.field for w in result.warnings] == ["recipient"]
    assert result.warnings[0].shown.endswith("…")


def test_verification_note() -> None:
    note = VerificationNote(
        bag_id=BAG.bag_id,
        office="32105",
        office_name="Mường Phăng",
        opened_at=datetime(2026, 3, 11, 2, 0, tzinfo=UTC),
        expected_count=120,
        found_count=119,
        missing=("EB000000005VN", "EB123456785VN"),
        unexpected=("RR473124829GB",),
        origin_office="32100",
        opened_by="Lò Văn Bình",
    )
    result = render_verification_note_pdf(note)
    (text,) = pdf_texts(result.data)
    for expected in (
        "BIÊN BẢN KIỂM TRA TÚI",
        "B32100-32105-0042",
        "11/03/2026 09:00",
        "Số bưu gửi theo danh sách: 120; thực nhận: 119",
        "Bưu gửi thiếu: 2",
        "EB 000 000 005 VN",
        "EB 123 456 785 VN",
        "Bưu gửi thừa (không có trong danh sách): 1",
        "RR 473 124 829 GB",
        "Nhân viên mở túi",
        "Người chứng kiến",
        "Lò Văn Bình",
    ):
        assert expected in text
    assert decode_code128(pdf_pages(result.data, 203)[0]) == [BAG.bag_id]
    _roboto_only(result.data)


def test_verification_note_with_nothing_wrong_and_many_missing() -> None:
    clean = VerificationNote(BAG.bag_id, "32105", datetime(2026, 3, 11, 2, 0, tzinfo=UTC), 3, 3)
    assert pdf_texts(render_verification_note_pdf(clean).data)[0].count("Không có.") == 2
    many = VerificationNote(
        BAG.bag_id,
        "32105",
        datetime(2026, 3, 11, 2, 0, tzinfo=UTC),
        80,
        0,
        missing=tuple(s10(n) for n in range(1, 81)),
    )
    pages = pdf_texts(render_verification_note_pdf(many).data)
    assert len(pages) >= 2
    assert all(grouped(s10(n)) in "\n".join(pages) for n in range(1, 81))
