from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Body, Dispatch, Status
from models.base import utcnow
from tests.factories import make_consignment


@pytest.fixture
def dispatch_45(session):
    """The provincial commission's dispatch to all 45 commune commissions: 40 delivered (one late), 5 on the way."""
    now = utcnow()
    dispatch = Dispatch(sender_code="UBBC-DIENBIEN", doc_number="80/CV-UBBC", doc_title="V/v chuẩn bị bầu cử")
    session.add(dispatch)
    session.flush()
    communes = session.scalars(
        select(Body).where(Body.kind == "commune_commission").order_by(Body.code)
    ).all()
    items = []
    for position, body in enumerate(communes):
        item = make_consignment(
            session,
            recipient_code=body.code,
            recipient_name=body.name,
            dispatch_id=dispatch.id,
            dispatch_position=position,
            registered_at=now - timedelta(hours=20),
            due_at=now - timedelta(hours=8) if position < 41 else now + timedelta(hours=4),
        )
        if position < 40:
            item.status = Status.DELIVERED
            item.delivered_at = now - timedelta(hours=9) if position else now - timedelta(hours=2)
            item.delivered_to = f"Cán bộ văn thư {position}"
        items.append(item)
    session.flush()
    return dispatch, items
