"""POST /api/v1/dispatches: one document to many recipients, all or nothing, order kept; GET a dispatch."""

from __future__ import annotations

from sqlalchemy import select

from app import s10
from models import AuditEntry, Consignment, Dispatch
from tests.consignments.helpers import bearer_for_new_user, commune_codes, counts, dispatch_body
from tests.support import QueryCounter, assert_problem


def test_dispatch_to_the_45_commune_commissions(api, session):
    communes = commune_codes()
    assert len(communes) == 45
    response = api.as_("board").post("/api/v1/dispatches", json=dispatch_body(communes))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert set(data) == {"id", "consignments"}
    items = data["consignments"]
    assert [i["recipient"] for i in items] == communes  # the order given
    serials = [s10.Parsed.of(i["tracking"]).serial for i in items]
    assert all(s10.is_valid(i["tracking"]) for i in items)
    assert serials == list(range(serials[0], serials[0] + 45))  # one block, one batch, none skipped
    stored = session.scalars(select(Consignment).where(Consignment.dispatch_id == data["id"])).all()
    assert sorted((c.dispatch_position, c.recipient_code) for c in stored) == list(enumerate(communes))
    assert session.get(Dispatch, data["id"]).doc_number == "80/CV-UBBC"
    audited = session.scalars(
        select(AuditEntry.object_id).where(AuditEntry.action == "consignment.register")
    ).all()
    assert {i["tracking"] for i in items} <= set(audited)
    listed = api.as_("board").get(f"/api/v1/consignments?dispatch={data['id']}&per_page=10").get_json()
    assert listed["total"] == 45
    assert [i["tracking"] for i in listed["items"]] == [i["tracking"] for i in items[:10]]


def test_one_unknown_recipient_creates_nothing_and_is_named(api, session):
    recipients = commune_codes()[:6]
    recipients[3] = "UBBC-ATLANTIS"
    before = counts(session)
    problem = assert_problem(api.as_("board").post("/api/v1/dispatches", json=dispatch_body(recipients)), 422)
    assert list(problem["errors"]) == ["recipients.3"]
    assert "UBBC-ATLANTIS" in problem["errors"]["recipients.3"][0]
    assert counts(session) == before


def test_every_bad_recipient_is_named(api, session):
    communes = commune_codes()
    recipients = [
        communes[0],
        "NOPE-1",
        communes[1],
        communes[0],
        {"name": "X", "office": "00000"},
        "UBBC-DIENBIEN",
    ]
    problem = assert_problem(api.as_("board").post("/api/v1/dispatches", json=dispatch_body(recipients)), 422)
    assert set(problem["errors"]) == {"recipients.1", "recipients.3", "recipients.4.office", "recipients.5"}


def test_empty_or_missing_recipients_is_422(api):
    assert_problem(api.as_("board").post("/api/v1/dispatches", json=dispatch_body([])), 422, "recipients")
    body = dispatch_body(["UBBC-MUONGPHANG"])
    del body["recipients"]
    assert_problem(api.as_("board").post("/api/v1/dispatches", json=body), 422, "recipients")


def test_repeated_reference_returns_the_same_dispatch_and_creates_nothing(api, session):
    body = dispatch_body(commune_codes()[:5], reference="80/CV-UBBC-lan-1")
    first = api.as_("board").post("/api/v1/dispatches", json=body)
    assert first.status_code == 201
    before = counts(session)
    again = api.as_("board").post("/api/v1/dispatches", json=body)
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    assert counts(session) == before


def test_free_recipients_mix_with_bodies(api):
    recipients = ["UBBC-MUONGPHANG", {"name": "Công an tỉnh Điện Biên", "office": "32105"}]
    data = api.as_("board").post("/api/v1/dispatches", json=dispatch_body(recipients)).get_json()
    assert [i["recipient"] for i in data["consignments"]] == ["UBBC-MUONGPHANG", "Công an tỉnh Điện Biên"]


def test_dispatch_detail_shows_only_what_each_user_may_see(api, session):
    communes = [*commune_codes()[:5], "UBBC-MUONGPHANG"]
    dispatch_id = api.as_("board").post("/api/v1/dispatches", json=dispatch_body(communes)).get_json()["id"]
    sender_view = api.as_("board").get(f"/api/v1/dispatches/{dispatch_id}").get_json()
    assert len(sender_view["consignments"]) == 6
    assert sender_view["document"]["number"] == "80/CV-UBBC"
    recipient_view = api.as_("board2").get(f"/api/v1/dispatches/{dispatch_id}").get_json()
    assert [c["recipient"] for c in recipient_view["consignments"]] == ["UBBC-MUONGPHANG"]
    assert len(api.as_("printer").get(f"/api/v1/dispatches/{dispatch_id}").get_json()["consignments"]) == 6
    stranger = bearer_for_new_user(session, "ubbc.thanhnua", "board", body="UBBC-THANHNUA")
    assert_problem(api.get(f"/api/v1/dispatches/{dispatch_id}", headers=stranger), 404)
    assert_problem(api.as_("board").get("/api/v1/dispatches/999999"), 404)


def test_dispatch_needs_a_token(api):
    assert_problem(api.post("/api/v1/dispatches", json=dispatch_body(["UBBC-MUONGPHANG"])), 401)


def test_registration_is_set_based(api, app):
    """As many SQL statements for 42 recipients as for 3 (each batch covering the three areas)."""
    few = ["UBBC-DIENBIENPHU", "UBBC-MUONGNHE", "UBBC-MUONGCHA"]  # urban, remote, rural
    many = [code for code in commune_codes() if code not in few]
    api.as_("board").get("/api/v1/me")  # the token's occasional last-used write happens here, not below
    counted = []
    for n, recipients in enumerate((few, many)):
        with QueryCounter(app) as queries:
            response = api.as_("board").post(
                "/api/v1/dispatches", json=dispatch_body(recipients, reference=f"q-{n}")
            )
        assert response.status_code == 201
        counted.append(queries.count)
    assert counted[0] == counted[1]
