"""Request bodies the API must refuse cleanly, whichever endpoint receives them: never a 500, nothing written."""

from __future__ import annotations

import json
import uuid

import marshmallow as ma
import pytest
from flask import request
from sqlalchemy import func, select

from app import csvio
from app.errors import Invalid
from models import Consignment
from tests.consignments.helpers import body, dispatch_body
from tests.factories import make_consignment
from tests.support import assert_problem

FORM = "application/x-www-form-urlencoded"


def _raw(value: object) -> bytes:
    """JSON as a client writes it: escapes kept as escapes (json.dumps writes a lone surrogate as \\ud800)."""
    return json.dumps(value).encode()


def _consignments(session) -> int:
    return session.scalar(select(func.count()).select_from(Consignment)) or 0


def test_a_lone_surrogate_in_a_registration_is_422_naming_the_field(api, session):
    before = _consignments(session)
    sent = body(document={"number": "1", "title": "\ud800"}, reference=None)
    response = api.as_("board").post("/api/v1/consignments", data=_raw(sent), content_type="application/json")
    problem = assert_problem(response, 422, "document.title")
    assert "Unicode" in problem["errors"]["document.title"][0]
    assert _consignments(session) == before


def test_a_lone_surrogate_is_refused_in_a_dispatch_and_in_a_dict_key(api, session):
    before = _consignments(session)
    sent = dispatch_body(["UBBC-MUONGPHANG"], document={"number": "1", "title": "x", "\udfff": "y"})
    response = api.as_("board").post("/api/v1/dispatches", data=_raw(sent), content_type="application/json")
    assert_problem(response, 422, "document.\udfff")
    assert _consignments(session) == before


def test_a_lone_surrogate_rejects_that_scan_alone(api, session):
    """As a control character does: one unreadable scan must not turn away the rest of a handheld's upload."""
    item = make_consignment(session)
    session.commit()
    bad = {
        "id": str(uuid.uuid4()),
        "tracking": item.tracking,
        "event": "XHD",
        "details": {"reason": "\ud800"},
    }
    good = {"id": str(uuid.uuid4()), "tracking": item.tracking, "event": "EMA"}
    response = api.as_("clerk").post(
        "/api/v1/scans", data=_raw({"scans": [bad, good]}), content_type="application/json"
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    rejected, recorded = response.get_json()["results"]
    assert rejected["result"] == "rejected"
    assert "Unicode" in rejected["errors"]["details.reason"][0]
    assert recorded["result"] == "recorded"


def test_a_lone_surrogate_outside_the_scans_refuses_the_batch(api):
    scan = {"id": str(uuid.uuid4()), "tracking": "EB000000005VN", "event": "EMA"}
    response = api.as_("clerk").post(
        "/api/v1/scans", data=_raw({"scans": [scan], "\udfff": 1}), content_type="application/json"
    )
    assert_problem(response, 422)


def test_a_surrogate_pair_is_ordinary_text(api):
    sent = body(document={"number": "1", "title": "Phiếu \ud83d\uddf3"}, reference=None)
    response = api.as_("board").post("/api/v1/consignments", data=_raw(sent), content_type="application/json")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["document"]["title"] == "Phiếu \U0001f5f3"


def test_surrogates_cannot_arrive_in_form_posts_csv_or_query_strings(app, api):
    # Bytes are decoded as UTF-8, which has no encoding of a lone surrogate: its would-be bytes stay escaped
    # as sent (forms, query strings) or the whole file is refused (CSV, decoded strictly).
    assert_problem(api.as_("admin").get("/api/v1/offices?per_page=%ED%A0%80"), 422, "query.per_page")
    with app.test_request_context(
        "/consignments?q=%ED%A0%80", method="POST", data=b"title=%ED%A0%80", content_type=FORM
    ):
        assert request.form["title"] == request.args["q"] == "%ED%A0%80"
    with pytest.raises(Invalid):
        csvio.decode(b"title\n\xed\xa0\x80\n")


DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
DEEP_ARRAY = b"[" * 2_000 + b"]" * 2_000


@pytest.mark.parametrize(
    "path", ["/api/v1/consignments", "/api/v1/dispatches", "/api/v1/scans", "/api/v1/tokens"]
)
@pytest.mark.parametrize("raw", [DEEP_OBJECT, DEEP_ARRAY], ids=["object", "array"])
def test_deeply_nested_json_is_400_and_writes_nothing(api, session, path, raw):
    before = _consignments(session)
    response = api.as_("admin").post(path, data=raw, content_type="application/json")
    problem = assert_problem(response, 400, "body")
    assert (
        "nested"
        in api.as_("admin")
        .post(path, data=raw, content_type="application/json", headers={"Accept-Language": "en"})
        .get_json()["detail"]
    )
    assert problem["detail"].startswith("Thân JSON")
    assert _consignments(session) == before


def test_json_nested_just_under_the_interpreter_limit_is_400_too(api):
    # Deep enough for the decoder, but not for the recursive checks that follow it: refused by depth first.
    raw = b"[" * 500 + b"]" * 500
    assert_problem(api.as_("admin").post("/api/v1/scans", data=raw, content_type="application/json"), 400)


def test_ordinary_nesting_is_read(api):
    sent = body(document={"number": "1", "title": "x"}, reference=None)
    response = api.as_("board").post("/api/v1/consignments", json=sent)
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value"), [("pieces", "1"), ("weight_g", 1.5), ("weight_g", 250.0), ("pieces", True)]
)
def test_integers_in_a_json_body_must_be_json_integers(api, session, field, value):
    before = _consignments(session)
    response = api.as_("board").post("/api/v1/consignments", json=body(**{field: value, "reference": None}))
    assert assert_problem(response, 422, field)["errors"][field] == ["Không phải số nguyên hợp lệ."]
    assert _consignments(session) == before


def test_integers_nested_in_lists_of_a_json_body_are_strict_too(app):
    from app.api.parsing import strict_integers

    schema = ma.Schema.from_dict(
        {"n": ma.fields.List(ma.fields.Integer()), "d": ma.fields.Dict(values=ma.fields.Integer())}
    )()
    strict_integers(schema)
    with pytest.raises(ma.ValidationError) as raised:
        schema.load({"n": [1, "2"], "d": {"a": 1.5}})
    assert raised.value.messages == {
        "n": {1: ["Not a valid integer."]},
        "d": {"a": {"value": ["Not a valid integer."]}},
    }


def test_labels_refuse_a_quoted_dpi_in_the_body_but_read_it_from_the_query(api):
    sent = {"trackings": ["EB000000005VN"], "dpi": "300"}
    assert_problem(api.as_("admin").post("/api/v1/labels", json=sent), 422, "dpi")
    response = api.as_("admin").get("/api/v1/offices?per_page=2&page=1")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("user", "path", "sent"),
    [
        ("clerk", "/api/v1/scans", {"scans": []}),
        ("board", "/api/v1/consignments", body(reference=None)),
        (None, "/api/v1/tokens", {"username": "admin", "password": "x"}),
    ],
)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_body_that_is_not_declared_json_is_415(api, session, user, path, sent, content_type):
    before = _consignments(session)
    raw = json.dumps(sent).encode()
    response = api.as_(user).post(path, data=raw, content_type=content_type)
    problem = assert_problem(response, 415, "body")
    assert "application/json" in problem["detail"]
    assert problem["title"] == "Kiểu dữ liệu không được hỗ trợ"
    assert problem["detail"].startswith("Nội dung")
    english = api.as_(user).post(path, data=raw, content_type=content_type, headers={"Accept-Language": "en"})
    assert english.get_json()["detail"].startswith("The request body must be JSON")
    assert _consignments(session) == before


def test_no_body_at_all_is_still_a_missing_field(api):
    assert_problem(api.as_("clerk").post("/api/v1/scans", content_type="text/plain"), 422, "scans")
