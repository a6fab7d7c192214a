"""Serial blocks: adding them (never overlapping, never re-issuing) and allocating numbers from them.

Allocation is one atomic ``UPDATE serial_blocks SET next_serial = next_serial + :n WHERE id = (…) AND
next_serial + :n - 1 <= last_serial RETURNING …``. The row's own bound is re-checked under the row
lock, so processes on any number of hosts never receive the same number; the numbers of a transaction
that rolls back go back to the block with it, so none is skipped either. A dispatch takes all its
numbers in one statement; only when no single block can hold them does it take from several.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import s10
from app.audit.services import record
from app.errors import Conflict, DomainError, Invalid
from models import Consignment, SerialBlock, User

log = logging.getLogger(__name__)

# The UPU has not allocated these first letters to any service (J, K, S, T, W are reserved: app.s10).
UNALLOCATED_FIRST_LETTERS = frozenset("FIOXY")
# Below this share of a block left, it shows as low (log warning, admin page).
LOW_SHARE = 0.10
# Shares at which a warning is logged once while a block drains.
WARN_SHARES = (0.10, 0.05, 0.01)
MAX_SERIAL = 99_999_999
_RACE_RETRIES = 20


class SerialsBusy(DomainError):
    """SQLite allows one writer: a competing writer got there first. The client may simply retry."""

    status = 503
    title = _l("Service temporarily unavailable")


@dataclass(frozen=True)
class BlockUsage:
    block: SerialBlock

    @property
    def remaining(self) -> int:
        return self.block.remaining

    @property
    def share_left(self) -> float:
        return self.block.remaining / self.block.size

    @property
    def exhausted(self) -> bool:
        return self.block.remaining == 0

    @property
    def low(self) -> bool:
        return self.share_left < LOW_SHARE


def prefix_problem(prefix: str) -> str | None:
    """Why PREFIX cannot be a service indicator of ours, or None."""
    try:
        s10.check_prefix(prefix)
    except s10.S10Error as exc:
        if exc.code == "reserved":
            return _("Service indicators starting with %(letter)s are reserved by the UPU.", letter=prefix[0])
        return _("A service indicator is two letters, e.g. EB.")
    if prefix[0] in UNALLOCATED_FIRST_LETTERS:
        return _(
            "Service indicators starting with %(letter)s are not allocated by the UPU.", letter=prefix[0]
        )
    return None


def add_block(
    session: Session, actor: User | None, prefix: str, first: int, last: int, country: str = "VN"
) -> SerialBlock:
    """Register a block handed out by the operator; refused if it overlaps any block or used number."""
    prefix, country = prefix.strip().upper(), country.strip().upper()
    _check_block(prefix, first, last, country)
    _lock_prefix(session, prefix, country)
    overlapping = session.scalars(
        select(SerialBlock).where(
            SerialBlock.prefix == prefix,
            SerialBlock.country == country,
            SerialBlock.first_serial <= last,
            SerialBlock.last_serial >= first,
        )
    ).first()
    if overlapping is not None:
        raise Conflict(
            _(
                "The range overlaps block %(prefix)s %(first)d–%(last)d: a number must never be issued twice.",
                prefix=overlapping.prefix,
                first=overlapping.first_serial,
                last=overlapping.last_serial,
            ),
            {"first": _("Overlaps an existing block.")},
        )
    if _numbers_in_use(session, prefix, first, last, country):
        raise Conflict(
            _("Numbers of this range are already on consignments: a number must never be issued twice."),
            {"first": _("Range already in use.")},
        )
    block = SerialBlock(
        prefix=prefix, country=country, first_serial=first, last_serial=last, next_serial=first
    )
    session.add(block)
    session.flush()
    record(session, actor, "serials.add", "serial_block", str(block.id), prefix=prefix, country=country,
           first=first, last=last)  # fmt: skip
    return block


def ensure_block(
    session: Session, actor: User | None, prefix: str, first: int, last: int, country: str = "VN"
) -> SerialBlock | None:
    """Add the block unless the prefix already has one (the demo's way of being runnable twice)."""
    exists = session.scalar(
        select(SerialBlock.id).where(SerialBlock.prefix == prefix, SerialBlock.country == country).limit(1)
    )
    return None if exists is not None else add_block(session, actor, prefix, first, last, country)


def _check_block(prefix: str, first: int, last: int, country: str) -> None:
    errors: dict[str, str] = {}
    problem = prefix_problem(prefix)
    if problem:
        errors["prefix"] = problem
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        errors["country"] = _("A two-letter ISO country code, e.g. VN.")
    if not 0 <= first <= MAX_SERIAL:
        errors["first"] = _("Between 0 and 99999999.")
    if not 0 <= last <= MAX_SERIAL:
        errors["last"] = _("Between 0 and 99999999.")
    elif last < first:
        errors["last"] = _("The last serial comes before the first.")
    if errors:
        raise Invalid(_("The serial block cannot be added."), errors)


def _lock_prefix(session: Session, prefix: str, country: str) -> None:
    # Two operators adding overlapping blocks at once must not both pass the overlap check. SQLite has a
    # single writer already; PostgreSQL takes a transaction-scoped advisory lock per prefix.
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"serial-block:{prefix}{country}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _numbers_in_use(session: Session, prefix: str, first: int, last: int, country: str) -> bool:
    serial = func.substr(Consignment.tracking, 3, 8)
    return (
        session.scalar(
            select(Consignment.id)
            .where(
                Consignment.tracking.startswith(prefix),
                Consignment.tracking.endswith(country),
                serial >= f"{first:08d}",
                serial <= f"{last:08d}",
            )
            .limit(1)
        )
        is not None
    )


def block_usages(session: Session, prefix: str | None = None) -> list[BlockUsage]:
    query = select(SerialBlock).order_by(SerialBlock.prefix, SerialBlock.first_serial, SerialBlock.id)
    if prefix:
        query = query.where(SerialBlock.prefix == prefix)
    return [BlockUsage(b) for b in session.scalars(query)]


def remaining(session: Session, prefix: str, country: str = "VN") -> int:
    left = SerialBlock.last_serial + 1 - SerialBlock.next_serial
    total = session.scalar(
        select(func.sum(left)).where(SerialBlock.prefix == prefix, SerialBlock.country == country)
    )
    return int(total or 0)


def allocate(session: Session, prefix: str, count: int, country: str = "VN") -> list[str]:
    """``count`` new tracking numbers of PREFIX, in serial order; 409 when the blocks cannot supply them."""
    if count < 1:
        raise ValueError("count must be at least 1")
    try:
        taken = _take_whole(session, prefix, country, count)
        if taken is None:
            taken = _take_spread(session, prefix, country, count)
    except OperationalError as exc:
        if session.get_bind().dialect.name == "sqlite" and "locked" in str(exc.orig).lower():
            raise SerialsBusy(_("Another registration is being written; try again in a moment.")) from exc
        raise
    return [s10.compose(prefix, serial, country) for serial in taken]


def _fits(count: int):  # type: ignore[no-untyped-def]
    return SerialBlock.next_serial + count - 1 <= SerialBlock.last_serial


def _take_whole(session: Session, prefix: str, country: str, count: int) -> list[int] | None:
    """All numbers from the first block (by serial) that still holds ``count``; None if none does."""
    for _attempt in range(_RACE_RETRIES):
        candidate = (
            select(SerialBlock.id)
            .where(SerialBlock.prefix == prefix, SerialBlock.country == country, _fits(count))
            .order_by(SerialBlock.first_serial, SerialBlock.id)
            .limit(1)
            .scalar_subquery()
        )
        taken = _take_from(session, SerialBlock.id == candidate, count)
        if taken is not None:
            return taken
        still_fits = select(SerialBlock.id).where(
            SerialBlock.prefix == prefix, SerialBlock.country == country, _fits(count)
        )
        if session.scalar(still_fits.limit(1)) is None:
            return None
        # Another transaction took the numbers between our choice and our update: choose again.
    raise SerialsBusy(_("Serial numbers are in heavy demand; try again in a moment."))


def _take_spread(session: Session, prefix: str, country: str, count: int) -> list[int]:
    """Numbers from several blocks in order, for a batch larger than what any single block has left."""
    taken: list[int] = []
    for _attempt in range(_RACE_RETRIES):
        blocks = session.execute(
            select(SerialBlock.id, SerialBlock.last_serial + 1 - SerialBlock.next_serial)
            .where(SerialBlock.prefix == prefix, SerialBlock.country == country, _fits(1))
            .order_by(SerialBlock.first_serial, SerialBlock.id)
        ).all()
        if sum(left for _id, left in blocks) < count - len(taken):
            _raise_exhausted(session, prefix, country, count)
        for block_id, left in blocks:
            wanted = min(left, count - len(taken))
            got = _take_from(session, SerialBlock.id == block_id, wanted)
            taken.extend(got or [])
            if len(taken) == count:
                return taken
    raise SerialsBusy(_("Serial numbers are in heavy demand; try again in a moment."))


def _take_from(session: Session, which, count: int) -> list[int] | None:  # type: ignore[no-untyped-def]
    statement = (
        update(SerialBlock)
        .where(which, _fits(count))
        .values(next_serial=SerialBlock.next_serial + count)
        .returning(SerialBlock.id, SerialBlock.next_serial, SerialBlock.first_serial, SerialBlock.last_serial)
        .execution_options(synchronize_session=False)
    )
    row = session.execute(statement).first()
    if row is None:
        return None
    block_id, next_serial, first, last = row
    start = next_serial - count
    _warn_if_low(block_id, first, last, before=last + 1 - start, after=last + 1 - next_serial)
    return list(range(start, next_serial))


def _warn_if_low(block_id: int, first: int, last: int, before: int, after: int) -> None:
    size = last - first + 1
    if after == 0:
        log.warning("serial block %s (%d–%d) is exhausted; the next block of its prefix is used", block_id,
                    first, last)  # fmt: skip
        return
    for share in WARN_SHARES:
        if before >= share * size > after:
            log.warning("serial block %s (%d–%d): %d numbers left, under %d%%; ask the operator for a new block",
                        block_id, first, last, after, round(share * 100))  # fmt: skip
            return


def _raise_exhausted(session: Session, prefix: str, country: str, count: int) -> None:
    left = remaining(session, prefix, country)
    log.error("serial numbers of %s exhausted: %d asked, %d left", prefix, count, left)
    raise Conflict(
        _(
            "Not enough tracking numbers: %(count)d needed, %(left)d left for %(prefix)s. An administrator "
            "must add a new serial block from Vietnam Post (hoatoc serials add).",
            count=count,
            left=left,
            prefix=prefix,
        ),
        {"tracking": _("No serial numbers left.")},
    )
