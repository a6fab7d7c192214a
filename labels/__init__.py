"""Label rendering for Hỏa tốc: plain data in, PDF or ZPL bytes out.

Pure code: no Flask, no database. The web layer builds the frozen dataclasses of `labels.data` and calls:

- `render_labels_pdf` / `write_labels_pdf`: consignment labels as one PDF (a6, 100x150, or a4 sheets of four);
- `render_labels_zpl` / `iter_labels_zpl`: the same labels as ZPL for 203 or 300 dpi thermal printers;
- `render_bag_label_pdf` / `render_bag_label_zpl`, `render_manifest_pdf`, `render_verification_note_pdf`: bags.

Every renderer reports texts that had to be shortened as `FitWarning`s instead of cutting them silently.
"""

from labels.bags import render_bag_label_pdf, render_bag_label_zpl
from labels.data import (
    CONFIDENTIALITIES,
    URGENCIES,
    BagLabel,
    BagManifest,
    ConsignmentLabel,
    FitWarning,
    ManifestItem,
    Rendered,
    VerificationNote,
    group_tracking,
    is_valid_s10,
)
from labels.documents import render_manifest_pdf, render_verification_note_pdf
from labels.layout import BarcodeDoesNotFitError
from labels.pdf import render_labels_pdf, write_labels_pdf
from labels.zpl import iter_labels_zpl, render_labels_zpl

__all__ = [
    "CONFIDENTIALITIES",
    "URGENCIES",
    "BagLabel",
    "BagManifest",
    "BarcodeDoesNotFitError",
    "ConsignmentLabel",
    "FitWarning",
    "ManifestItem",
    "Rendered",
    "VerificationNote",
    "group_tracking",
    "is_valid_s10",
    "iter_labels_zpl",
    "render_bag_label_pdf",
    "render_bag_label_zpl",
    "render_labels_pdf",
    "render_labels_zpl",
    "render_manifest_pdf",
    "render_verification_note_pdf",
    "write_labels_pdf",
]
