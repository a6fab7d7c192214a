"""What each box of a label says, in Vietnamese: computed once and handed to either renderer.

The keys are layout box names; a box without a key stays empty. Classified items never get a document number or
title here, so no renderer can print them by mistake.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from labels.data import BagLabel, ConsignmentLabel, group_tracking

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

URGENCY_BANNERS = {"normal": "", "urgent": "KHẨN", "very_urgent": "THƯỢNG KHẨN", "flash": "HỎA TỐC"}
URGENCY_NAMES = {"normal": "Thường", "urgent": "Khẩn", "very_urgent": "Thượng khẩn", "flash": "Hỏa tốc"}
CONFIDENTIALITY_MARKS = {"none": "", "confidential": "C", "secret": "B", "top_secret": "A"}


def local_date(moment: datetime) -> str:
    """dd/mm/yyyy in Vietnam's time zone."""
    return moment.astimezone(LOCAL).strftime("%d/%m/%Y")


def local_time(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time zone."""
    return moment.astimezone(LOCAL).strftime("%d/%m/%Y %H:%M")


def consignment_content(label: ConsignmentLabel) -> dict[str, str]:
    """Box name -> text (or barcode / QR data) for a consignment label."""
    content = {
        "urgency": URGENCY_BANNERS[label.urgency],
        "mark": CONFIDENTIALITY_MARKS[label.confidentiality],
        "destination_caption": "Bưu cục phát",
        "destination": label.destination_office,
        "registered": f"Ngày gửi: {local_date(label.registered_at)}",
        "pieces": f"Số kiện: {label.piece}/{label.pieces}",
        "barcode": label.tracking,
        "tracking_text": group_tracking(label.tracking),
        "recipient_caption": "Người nhận",
        "recipient_name": label.recipient_name,
        "recipient_address": label.recipient_address,
        "recipient_commune": label.recipient_commune,
        "sender_caption": f"Người gửi (BC {label.origin_office})" if label.origin_office else "Người gửi",
        "sender": label.sender,
        "qr": label.tracking_url,
        "qr_caption": "Tra cứu",
    }
    if label.deliver_by is not None:
        content["appointment"] = f"HẸN GIỜ {local_time(label.deliver_by)}"
    if label.reprint:
        content["reprint"] = f"IN LẠI {label.reprint}"
    if label.weight_g is not None:
        content["weight"] = f"Khối lượng: {label.weight_g} g"
    if not label.classified:
        if label.document_number:
            content["document_number"] = f"Số: {label.document_number}"
        if label.document_title:
            content["document_title"] = label.document_title
    return {key: value for key, value in content.items() if value}


def bag_content(bag: BagLabel) -> dict[str, str]:
    """Box name -> text (or barcode data) for a bag label."""
    content = {
        "title": "TÚI BƯU GỬI",
        "barcode": bag.bag_id,
        "bag_text": bag.bag_id,
        "origin_caption": "Từ bưu cục",
        "origin": f"{bag.origin_office} {bag.origin_name}".strip(),
        "destination_caption": "Đến bưu cục",
        "destination": bag.destination_office,
        "destination_name": bag.destination_name,
        "count": f"Số bưu gửi: {bag.item_count}",
    }
    if bag.sealed_at is not None:
        content["sealed"] = f"Niêm phong: {local_time(bag.sealed_at)}"
    return {key: value for key, value in content.items() if value}
