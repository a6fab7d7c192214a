"""The demo's documents: every stage a user should see, made by the service's own rules."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.alerts.services import on_duty
from app.demo_documents import make_documents
from models import Alert, AlertState, Consignment
from models.bags import Bag, BagItem, BagState
from models.base import utcnow
from models.prints import LabelPrint


def test_demo_documents_show_every_stage_and_the_alerts_a_duty_officer_acts_on(session, api):
    made = make_documents(session, utcnow())

    items = session.scalars(select(Consignment).where(Consignment.tracking.in_(made))).all()
    assert len(items) == len(set(made)) == 53
    statuses = Counter(c.status.value for c in items)
    assert statuses["delivered"] >= 30
    for stage in ("registered", "accepted", "in_transit", "at_delivery_office", "delivery_failed", "held"):
        assert statuses[stage] >= 1, (stage, statuses)
    # Labels printed for what left; the latest notice still waits at the printing station.
    ids = [c.id for c in items]
    printed = set(
        session.scalars(select(LabelPrint.consignment_id).where(LabelPrint.consignment_id.in_(ids)))
    )
    waiting = {c.id for c in items if c.status.value == "registered"}
    assert len(printed) == 44
    assert printed.isdisjoint(waiting)
    open_alerts = select(Alert).where(Alert.state == AlertState.OPEN, Alert.consignment_id.in_(ids))
    open_kinds = Counter(a.kind.value for a in session.scalars(open_alerts))
    assert {"late", "suspected_lost", "security_hold"} <= set(open_kinds), open_kinds
    named = on_duty(session, session.scalars(open_alerts).all(), utcnow())
    assert all(named.values()), named  # each alert names who is on duty to act on it

    # The provincial commission sees its resolution and where each copy is, as the API tells it.
    sent = api.as_("board").get(
        "/api/v1/consignments", query_string={"sender": "UBBC-DIENBIEN", "per_page": 500}
    )
    assert sent.status_code == 200, sent.json
    listed = [c for c in sent.json["items"] if c["tracking"] in made]
    assert len(listed) == 47  # 44 copies of the resolution, 3 of the latest notice
    held = next(c for c in listed if c["status"] == "held")
    assert "security_hold" in held["flags"]
    # The minutes that reached the sorting centre left it in a sealed bag for the province's office.
    [bag] = session.scalars(select(Bag).join(BagItem).where(BagItem.consignment_id.in_(ids)).distinct()).all()
    assert (bag.state, bag.destination_code, len(bag.items)) == (BagState.SEALED, "32100", 3)
    asked = api.as_("board").get("/api/v1/inquiries").json["items"]
    assert sorted(i["state"] for i in asked if i["tracking"] in made) == ["answered", "open"]
    # The demo's commune login sees its own result minutes on their way.
    minutes = api.as_("board2").get("/api/v1/consignments", query_string={"sender": "UBBC-MUONGPHANG"})
    assert [c["document"]["number"] for c in minutes.json["items"] if c["tracking"] in made] == ["3/BB-UBBC"]
    public = api.get(f"/api/v1/track/{held['tracking']}")
    assert public.status_code == 200
    assert [e["event"] for e in public.json["events"]][-1] == "XHD"
