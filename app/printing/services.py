"""Choosing consignments to print, recording every copy, and mapping consignments to label data.

Rendering itself is ``labels/`` (pure); this module only decides what to print and remembers it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, joinedload

from app import s10
from app.audit.services import record
from app.auth.policy import may_print_at_office
from app.errors import Forbidden, Invalid, NotFound
from labels import ConsignmentLabel
from models import Consignment, Dispatch, Status, User
from models.base import utcnow
from models.prints import LabelPrint

PDF_SIZES = ("a6", "100x150", "a4")
ZPL_SIZES = ("100x150", "a6")
DPIS = (203, 300)
MAX_BATCH = 5000


@dataclass(frozen=True)
class PrintOptions:
    format: str = "pdf"
    size: str = "a6"
    dpi: int = 203

    def check(self) -> None:
        errors: dict[str, str] = {}
        if self.format not in ("pdf", "zpl"):
            errors["format"] = _("Must be one of: %(values)s.", values="pdf, zpl")
        sizes = PDF_SIZES if self.format == "pdf" else ZPL_SIZES
        if self.size not in sizes:
            errors["size"] = _("Must be one of: %(values)s.", values=", ".join(sizes))
        if self.dpi not in DPIS:
            errors["dpi"] = _("Must be one of: %(values)s.", values="203, 300")
        if errors:
            raise Invalid(_("These print options are not possible."), errors)


def _require_printer(actor: User) -> None:
    if not may_print_any(actor):
        raise Forbidden(_("Only the label printing station of the origin office prints labels."))


def _require_origin(actor: User, consignments: Sequence[Consignment], field: str) -> None:
    errors = {
        (f"{field}.{i}" if len(consignments) > 1 or field == "trackings" else field): _(
            "%(tracking)s was handed in at another office.", tracking=c.tracking
        )
        for i, c in enumerate(consignments)
        if not may_print_at_office(actor, c.origin_code)
    }
    if errors:
        raise Forbidden(_("Labels are printed at the office where the item was handed in."), errors)


def consignment_to_print(session: Session, actor: User, tracking_text: str) -> Consignment:
    _require_printer(actor)
    try:
        tracking = s10.parse(tracking_text)
    except s10.S10Error as exc:
        raise Invalid(
            _("Not a valid tracking number."), {"tracking": _("Not a valid tracking number.")}
        ) from exc
    consignment = session.scalar(select(Consignment).where(Consignment.tracking == tracking))
    if consignment is None:
        raise NotFound(_("No consignment %(tracking)s.", tracking=tracking), {"tracking": _("Unknown.")})
    _require_origin(actor, [consignment], "tracking")
    _refuse_cancelled([consignment], "tracking")
    return consignment


def consignments_to_print(session: Session, actor: User, trackings: Sequence[str]) -> list[Consignment]:
    """The consignments asked for, in the order asked, each once; any bad entry names its index."""
    _require_printer(actor)
    if not trackings:
        raise Invalid(_("Choose at least one consignment."), {"trackings": _("Empty.")})
    if len(trackings) > MAX_BATCH:
        raise Invalid(_("At most %(n)d labels at once.", n=MAX_BATCH), {"trackings": _("Too many.")})
    parsed: list[str] = []
    errors: dict[str, str] = {}
    for index, text in enumerate(trackings):
        try:
            parsed.append(s10.parse(text))
        except s10.S10Error:
            errors[f"trackings.{index}"] = _("Not a valid tracking number.")
    if errors:
        raise Invalid(_("Some tracking numbers are not valid."), errors)
    wanted = list(dict.fromkeys(parsed))
    found = {
        c.tracking: c for c in session.scalars(select(Consignment).where(Consignment.tracking.in_(wanted)))
    }
    for index, tracking in enumerate(parsed):
        if tracking not in found:
            errors[f"trackings.{index}"] = _("No consignment %(tracking)s.", tracking=tracking)
    if errors:
        raise Invalid(_("Some tracking numbers are not registered."), errors)
    _require_origin(actor, [found[t] for t in parsed], "trackings")
    chosen = [found[t] for t in wanted]
    _refuse_cancelled(chosen, "trackings")
    return chosen


def dispatch_to_print(session: Session, actor: User, dispatch_id: int) -> list[Consignment]:
    _require_printer(actor)
    dispatch = session.get(Dispatch, dispatch_id)
    consignments = list(
        session.scalars(
            select(Consignment)
            .where(Consignment.dispatch_id == dispatch_id, Consignment.status != Status.CANCELLED)
            .order_by(Consignment.dispatch_position, Consignment.id)
        )
    )
    if dispatch is None or not consignments:
        raise NotFound(_("No dispatch %(id)s.", id=dispatch_id), {"dispatch": _("Unknown dispatch.")})
    if not all(may_print_at_office(actor, c.origin_code) for c in consignments):
        message = _("Labels are printed at the office where the item was handed in.")
        raise Forbidden(message, {"dispatch": _("Not your office.")})
    return consignments


def _refuse_cancelled(consignments: Sequence[Consignment], field: str) -> None:
    cancelled = [c.tracking for c in consignments if c.status is Status.CANCELLED]
    if cancelled:
        raise Invalid(
            _("Cancelled consignments are not printed: %(list)s.", list=", ".join(cancelled)),
            {field: _("Cancelled.")},
        )


def copies_so_far(session: Session, consignment_ids: Sequence[int]) -> dict[int, int]:
    if not consignment_ids:
        return {}
    rows = session.execute(
        select(LabelPrint.consignment_id, func.max(LabelPrint.copy))
        .where(LabelPrint.consignment_id.in_(list(consignment_ids)))
        .group_by(LabelPrint.consignment_id)
    )
    return dict(rows.all())


def record_prints(
    session: Session,
    actor: User,
    consignments: Sequence[Consignment],
    options: PrintOptions,
    reason: str | None,
    require_reason: bool,
    now: datetime | None = None,
) -> dict[int, int]:
    """Record one copy per consignment; returns consignment id -> copy number (1 = first print).

    Reprints need a reason when ``require_reason`` (the label station asks people for one).
    """
    _require_printer(actor)
    previous = copies_so_far(session, [c.id for c in consignments])
    reprinted = [c.tracking for c in consignments if c.id in previous]
    if reprinted and require_reason and not (reason or "").strip():
        raise Invalid(
            _("%(n)d of these labels were printed before: say why they are printed again.", n=len(reprinted)),
            {"reason": _("Required for a reprint.")},
        )
    now, batch = now or utcnow(), str(uuid.uuid4())
    copies = {c.id: previous.get(c.id, 0) + 1 for c in consignments}
    rows = [
        {
            "consignment_id": c.id, "copy": copies[c.id], "printed_at": now, "printed_by_id": actor.id,
            "format": options.format, "size": options.size, "dpi": options.dpi if options.format == "zpl" else None,
            "batch": batch, "reason": reason or None,
        }
        for c in consignments
    ]  # fmt: skip
    session.execute(insert(LabelPrint), rows)
    record(
        session, actor, "labels.print", "batch", batch,
        count=len(rows), reprints=len(reprinted), format=options.format, size=options.size, reason=reason or None,
        trackings=[c.tracking for c in consignments][:50],
    )  # fmt: skip
    return copies


def may_print_any(actor: User) -> bool:
    return may_print_at_office(actor, actor.office_code)


def label_data(
    session: Session, consignments: Sequence[Consignment], copies: dict[int, int], public_url: str
) -> Iterator[ConsignmentLabel]:
    """Label inputs for the consignments, one label per piece ("1/2", "2/2"), in order.

    Loaded in chunks so that a 5,000-label batch holds only a chunk of rows in memory at once.
    """
    ids = [c.id for c in consignments]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        loaded = {
            c.id: c
            for c in session.scalars(
                select(Consignment)
                .where(Consignment.id.in_(chunk))
                .options(joinedload(Consignment.recipient), joinedload(Consignment.destination))
            ).unique()
        }
        for consignment_id in chunk:
            yield from _labels_of(loaded[consignment_id], copies.get(consignment_id, 1), public_url)


def _labels_of(c: Consignment, copy: int, public_url: str) -> Iterator[ConsignmentLabel]:
    commune = (c.recipient.commune if c.recipient else None) or c.destination.commune or ""
    for piece in range(1, c.pieces + 1):
        yield ConsignmentLabel(
            tracking=c.tracking,
            sender=c.sender.name,
            recipient_name=c.recipient_name,
            recipient_address=c.recipient_address or (c.recipient.address if c.recipient else "") or "",
            recipient_commune=commune,
            destination_office=c.destination_code,
            registered_at=c.registered_at,
            tracking_url=f"{public_url}/track?ids={c.tracking}",
            urgency=c.urgency.value,
            confidentiality=c.confidentiality.value,
            deliver_by=c.deliver_by,
            # Never handed to the renderer for a classified item, whatever the renderer would do with it.
            document_number=None if c.classified else c.doc_number,
            document_title=None if c.classified else c.doc_title,
            piece=piece,
            pieces=c.pieces,
            weight_g=c.weight_g,
            origin_office=c.origin_code,
            reprint=copy - 1,
        )
