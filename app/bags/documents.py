"""A bag's printed papers through ``labels``: its label (PDF or ZPL), its manifest and its verification note."""

from __future__ import annotations

from flask_babel import gettext as _

from app.bags.codes import bag_code
from app.errors import Conflict
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
from models import User
from models.bags import Bag, BagState


def _person(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


def _label(bag: Bag) -> BagLabel:
    return BagLabel(
        bag_id=bag_code(bag.id),
        origin_office=bag.origin_code,
        destination_office=bag.destination_code,
        item_count=len(bag.items),
        sealed_at=bag.sealed_at,
        origin_name=bag.origin.name,
        destination_name=bag.destination.name,
    )


def _require_sealed(bag: Bag, what: str) -> None:
    if bag.state == BagState.FILLING:
        raise Conflict(
            _("Seal the bag first: the %(what)s lists what it holds when it is closed.", what=what),
            {"id": _("Not sealed.")},
        )


def label_file(bag: Bag, fmt: str, size: str | None, dpi: int) -> tuple[bytes, str, str]:
    """(bytes, media type, file name)."""
    _require_sealed(bag, _("label"))
    code = bag_code(bag.id)
    if fmt == "zpl":
        rendered = render_bag_label_zpl(_label(bag), size or "100x150", dpi)
        return rendered.data, "application/zpl", f"tui-{code}.zpl"
    rendered = render_bag_label_pdf(_label(bag), size or "a6")
    return rendered.data, "application/pdf", f"tui-{code}.pdf"


def manifest_file(bag: Bag) -> tuple[bytes, str, str]:
    _require_sealed(bag, _("manifest"))
    items = tuple(
        ManifestItem(
            tracking=item.consignment.tracking,
            # The recipient's name only: a document title (classified or not) is never on a manifest.
            recipient=item.consignment.recipient_name,
            urgency=item.consignment.urgency.value,
            weight_g=item.consignment.weight_g,
        )
        for item in bag.items
    )
    manifest = BagManifest(bag=_label(bag), items=items, prepared_by=_person(bag.sealed_by))
    code = bag_code(bag.id)
    return render_manifest_pdf(manifest).data, "application/pdf", f"danh-sach-tui-{code}.pdf"


def verification_file(bag: Bag) -> tuple[bytes, str, str]:
    if bag.state != BagState.OPENED or bag.opened_at is None:
        raise Conflict(_("The verification note is made when the bag is opened."), {"id": _("Not opened.")})
    code = bag_code(bag.id)
    note = VerificationNote(
        bag_id=code,
        office=bag.destination_code,
        opened_at=bag.opened_at,
        expected_count=len(bag.items),
        found_count=sum(1 for item in bag.items if item.found),
        missing=tuple(item.consignment.tracking for item in bag.items if item.found is False),
        unexpected=tuple(bag.unexpected or ()),
        office_name=bag.destination.name,
        origin_office=f"{bag.origin_code} {bag.origin.name}",
        opened_by=_person(bag.opened_by),
    )
    return render_verification_note_pdf(note).data, "application/pdf", f"bien-ban-tui-{code}.pdf"
