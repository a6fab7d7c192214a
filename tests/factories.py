"""Test data made directly with the models, so that each domain's tests need no other domain's services."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app import s10
from models import Confidentiality, Consignment, Status, Urgency
from models.base import utcnow

# Serials far from anything a serial block in the tests would hand out.
_serials = itertools.count(90_000_000)


def next_tracking(prefix: str = "EB") -> str:
    return s10.compose(prefix, next(_serials))


def make_consignment(session: Session, **overrides: Any) -> Consignment:
    """A registered consignment from the provincial commission to the Mường Phăng commission.

    Its route is 32100 (origin) -> 32000 (sorting centre) -> destination office of the recipient.
    """
    now: datetime = overrides.pop("now", None) or utcnow()
    values: dict[str, Any] = {
        "tracking": next_tracking(),
        "status": Status.REGISTERED,
        "sender_code": "UBBC-DIENBIEN",
        "recipient_code": "UBBC-MUONGPHANG",
        "recipient_name": "Ủy ban bầu cử xã Mường Phăng",
        "recipient_address": "Trụ sở UBND xã Mường Phăng, tỉnh Điện Biên",
        "origin_code": "32100",
        "destination_code": _office_of(session, overrides.get("recipient_code", "UBBC-MUONGPHANG")),
        "doc_number": "80/CV-UBBC",
        "doc_title": "V/v chuẩn bị bầu cử",
        "urgency": Urgency.FLASH,
        "confidentiality": Confidentiality.NONE,
        "pieces": 1,
        "weight_g": 250,
        "registered_at": now,
        "due_at": now + timedelta(hours=12),
        "changed_at": now,
    }
    values.update(overrides)
    values.setdefault("route", [values["origin_code"], "32000", values["destination_code"]])
    consignment = Consignment(**values)
    session.add(consignment)
    session.flush()
    return consignment


def _office_of(session: Session, body_code: str) -> str:
    from models import Body

    body = session.get(Body, body_code)
    return body.office_code if body is not None else "32100"
