"""Demo documents on their way: what an election body, a clerk and the duty desk would see a few days in.

Loaded once, on a demo database that has no consignments yet, through the same services as the API (so the
rules apply: statuses, deadlines, holds, alerts), with times in the past: a provincial resolution sent to
every commune commission three days ago (most delivered, some late, one failed attempt, one held for a
security check), result minutes coming back from communes, and the latest notice waiting for its
labels. A sweep as of now then raises the alerts a duty officer would see.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.alerts.sweep import sweep
from app.api.schemas import LOCAL_TZ
from app.auth.services import create_user
from app.bags.codes import bag_code
from app.bags.services import add_items, create_bag, seal_bag
from app.consignments.schemas import DispatchIn
from app.consignments.services import register_dispatch
from app.demo import PROVINCE_BODY, PROVINCE_OFFICE, SORTING_CENTRE
from app.duty.services import create_shift
from app.inquiries.services import answer_inquiry, open_inquiry
from app.printing.services import PrintOptions, record_prints
from app.scans.reading import read_scan
from app.scans.services import record_scans
from models import Body, BodyKind, Consignment, Office, Role, User
from models.base import utcnow
from models.duty import MAX_SHIFT, DutyKind

DEMO_COMMUNE = "UBBC-MUONGPHANG"
PROVINCE_OFFICER = "ubbc.tinh"
PREFIX = "EB"
PRINTER = "in.32100"  # the demo's label printing station, at the province's office


def load_documents(session: Session, now: datetime | None = None) -> int:
    """Register and move the demo documents unless the database holds consignments; how many were made."""
    if session.scalar(select(exists().where(Consignment.id.is_not(None)))):
        return 0  # a demo already in use keeps what its users did
    return len(make_documents(session, now or utcnow()))


def make_documents(session: Session, now: datetime) -> list[str]:
    """The demo's documents as of ``now`` (three days of them), then a sweep; their tracking numbers."""
    communes: Sequence[Body] = session.scalars(
        select(Body).where(Body.kind == BodyKind.COMMUNE_COMMISSION).order_by(Body.code)
    ).all()
    # A commune served by the province's own office gets its post by hand, not through the sorting centre.
    communes = [b for b in communes if b.office_code != PROVINCE_OFFICE]
    clerks = _clerks(session, {PROVINCE_OFFICE, SORTING_CENTRE, *(b.office_code for b in communes)})
    three_days_ago = (now.astimezone(LOCAL_TZ) - timedelta(days=3)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    made = _resolution(session, clerks, communes, three_days_ago.astimezone(UTC))
    _inquiries(session, clerks, made, three_days_ago.astimezone(UTC), _office_hours(now - timedelta(hours=1)))
    # Mường Phăng first: its commission is one of the demo's logins, and should see its own minutes travel.
    senders = sorted(communes, key=lambda b: b.code != DEMO_COMMUNE)[:6]
    made += _result_minutes(session, clerks, senders, _office_hours(now - timedelta(hours=4)))
    made += _latest_notice(session, communes[-3:], _office_hours(now - timedelta(hours=1)))
    _duty_roster(session, clerks, three_days_ago.astimezone(UTC))
    sweep(session, now)
    session.flush()
    return made


def _office_hours(at: datetime) -> datetime:
    """``at``, or the end of the last working day before it (16:30 Vietnam time) when it falls at night."""
    local = at.astimezone(LOCAL_TZ).replace(second=0, microsecond=0)
    if local.hour < 7:
        local = (local - timedelta(days=1)).replace(hour=16, minute=30)
    elif local.hour >= 17:
        local = local.replace(hour=16, minute=30)
    return local.astimezone(UTC)


def _clerks(session: Session, offices: set[str]) -> dict[str, User]:
    """A clerk at every office the documents pass (gdv.CODE), made with a password nobody is told."""
    clerks: dict[str, User] = {}
    for code in sorted(offices):
        username = f"gdv.{code}"
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            name = session.get(Office, code).name
            user = create_user(
                session,
                None,
                username,
                secrets.token_urlsafe(16),
                Role.CLERK,
                code,
                None,
                f"Giao dịch viên {name}",
            )
        clerks[code] = user
    return clerks


def _dispatch(session: Session, sender: str, recipients: Sequence[str], document: dict[str, str], at: datetime,
              urgency: str = "flash") -> list[str]:  # fmt: skip
    body = DispatchIn().load(
        {"sender": sender, "recipients": list(recipients), "document": document, "urgency": urgency}
    )
    result = register_dispatch(session, None, body, prefix=PREFIX, now=at)
    return [tracking for _recipient, tracking in result.items]


def _scan(session: Session, clerk: User, trackings: Sequence[str], event: str, at: datetime,
          **details: str) -> None:  # fmt: skip
    _record(session, clerk, [{"tracking": t, "event": event, "details": details} for t in trackings], at)


def _record(session: Session, clerk: User, scans: list[dict[str, Any]], at: datetime) -> None:
    """Scans as a handheld sends them, made at ``at`` and received a minute later."""
    raw = [{"id": str(uuid.uuid4()), "at": at.isoformat(), **scan} for scan in scans]
    results = record_scans(session, clerk, [read_scan(r) for r in raw], now=at + timedelta(minutes=1))
    refused = [r for r in results if r["result"] != "recorded"]
    if refused:  # the demo follows the rules it shows; a rule that changed must change the demo too
        raise RuntimeError(f"demo scan refused: {refused[0]}")


def _resolution(
    session: Session, clerks: dict[str, User], communes: Sequence[Body], sent: datetime
) -> list[str]:
    """Resolution to all commune commissions: most delivered, a few late or stopped on the way."""
    document = {
        "number": "15/NQ-UBBC",
        "date": sent.astimezone(LOCAL_TZ).date().isoformat(),
        "title": "Nghị quyết công bố danh sách chính thức những người ứng cử đại biểu HĐND cấp xã",
    }
    trackings = _dispatch(session, PROVINCE_BODY, [b.code for b in communes], document, sent)
    office_of = {t: b.office_code for t, b in zip(trackings, communes, strict=True)}
    _print_labels(session, trackings, sent + timedelta(minutes=10))
    _scan(session, clerks[PROVINCE_OFFICE], trackings, "EMA", sent + timedelta(minutes=30))
    _scan(session, clerks[SORTING_CENTRE], trackings, "EDD", sent + timedelta(hours=2))
    on_time, stuck = trackings[:-6], trackings[-6:]
    _scan(session, clerks[SORTING_CENTRE], trackings[:-2], "EDE", sent + timedelta(hours=3))
    for tracking in on_time:
        clerk = clerks[office_of[tracking]]
        _scan(session, clerk, [tracking], "EMG", sent + timedelta(hours=5))
        _scan(session, clerk, [tracking], "EDG", sent + timedelta(hours=6))
        _scan(session, clerk, [tracking], "EMI", sent + timedelta(hours=7), receiver="Văn thư UBBC")
    failed, held, waiting = stuck[0], stuck[1], stuck[2:4]  # the last two never left the sorting centre
    for tracking in (failed, held, *waiting):
        _scan(session, clerks[office_of[tracking]], [tracking], "EMG", sent + timedelta(hours=8))
    _scan(session, clerks[office_of[failed]], [failed], "EDG", sent + timedelta(hours=8, minutes=30))
    _scan(session, clerks[office_of[failed]], [failed], "EMH", sent + timedelta(hours=9, minutes=30),
          reason="Trụ sở đóng cửa", action="Để lại giấy mời, phát lại hôm sau")  # fmt: skip
    _scan(session, clerks[office_of[held]], [held], "XHD", sent + timedelta(hours=9),
          reason="Bao bì rách, chờ kiểm tra an ninh")  # fmt: skip
    return trackings


def _duty_roster(session: Session, clerks: dict[str, User], since: datetime) -> None:
    """Someone on duty at every office the documents pass, so that each alert names who is to act: the
    office's clerk on shift, and the sorting centre's clerk as leadership over it all."""
    admin = session.scalar(select(User).where(User.username == "admin"))
    until = since + MAX_SHIFT
    for office, clerk in clerks.items():
        create_shift(session, admin, office_code=office, username=clerk.username, kind=DutyKind.SHIFT,
                     starts_at=since, ends_at=until)  # fmt: skip
        create_shift(session, admin, office_code=office, username=clerks[SORTING_CENTRE].username,
                     kind=DutyKind.LEADERSHIP, starts_at=since, ends_at=until)  # fmt: skip


def _inquiries(session: Session, clerks: dict[str, User], resolution: Sequence[str], sent: datetime,
               recently: datetime) -> None:  # fmt: skip
    """The province asks the post about two copies: the failed delivery (answered by its office the next
    morning) and one that never left the sorting centre (asked recently, waiting for its answer)."""
    officer = session.scalar(select(User).where(User.username == PROVINCE_OFFICER))
    failed, lost = resolution[-6], resolution[-1]  # as _resolution leaves them
    asked = sent + timedelta(days=1, minutes=15)
    inquiry = open_inquiry(
        session, officer, failed, "Vì sao chưa phát được? Xin cho biết ngày phát lại.", asked
    )
    answer = "Trụ sở UBBC xã đóng cửa khi bưu tá đến; bưu cục đã hẹn phát lại trong ngày."
    answer_inquiry(session, clerks[inquiry.office_code], inquiry.id, answer, asked + timedelta(minutes=40))
    open_inquiry(
        session,
        officer,
        lost,
        "Bưu gửi đến trung tâm khai thác đã lâu mà chưa đi tiếp: đề nghị kiểm tra.",
        recently,
    )


def _print_labels(session: Session, trackings: Sequence[str], at: datetime) -> None:
    """The printing station's thermal labels, so that only the latest notice waits for its labels."""
    printer = session.scalar(select(User).where(User.username == PRINTER))
    items = session.scalars(select(Consignment).where(Consignment.tracking.in_(trackings))).all()
    record_prints(
        session, printer, items, PrintOptions("zpl", "100x150", 203), None, require_reason=True, now=at
    )


def _result_minutes(
    session: Session, clerks: dict[str, User], communes: Sequence[Body], sent: datetime
) -> list[str]:
    """Result minutes from a few communes to the province, on their way back."""
    made = []
    for n, body in enumerate(communes):
        document = {"number": f"{n + 3}/BB-UBBC", "title": "Biên bản xác định kết quả bầu cử"}
        [tracking] = _dispatch(session, body.code, [PROVINCE_BODY], document, sent, urgency="very_urgent")
        _scan(session, clerks[body.office_code], [tracking], "EMA", sent + timedelta(minutes=20))
        if n % 2 == 0:
            _scan(session, clerks[SORTING_CENTRE], [tracking], "EDD", sent + timedelta(hours=3))
        made.append(tracking)
    _bag_to_province(session, clerks, made[::2], sent + timedelta(hours=3, minutes=30))
    return made


def _bag_to_province(
    session: Session, clerks: dict[str, User], trackings: Sequence[str], at: datetime
) -> None:
    """The minutes that reached the sorting centre leave it in one sealed bag for the province's office: its
    clerk (a demo login) scans the bag on arrival and opens it."""
    sorter = clerks[SORTING_CENTRE]
    bag = create_bag(session, sorter, SORTING_CENTRE, PROVINCE_OFFICE, now=at)
    add_items(session, sorter, bag, list(trackings), now=at)
    seal_bag(session, sorter, bag, now=at + timedelta(minutes=5))
    _record(session, sorter, [{"bag": bag_code(bag.id), "event": "EDE"}], at + timedelta(minutes=10))


def _latest_notice(session: Session, communes: Sequence[Body], sent: datetime) -> list[str]:
    """The latest notice, registered within the hour (or late on the last working day), waiting for labels."""
    document: dict[str, Any] = {"number": "21/TB-UBBC", "title": "Thông báo về việc bố trí khu vực bỏ phiếu"}
    return _dispatch(session, PROVINCE_BODY, [b.code for b in communes], document, sent, urgency="urgent")
