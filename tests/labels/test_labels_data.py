"""Inputs: S10 numbers, enumerations and time zones are checked before anything is printed."""

from __future__ import annotations

from datetime import datetime

import pytest
from labels_support import sample

from labels import BagLabel, ManifestItem, group_tracking, is_valid_s10
from labels.content import consignment_content, local_time


@pytest.mark.parametrize(
    "tracking",
    ["RR473124829GB", "EE471108151FR", "EC136431858VN", "RR000000080VN", "RR000000155VN", "EB123456785VN"],
)
def test_valid_s10(tracking: str) -> None:
    assert is_valid_s10(tracking)


@pytest.mark.parametrize("tracking", ["EB123456789VN", "EB12345678VN", "JB123456785VN", "eb123456785vn"])
def test_invalid_s10(tracking: str) -> None:
    assert not is_valid_s10(tracking)


def test_tracking_is_normalised_and_grouped() -> None:
    label = sample(tracking="eb 123 456 785 vn")
    assert label.tracking == "EB123456785VN"
    assert group_tracking(label.tracking) == "EB 123 456 785 VN"


@pytest.mark.parametrize(
    "changes",
    [
        {"tracking": "EB123456789VN"},
        {"urgency": "hoa_toc"},
        {"confidentiality": "mat"},
        {"registered_at": datetime(2026, 2, 21, 8, 30)},  # noqa: DTZ001 - the naive time is the point
        {"deliver_by": datetime(2026, 2, 22, 7, 0)},  # noqa: DTZ001
        {"piece": 3},
        {"weight_g": -1},
        {"reprint": -1},
    ],
)
def test_bad_input_is_refused(changes: dict) -> None:
    with pytest.raises(ValueError, match=r"."):
        sample(**changes)


def test_manifest_item_and_bag_checks() -> None:
    with pytest.raises(ValueError, match="S10"):
        ManifestItem("EB123456789VN", "x")
    with pytest.raises(ValueError, match="ASCII"):
        BagLabel("TÚI-1", "32100", "32105", 1)


def test_times_print_in_vietnam() -> None:
    # 17:30 UTC on 21 Feb is 00:30 on 22 Feb in Hanoi: the date must roll over too.
    content = consignment_content(
        sample(
            registered_at=datetime.fromisoformat("2026-02-21T17:30:00+00:00"),
            deliver_by=datetime.fromisoformat("2026-02-22T00:00:00+00:00"),
        )
    )
    assert content["registered"] == "Ngày gửi: 22/02/2026"
    assert content["appointment"] == "HẸN GIỜ 22/02/2026 07:00"
    assert local_time(datetime.fromisoformat("2026-03-15T07:00:00+07:00")) == "15/03/2026 07:00"


@pytest.mark.parametrize(
    ("urgency", "banner"),
    [("normal", None), ("urgent", "KHẨN"), ("very_urgent", "THƯỢNG KHẨN"), ("flash", "HỎA TỐC")],
)
def test_urgency_banner(urgency: str, banner: str | None) -> None:
    assert consignment_content(sample(urgency=urgency)).get("urgency") == banner


@pytest.mark.parametrize(
    ("confidentiality", "mark"), [("confidential", "C"), ("secret", "B"), ("top_secret", "A")]
)
def test_classified_content_has_mark_and_no_document(confidentiality: str, mark: str) -> None:
    content = consignment_content(sample(confidentiality=confidentiality))
    assert content["mark"] == mark
    assert "document_number" not in content
    assert "document_title" not in content


def test_unclassified_content() -> None:
    content = consignment_content(sample(reprint=2))
    assert "mark" not in content
    assert content["document_number"] == "Số: 80/CV-UBBC"
    assert content["reprint"] == "IN LẠI 2"
    assert content["pieces"] == "Số kiện: 1/2"
    assert content["weight"] == "Khối lượng: 250 g"
    assert "reprint" not in consignment_content(sample())
