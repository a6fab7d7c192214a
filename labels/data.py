"""Plain, frozen inputs of the label renderers.

The web layer maps its models onto these; nothing here knows about Flask or a database. Validation is done on
construction so that a renderer never prints an invalid tracking number or an unknown urgency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

URGENCIES = ("normal", "urgent", "very_urgent", "flash")
CONFIDENTIALITIES = ("none", "confidential", "secret", "top_secret")

_S10 = re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10_RESERVED_FIRST = "JKSTW"


def normalise_tracking(value: str) -> str:
    """Return `value` as 13 upper-case characters (people type it with spaces and in any case)."""
    return "".join(value.split()).upper()


def is_valid_s10(tracking: str) -> bool:
    """True when `tracking` is a well-formed UPU S10 identifier with a correct check digit."""
    if not _S10.fullmatch(tracking) or tracking[0] in _S10_RESERVED_FIRST:
        return False
    total = sum(int(d) * w for d, w in zip(tracking[2:10], _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return int(tracking[10]) == check


def group_tracking(tracking: str) -> str:
    """Group a tracking number for people: `EB123456785VN` -> `EB 123 456 785 VN`."""
    t = normalise_tracking(tracking)
    return f"{t[:2]} {t[2:5]} {t[5:8]} {t[8:11]} {t[11:]}"


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware")


def _require_tracking(obj: object, attr: str) -> None:
    value = normalise_tracking(getattr(obj, attr))
    if not is_valid_s10(value):
        raise ValueError(f"{attr} {value!r} is not a valid S10 number")
    # Frozen dataclass: store the canonical form once, so every renderer prints the same characters.
    object.__setattr__(obj, attr, value)


@dataclass(frozen=True, slots=True)
class ConsignmentLabel:
    """Everything printed on one consignment label.

    For a classified item (`confidentiality` other than "none") the document number and title are never printed,
    whatever is passed here.
    """

    tracking: str
    sender: str
    recipient_name: str
    recipient_address: str
    recipient_commune: str
    destination_office: str
    registered_at: datetime
    tracking_url: str
    urgency: str = "normal"
    confidentiality: str = "none"
    deliver_by: datetime | None = None
    document_number: str | None = None
    document_title: str | None = None
    piece: int = 1
    pieces: int = 1
    weight_g: int | None = None
    origin_office: str | None = None
    reprint: int = 0

    def __post_init__(self) -> None:
        _require_tracking(self, "tracking")
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {URGENCIES}, not {self.urgency!r}")
        if self.confidentiality not in CONFIDENTIALITIES:
            raise ValueError(
                f"confidentiality must be one of {CONFIDENTIALITIES}, not {self.confidentiality!r}"
            )
        _require_aware("registered_at", self.registered_at)
        _require_aware("deliver_by", self.deliver_by)
        if not 1 <= self.piece <= self.pieces:
            raise ValueError("piece must be between 1 and pieces")
        if self.weight_g is not None and self.weight_g < 0:
            raise ValueError("weight_g must not be negative")
        if self.reprint < 0:
            raise ValueError("reprint must not be negative")

    @property
    def classified(self) -> bool:
        """True for Mật, Tối mật and Tuyệt mật items."""
        return self.confidentiality != "none"


@dataclass(frozen=True, slots=True)
class BagLabel:
    """A sealed bag: its id (printed as Code 128), the offices it travels between, and its content count."""

    bag_id: str
    origin_office: str
    destination_office: str
    item_count: int
    sealed_at: datetime | None = None
    origin_name: str = ""
    destination_name: str = ""

    def __post_init__(self) -> None:
        if not self.bag_id or not self.bag_id.isascii() or not self.bag_id.isprintable():
            raise ValueError("bag_id must be printable ASCII")
        if self.item_count < 0:
            raise ValueError("item_count must not be negative")
        _require_aware("sealed_at", self.sealed_at)


@dataclass(frozen=True, slots=True)
class ManifestItem:
    """One line of a bag manifest (CN 33-like special list)."""

    tracking: str
    recipient: str
    urgency: str = "normal"
    weight_g: int | None = None

    def __post_init__(self) -> None:
        _require_tracking(self, "tracking")
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {URGENCIES}, not {self.urgency!r}")


@dataclass(frozen=True, slots=True)
class BagManifest:
    """The list of every item sealed in a bag."""

    bag: BagLabel
    items: tuple[ManifestItem, ...]
    prepared_by: str = ""


@dataclass(frozen=True, slots=True)
class VerificationNote:
    """What the receiving office found on opening a bag (CN 43-like verification note)."""

    bag_id: str
    office: str
    opened_at: datetime
    expected_count: int
    found_count: int
    missing: tuple[str, ...] = ()
    unexpected: tuple[str, ...] = ()
    office_name: str = ""
    origin_office: str = ""
    opened_by: str = ""

    def __post_init__(self) -> None:
        _require_aware("opened_at", self.opened_at)


@dataclass(frozen=True, slots=True)
class FitWarning:
    """A text that could not fit its box even at the minimum legible size and was shortened with an ellipsis."""

    label: str
    field: str
    text: str
    shown: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """Rendered bytes plus the warnings collected while rendering them."""

    data: bytes
    warnings: tuple[FitWarning, ...] = field(default_factory=tuple)
