"""A4 bag documents: the manifest (CN 33-like list of the items in a bag) and the verification note (CN 43-like
report of what was missing or unexpected on opening it).

Both are written row by row onto A4 pages with the same painter as the labels, so long names shrink or wrap
like on a label, and are reported, never cut silently. Each page repeats the heading and says "Trang i/N".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from io import BytesIO

from labels.content import URGENCY_NAMES, local_time
from labels.data import BagManifest, FitWarning, Rendered, VerificationNote, group_tracking, is_valid_s10
from labels.layout import A4_MM, PT_PER_MM, Box, Layout
from labels.pdf import PdfPainter, new_canvas, save

_MARGIN = 15.0
_WIDTH = A4_MM[0] - 2 * _MARGIN
_BOTTOM = A4_MM[1] - 20.0
_ROW = 7.0
_TOTAL_PAGES_FORM = "total_pages"


def _text(name: str, x: float, w: float, h: float, size: float, y: float = 0.0, **kw: object) -> Box:
    kw.setdefault("min_size", min(size, 6.0))
    return Box(name, "text", _MARGIN + x, y, w, h, size, **kw)  # type: ignore[arg-type]


def _row(name: str, *boxes: Box) -> Layout:
    return Layout(name, A4_MM[0], max(b.y + b.h for b in boxes), boxes)


_TITLE = _row(
    "title",
    _text("title", 0, _WIDTH, 8, 14, bold=True, min_size=10),
    _text("subtitle", 0, _WIDTH - 100, 17, 9, y=9, max_lines=3),
    Box("barcode", "barcode", _MARGIN + _WIDTH - 98, 9, 98, 17),
)
_HEADING = _row("heading", _text("heading", 0, _WIDTH, 7, 11, bold=True))
_LINE = _row("line", _text("line", 0, _WIDTH, 6, 10, max_lines=1))
_MANIFEST_COLUMNS = _row(
    "item",
    _text("no", 0, 12, _ROW, 9, align="right"),
    _text("tracking", 16, 45, _ROW, 10, bold=True),
    _text("recipient", 63, 75, _ROW, 9),
    _text("urgency", 140, 25, _ROW, 9),
    _text("weight", 163, 17, _ROW, 9, align="right"),
    Box("rule", "rule", _MARGIN, _ROW - 0.2, _WIDTH, 0.1),
)
_SIGNATURES = tuple(
    _text(f"sign{i}", i * _WIDTH / 3, _WIDTH / 3, 12, 9, bold=True, align="center", max_lines=2)
    for i in range(3)
)
_SIGNATURE_ROW = _row("signatures", *_SIGNATURES)
_SIGNATURE_SPACE = 30.0


class _Sheet:
    """A4 pages filled top to bottom; the heading (and `repeat`, e.g. column titles) start every page."""

    def __init__(self, title: str, doc_id: str, heading: dict[str, str]) -> None:
        self.buffer = BytesIO()
        self.canvas = new_canvas(self.buffer, A4_MM, title)
        self.warnings: list[FitWarning] = []
        self.painter = PdfPainter(self.canvas, A4_MM[1], self.warnings)
        self.doc_id, self.heading = doc_id, heading
        self.page = 0
        self.repeat: tuple[Layout, dict[str, str]] | None = None
        self._new_page()

    def _new_page(self) -> None:
        if self.page:
            self._footer()
            self.canvas.showPage()
        self.page += 1
        self.y = _MARGIN
        self.add(_TITLE, self.heading)
        if self.repeat:
            self.add(*self.repeat)

    def _footer(self) -> None:
        canvas = self.canvas
        canvas.setFont("Roboto", 8)
        text = f"{self.doc_id} — Trang {self.page}/"
        x, y = (A4_MM[0] - _MARGIN) * PT_PER_MM, 10 * PT_PER_MM
        canvas.drawRightString(x - 12, y, text)
        canvas.saveState()
        canvas.translate(x - 12, y)
        canvas.doForm(_TOTAL_PAGES_FORM)
        canvas.restoreState()

    def add(self, layout: Layout, content: dict[str, str], keep: float = 0.0) -> None:
        """Draw one row; start a new page first when it (plus `keep` mm that must follow it) does not fit."""
        if self.y + layout.height + keep > _BOTTOM:
            self._new_page()
        self.painter.draw(layout, content, (0.0, self.y), self.doc_id)
        self.y += layout.height

    def space(self, mm: float) -> None:
        """Leave `mm` of blank space (or move to a new page)."""
        if self.y + mm > _BOTTOM:
            self._new_page()
        else:
            self.y += mm

    def signatures(self, roles: Sequence[str]) -> None:
        """Captions with room to sign below them, kept together on one page."""
        self.add(
            _SIGNATURE_ROW,
            {f"sign{i}": f"{role} (Ký, ghi rõ họ tên)" for i, role in enumerate(roles)},
            _SIGNATURE_SPACE,
        )
        self.y += _SIGNATURE_SPACE

    def finish(self) -> Rendered:
        """Close the last page, write the page total every footer refers to, and return the PDF."""
        self._footer()
        self.canvas.showPage()
        self.canvas.beginForm(_TOTAL_PAGES_FORM)
        self.canvas.setFont("Roboto", 8)
        self.canvas.drawString(0, 0, str(self.page))
        self.canvas.endForm()
        save(self.canvas)
        return Rendered(self.buffer.getvalue(), tuple(self.warnings))


def _grouped(tracking: str) -> str:
    return group_tracking(tracking) if is_valid_s10(tracking.replace(" ", "").upper()) else tracking


def render_manifest_pdf(manifest: BagManifest) -> Rendered:
    """The bag's list of items: grouped tracking, recipient, urgency and weight, then totals and signatures."""
    bag = manifest.bag
    sealed = f" — niêm phong {local_time(bag.sealed_at)}" if bag.sealed_at else ""
    sheet = _Sheet(
        f"Danh sách túi {bag.bag_id}",
        bag.bag_id,
        {
            "title": "DANH SÁCH BƯU GỬI TRONG TÚI (CN 33)",
            "subtitle": f"Túi {bag.bag_id}: từ {bag.origin_office} {bag.origin_name} đến "
            f"{bag.destination_office} {bag.destination_name}{sealed}",
            "barcode": bag.bag_id,
        },
    )
    columns = {
        "no": "STT",
        "tracking": "Số hiệu bưu gửi",
        "recipient": "Người nhận",
        "urgency": "Mức độ khẩn",
    }
    sheet.repeat = (_MANIFEST_COLUMNS, columns | {"weight": "KL (g)"})
    sheet.add(*sheet.repeat)
    for number, item in enumerate(manifest.items, start=1):
        weight = "" if item.weight_g is None else str(item.weight_g)
        row = {"no": str(number), "tracking": group_tracking(item.tracking), "recipient": item.recipient}
        sheet.add(_MANIFEST_COLUMNS, row | {"urgency": URGENCY_NAMES[item.urgency], "weight": weight})
    counts = Counter(item.urgency for item in manifest.items)
    weight = sum(item.weight_g or 0 for item in manifest.items)
    sheet.space(4)
    sheet.add(_HEADING, {"heading": f"Tổng số bưu gửi: {len(manifest.items)}"}, keep=3 * _LINE.height)
    by_urgency = ", ".join(
        f"{URGENCY_NAMES[u]}: {counts[u]}" for u in ("flash", "very_urgent", "urgent", "normal")
    )
    sheet.add(_LINE, {"line": by_urgency})
    sheet.add(_LINE, {"line": f"Tổng khối lượng: {weight} g"})
    if manifest.prepared_by:
        sheet.add(_LINE, {"line": f"Người lập: {manifest.prepared_by}"})
    sheet.space(6)
    sheet.signatures(("Người lập danh sách", "Người giao túi", "Người nhận túi"))
    return sheet.finish()


def render_verification_note_pdf(note: VerificationNote) -> Rendered:
    """The note made on opening a bag: counts, every missing and unexpected item, and room for signatures."""
    sheet = _Sheet(
        f"Biên bản kiểm tra túi {note.bag_id}",
        note.bag_id,
        {
            "title": "BIÊN BẢN KIỂM TRA TÚI (CN 43)",
            "subtitle": f"Túi {note.bag_id} mở tại bưu cục {note.office} {note.office_name} lúc {local_time(note.opened_at)}",
            "barcode": note.bag_id,
        },
    )
    if note.origin_office:
        sheet.add(_LINE, {"line": f"Bưu cục gửi: {note.origin_office}"})
    sheet.add(
        _LINE, {"line": f"Số bưu gửi theo danh sách: {note.expected_count}; thực nhận: {note.found_count}"}
    )
    if note.opened_by:
        sheet.add(_LINE, {"line": f"Người mở túi: {note.opened_by}"})
    for title, items in (
        ("Bưu gửi thiếu", note.missing),
        ("Bưu gửi thừa (không có trong danh sách)", note.unexpected),
    ):
        sheet.space(4)
        sheet.add(_HEADING, {"heading": f"{title}: {len(items)}"}, keep=_LINE.height)
        for number, tracking in enumerate(items, start=1):
            sheet.add(_LINE, {"line": f"{number}. {_grouped(tracking)}"})
        if not items:
            sheet.add(_LINE, {"line": "Không có."})
    sheet.space(8)
    sheet.signatures(("Nhân viên mở túi", "Người chứng kiến", "Trưởng bưu cục"))
    return sheet.finish()
