"""POST /api/v1/consignments: the contract's body and answer, defaults, idempotency, deadlines, routes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import s10
from app.standards.services import due_at
from models import DEFAULT_HOURS, Area, AuditEntry, Consignment, Urgency, User
from tests.consignments.helpers import CONTRACT_FIELDS, body, counts, dispatch_body
from tests.support import assert_problem


def test_register_returns_the_contract_fields(api, session):
    response = api.as_("board").post("/api/v1/consignments", json=body())
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert set(data) == CONTRACT_FIELDS
    assert s10.is_valid(data["tracking"])
    assert data["tracking"] == data["tracking"].upper()
    assert len(data["tracking"]) == 13
    assert data["status"] == "registered"
    assert data["flags"] == []
    assert data["events"] == []
    assert data["sender"] == {"code": "UBBC-DIENBIEN", "name": "Ủy ban bầu cử tỉnh Điện Biên"}
    assert data["recipient"]["code"] == "UBBC-MUONGPHANG"
    assert data["document"] == {"number": "80/CV-UBBC", "date": "2026-02-21", "title": "V/v chuẩn bị bầu cử"}
    assert (data["origin"], data["destination"]) == ("32100", "32260")
    assert data["registered_at"].endswith("+07:00")
    assert data["due_at"].endswith("+07:00")
    stored = session.scalar(select(Consignment).where(Consignment.tracking == data["tracking"]))
    assert stored.route == ["32100", "32000", "32260"]
    assert stored.changed_at == stored.registered_at
    assert stored.registered_by_id == session.scalar(select(User.id).where(User.username == "ubbc.tinh"))
    audit = session.scalar(select(AuditEntry).where(AuditEntry.object_id == data["tracking"]))
    assert audit.action == "consignment.register"
    assert audit.actor.username == "ubbc.tinh"


def test_same_reference_returns_the_first_and_creates_nothing(api, session):
    first = api.as_("board").post("/api/v1/consignments", json=body())
    assert first.status_code == 201
    before = counts(session)
    again = api.as_("board").post(
        "/api/v1/consignments", json=body(urgency="normal", recipient="UBBC-MUONGNHE")
    )
    assert again.status_code == 200
    assert again.get_json()["tracking"] == first.get_json()["tracking"]
    assert counts(session) == before
    other_sender = api.as_("board2").post(
        "/api/v1/consignments", json=body(sender="UBBC-MUONGPHANG", recipient="UBBC-DIENBIEN", origin=None)
    )
    assert other_sender.status_code == 201  # references are per sender


def test_reference_used_at_another_counter_is_409_not_a_leak(api):
    first = api.as_("board").post("/api/v1/consignments", json=body(origin="32260"))
    assert first.status_code == 201
    response = api.as_("clerk").post("/api/v1/consignments", json=body(origin=None))
    problem = assert_problem(response, 409, "reference")
    assert first.get_json()["tracking"] not in str(problem)


def test_origin_defaults_to_the_sender_office_for_boards_and_the_counter_for_clerks(api):
    board = api.as_("board2").post(
        "/api/v1/consignments", json=body(sender=..., origin=..., recipient="UBBC-DIENBIEN", reference=None)
    )
    assert board.status_code == 201, board.get_json()
    assert board.get_json()["sender"]["code"] == "UBBC-MUONGPHANG"  # a board's own body by default
    assert board.get_json()["origin"] == "32260"
    clerk = api.as_("clerk").post(
        "/api/v1/consignments", json=body(sender="UBBC-MUONGNHE", origin=None, reference="r-1")
    )
    assert clerk.status_code == 201, clerk.get_json()
    assert clerk.get_json()["origin"] == "32100"


@pytest.mark.parametrize(
    ("user", "overrides", "field"),
    [
        ("board2", {}, "sender"),  # another body
        ("clerk", {"origin": "32260"}, "origin"),  # another counter
        ("printer", {}, None),
    ],
)
def test_out_of_scope_registration_is_403_and_changes_nothing(api, session, user, overrides, field):
    before = counts(session)
    assert_problem(api.as_(user).post("/api/v1/consignments", json=body(**overrides)), 403, field)
    assert counts(session) == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recipient": "UBBC-NOWHERE"}, "recipient"),
        ({"recipient": "UBBC-DIENBIEN"}, "recipient"),  # itself
        ({"recipient": {"name": "Ông A", "office": "99999"}}, "recipient.office"),
        ({"recipient": {"office": "32260"}}, "recipient.name"),
        ({"recipient": 5}, "recipient"),
        ({"sender": "UBBC-NOWHERE"}, "sender"),
        ({"origin": "99999"}, "origin"),
        ({"urgency": "asap"}, "urgency"),
        ({"confidentiality": "private"}, "confidentiality"),
        ({"pieces": 0}, "pieces"),
        ({"weight_g": 40_000}, "weight_g"),
        ({"document": {"title": "x"}}, "document.number"),
        ({"document": {"number": "1", "date": "2999-01-01"}}, "document.date"),
        ({"deliver_by": "2020-01-01T08:00:00+07:00"}, "deliver_by"),
        ({"reference": "x" * 65}, "reference"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(api, session, overrides, field):
    before = counts(session)
    assert_problem(api.as_("board").post("/api/v1/consignments", json=body(**overrides)), 422, field)
    assert counts(session) == before


def test_unreadable_json_is_400(api):
    response = api.as_("board").post(
        "/api/v1/consignments", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 400)


def test_text_is_nfc_and_trimmed(api):
    import unicodedata

    title = unicodedata.normalize("NFD", "  Quyết định công bố danh sách cử tri  ")
    response = api.as_("board").post(
        "/api/v1/consignments", json=body(document={"number": " 12/QĐ ", "title": title})
    )
    assert response.status_code == 201
    document = response.get_json()["document"]
    assert document["title"] == unicodedata.normalize("NFC", "Quyết định công bố danh sách cử tri")
    assert document["number"] == "12/QĐ"


def test_free_recipient_with_an_office(api, session):
    response = api.as_("board").post(
        "/api/v1/consignments",
        json=body(recipient={"name": "Bệnh viện tỉnh", "address": "Phường Mường Thanh", "office": "32105"}),
    )
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["recipient"] == {"code": None, "name": "Bệnh viện tỉnh", "address": "Phường Mường Thanh",
                                 "office": "32105"}  # fmt: skip
    assert data["destination"] == "32105"


def test_due_at_is_the_standards_deadline_from_registration_or_the_agreed_time(api, session):
    # An estimate until the acceptance scan: the standard (flash, remote Mường Nhé) counted from registration.
    data = api.as_("board").post("/api/v1/consignments", json=body(recipient="UBBC-MUONGNHE")).get_json()
    registered = datetime.fromisoformat(data["registered_at"])
    expected = due_at(session, Urgency.FLASH, Area.REMOTE, registered.astimezone(UTC))
    assert datetime.fromisoformat(data["due_at"]) == expected
    assert expected - registered >= timedelta(hours=DEFAULT_HOURS[Urgency.FLASH][Area.REMOTE])
    agreed = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    naive = (agreed + timedelta(hours=7)).replace(tzinfo=None).isoformat()  # no offset: Asia/Ho_Chi_Minh
    timed = api.as_("board").post("/api/v1/consignments", json=body(reference="r-2", deliver_by=naive))
    assert timed.status_code == 201, timed.get_json()
    assert datetime.fromisoformat(timed.get_json()["due_at"]) == agreed


@pytest.mark.parametrize(
    ("recipient", "route"),
    [
        ("UBBC-MUONGPHANG", ["32100", "32000", "32260"]),
        ("UBBC-DIENBIENPHU", ["32100"]),  # same office
    ],
)
def test_route_through_the_sorting_centre(api, session, recipient, route):
    data = api.as_("board").post("/api/v1/consignments", json=body(recipient=recipient)).get_json()
    stored = session.scalar(select(Consignment).where(Consignment.tracking == data["tracking"]))
    assert stored.route == route


def test_sorting_centre_clerk_registers_a_short_route(api, session):
    response = api.as_("clerk2").post("/api/v1/consignments", json=body(origin=None))
    assert response.status_code == 201, response.get_json()
    stored = session.scalar(
        select(Consignment).where(Consignment.tracking == response.get_json()["tracking"])
    )
    assert stored.route == ["32000", "32260"]


def test_exhausted_numbers_are_a_clear_409_and_nothing_is_created(api, session, app, monkeypatch):
    from app.serials.services import add_block

    add_block(session, None, "EX", 1, 1)
    monkeypatch.setitem(app.config, "SERIAL_PREFIX", "EX")
    assert api.as_("board").post("/api/v1/consignments", json=body(reference=None)).status_code == 201
    before = counts(session)
    problem = assert_problem(
        api.as_("board").post("/api/v1/consignments", json=body(reference=None)), 409, "tracking"
    )
    assert "EX" in problem["detail"]
    assert counts(session) == before


@pytest.mark.parametrize(
    ("path", "payload", "expected"),
    [
        ("/api/v1/consignments", body(recipient="NOPE", pieces=0), {"recipient", "pieces"}),
        (
            "/api/v1/dispatches",
            dispatch_body(["UBBC-MUONGNHE", "NOPE"], pieces=0, deliver_by="2020-01-01T08:00:00+07:00"),
            {"recipients.1", "pieces", "deliver_by"},
        ),
        (
            "/api/v1/consignments",
            body(sender="UBBC-NOWHERE", urgency="asap", document={"number": "", "date": "2999-01-01"}),
            {"sender", "urgency", "document.number", "document.date"},
        ),
    ],
)
def test_every_invalid_field_is_named_at_once(api, session, path, payload, expected):
    """Schema errors and reference checks together: not one group per attempt."""
    before = counts(session)
    problem = assert_problem(api.as_("board").post(path, json=payload), 422)
    assert set(problem["errors"]) == expected
    assert counts(session) == before
