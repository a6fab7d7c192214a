"""Turn a dispatch matrix into the plain data of a printable delivery report (labels.reports)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.board.exports import headers, row_values
from app.board.services import Matrix
from labels.reports import DeliveryReport

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# The columns of app.board.exports.headers, by the room their content needs: a grouped tracking number
# ("EB 000 000 014 VN") on one line, names and the last scan wrapping.
COLUMN_WIDTHS = (4, 12, 15, 13, 8, 8, 13, 8, 8, 8, 5)


def delivery_report(matrix: Matrix) -> DeliveryReport:
    d, summary = matrix.dispatch, matrix.summary
    title_line = f" — {matrix.title_visible}" if matrix.title_visible else ""
    generated = matrix.generated_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    return DeliveryReport(
        title=_("Delivery report of dispatch %(number)s", number=d.doc_number) + title_line,
        subtitle=_(
            "Sender: %(sender)s · generated %(when)s (Vietnam time)",
            sender=matrix.sender.name,
            when=generated,
        ),
        summary=(
            (_("Recipients"), str(summary["total"])),
            (_("Delivered"), str(summary["delivered"])),
            (_("Not yet delivered"), str(summary["pending"])),
            (_("Late"), str(summary["late"])),
            (_("With alerts"), str(summary["flagged"])),
        ),
        headers=tuple(headers()),
        rows=tuple(tuple(row_values(i, r)) for i, r in enumerate(matrix.rows, start=1)),
        late_rows=frozenset(i for i, r in enumerate(matrix.rows) if r.late),
        signatures=(
            _("Prepared by (sign, full name)"),
            _("Checked by (sign, full name)"),
            _("Head of the body (sign, seal)"),
        ),
        footer=_("Hỏa tốc — priority post for election documents. Highlighted rows are late."),
        widths=COLUMN_WIDTHS,
    )
