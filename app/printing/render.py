"""Render a batch of labels into a spooled file: bounded memory, a known length, nothing sent half-made."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from flask import Response, request
from werkzeug.wsgi import wrap_file

from app.printing.services import PrintOptions
from labels import ConsignmentLabel, FitWarning, iter_labels_zpl, write_labels_pdf

log = logging.getLogger(__name__)
# Up to this many bytes stay in memory; a larger batch goes to a temporary file on disk.
SPOOL_BYTES = 16 * 1024 * 1024
MIMETYPES = {"pdf": "application/pdf", "zpl": "application/zpl"}


class _Counter:
    def __init__(self, labels: Iterable[ConsignmentLabel]) -> None:
        self.labels, self.count = labels, 0

    def __iter__(self) -> Iterator[ConsignmentLabel]:
        for label in self.labels:
            self.count += 1
            yield label


def render(
    labels: Iterable[ConsignmentLabel], options: PrintOptions
) -> tuple[IO[bytes], int, list[FitWarning]]:
    """Render to a spooled temporary file; returns it rewound, the number of labels and the fit warnings."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the response
    counter = _Counter(labels)
    warnings: list[FitWarning] = []
    if options.format == "pdf":
        warnings = write_labels_pdf(counter, out, options.size)
    else:
        for chunk in iter_labels_zpl(counter, options.size, options.dpi, warnings):
            out.write(chunk.encode("utf-8"))
    for warning in warnings:
        log.warning("label text shortened: %s %s", warning.label, warning.field)
    out.seek(0)
    return out, counter.count, warnings


def file_response(
    out: IO[bytes], count: int, warnings: list[FitWarning], options: PrintOptions, name: str
) -> Response:
    out.seek(0, 2)
    length = out.tell()
    out.seek(0)
    response = Response(
        wrap_file(request.environ, out), mimetype=MIMETYPES[options.format], direct_passthrough=True
    )
    if options.format == "zpl":
        response.mimetype_params["charset"] = "utf-8"
    response.content_length = length
    response.headers["Content-Disposition"] = f'inline; filename="{name}.{options.format}"'
    response.headers["X-Label-Count"] = str(count)
    response.headers["X-Label-Warnings"] = str(len(warnings))
    response.headers["Cache-Control"] = "no-store"
    response.call_on_close(out.close)
    return response
