"""A classified document's title: only admins and the sending and receiving bodies, never in lists."""

from __future__ import annotations

import pytest

from tests.consignments.helpers import bearer_for_new_user, body, dispatch_body
from tests.support import assert_problem, login

TITLE = "Phương án bảo vệ kho phiếu bầu"


@pytest.fixture
def secret(api):
    response = api.as_("board").post(
        "/api/v1/consignments",
        json=body(
            confidentiality="secret", document={"number": "07/KH-UBBC", "title": TITLE}, reference=None
        ),
    )
    assert response.status_code == 201
    assert response.get_json()["document"]["title"] == TITLE  # the sender may read what it sent
    return response.get_json()["tracking"]


@pytest.mark.parametrize(
    ("user", "sees_title"),
    [
        ("admin", True),
        ("board", True),
        ("board2", True),
        ("clerk", False),
        ("clerk2", False),
        ("printer", False),
    ],
)
def test_detail_shows_the_title_to_the_two_bodies_and_admins_only(api, secret, user, sees_title):
    data = api.as_(user).get(f"/api/v1/consignments/{secret}").get_json()
    assert data["confidentiality"] == "secret"
    assert data["document"]["number"] == "07/KH-UBBC"
    assert data["document"]["title"] == (TITLE if sees_title else None)


@pytest.mark.parametrize("user", ["admin", "board", "board2", "clerk", "clerk2", "printer"])
def test_lists_never_carry_it(api, secret, user):
    response = api.as_(user).get("/api/v1/consignments?per_page=500")
    item = next(i for i in response.get_json()["items"] if i["tracking"] == secret)
    assert item["document"]["title"] is None
    assert TITLE not in response.get_data(as_text=True)


def test_another_body_cannot_even_see_it(api, session, secret):
    other = bearer_for_new_user(session, "ubbc.thanhan", "board", body="UBBC-THANHAN")
    session.commit()
    assert_problem(api.get(f"/api/v1/consignments/{secret}", headers=other), 404)
    listed = api.get("/api/v1/consignments?per_page=500", headers=other)
    assert TITLE not in listed.get_data(as_text=True)


def test_clerk_registering_a_classified_item_does_not_get_the_title_back(api):
    response = api.as_("clerk").post(
        "/api/v1/consignments",
        json=body(origin=None, confidentiality="top_secret", document={"number": "1/M", "title": TITLE}),
    )
    assert response.status_code == 201
    assert response.get_json()["document"]["title"] is None


def test_dispatch_detail_withholds_it_from_the_post(api):
    created = api.as_("board").post(
        "/api/v1/dispatches",
        json=dispatch_body(["UBBC-MUONGPHANG", "UBBC-MUONGNHE"], confidentiality="confidential",
                           document={"number": "9/M", "title": TITLE}),
    )  # fmt: skip
    dispatch_id = created.get_json()["id"]
    assert api.as_("board").get(f"/api/v1/dispatches/{dispatch_id}").get_json()["document"]["title"] == TITLE
    for user in ("printer", "clerk", "board2"):
        response = api.as_(user).get(f"/api/v1/dispatches/{dispatch_id}")
        assert response.get_json()["document"]["title"] is None
        assert TITLE not in response.get_data(as_text=True)


def test_pages_follow_the_same_rule(app, secret):
    clerk = app.test_client()
    login(clerk, "clerk")
    assert TITLE not in clerk.get(f"/consignments/{secret}").get_data(as_text=True)
    assert TITLE not in clerk.get("/consignments").get_data(as_text=True)
    recipient = app.test_client()
    login(recipient, "board2")
    assert TITLE in recipient.get(f"/consignments/{secret}").get_data(as_text=True)
    assert TITLE not in recipient.get("/consignments").get_data(as_text=True)
