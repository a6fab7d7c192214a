"""Who may call what: every operation of the API without a valid token, then each role inside and outside
its scope, against the answers the contract fixes (401 unauthenticated, 403 outside the scope)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth import services as auth
from models import User
from models.base import utcnow
from tests.factories import make_consignment
from tests.support import USERS

PUBLIC = {("POST", "/api/v1/tokens"), ("GET", "/api/v1/track/{tracking}")}
SAMPLE = {"tracking": "EB000000005VN", "code": "32100", "shift_id": "1", "alert_id": "1", "inquiry_id": "1",
          "dispatch_id": "1", "webhook_id": "1", "delivery_id": "1"}  # fmt: skip


def _operations(app):
    spec = app.extensions["hoatoc.api"].spec.to_dict()
    for path, item in spec["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete") and (method.upper(), path) not in PUBLIC:
                yield method.upper(), re.sub(r"\{(\w+)\}", lambda m: SAMPLE.get(m[1], "1"), path)


def _token(session, username, **issue):
    user = session.scalar(select(User).where(User.username == username))
    raw, _token = auth.issue_token(session, user, timedelta(hours=1), **issue)
    return user, raw


def test_every_operation_refuses_requests_without_a_valid_token(app, api, session):
    _user, expired = _token(session, USERS["clerk"], now=utcnow() - timedelta(hours=2))
    deactivated_user, deactivated = _token(session, USERS["clerk2"])
    auth.deactivate_user(session, None, deactivated_user)
    session.commit()
    credentials = {
        "no token": {},
        "malformed header": {"Authorization": "Token abc"},
        "unknown token": {"Authorization": "Bearer hts_unknown"},
        "expired token": {"Authorization": f"Bearer {expired}"},
        "deactivated user": {"Authorization": f"Bearer {deactivated}"},
    }
    checked, wrong = 0, []
    for method, path in _operations(app):
        for name, headers in credentials.items():
            response = api.request(
                method, path, headers=headers, json={} if method in ("POST", "PUT") else None
            )
            checked += 1
            if response.status_code != 401 or response.mimetype != "application/problem+json":
                wrong.append(f"{method} {path} with {name}: {response.status_code}")
    assert checked > 150
    assert wrong == []


@pytest.fixture
def item(session):
    """Registered at 32100 by the provincial commission for the Mường Phăng commission (office 32260)."""
    consignment = make_consignment(session)
    session.commit()
    return consignment


SCAN = {"scans": [{"id": "6b1f6c1e-0000-4000-8000-000000000001", "tracking": "{t}", "event": "EMA"}]}


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "expected"),
    [
        # Registering: boards for their own body, clerks at their counter; printers never.
        ("board", "POST", "/api/v1/consignments", "register_own", 201),
        ("board2", "POST", "/api/v1/consignments", "register_own", 403),
        ("printer", "POST", "/api/v1/consignments", "register_own", 403),
        # Reading a consignment: sender and receiver bodies, offices on its way, admin; others see nothing.
        ("board", "GET", "/api/v1/consignments/{t}", None, 200),
        ("board2", "GET", "/api/v1/consignments/{t}", None, 200),
        ("admin", "GET", "/api/v1/consignments/{t}", None, 200),
        # Scanning: clerks at their own office, admins anywhere; never boards or printers.
        ("clerk", "POST", "/api/v1/scans", "scan", 200),
        ("board", "POST", "/api/v1/scans", "scan", 403),
        ("printer", "POST", "/api/v1/scans", "scan", 403),
        # Labels: the printer of the origin office; a clerk or a board user may not print.
        ("printer", "GET", "/api/v1/consignments/{t}/label", None, 200),
        ("clerk", "GET", "/api/v1/consignments/{t}/label", None, 403),
        ("board", "GET", "/api/v1/consignments/{t}/label", None, 403),
        # Administration.
        ("admin", "GET", "/api/v1/audit", None, 200),
        ("clerk", "GET", "/api/v1/audit", None, 403),
        ("board", "GET", "/api/v1/serial-blocks", None, 403),
        ("board", "POST", "/api/v1/webhooks", "webhook", 403),
        ("clerk", "GET", "/api/v1/webhooks", None, 403),
        ("clerk", "PUT", "/api/v1/standards", "standards", 403),
        ("board", "PUT", "/api/v1/standards", "standards", 403),
        ("printer", "GET", "/api/v1/alerts", None, 403),
        ("board", "GET", "/api/v1/alerts", None, 200),
        ("admin", "GET", "/api/v1/webhooks", None, 200),
    ],
)
def test_roles_and_scopes(api, item, role, method, path, body, expected):
    bodies = {
        "register_own": {
            "sender": "UBBC-DIENBIEN", "recipient": "UBBC-MUONGPHANG",
            "document": {"number": "9/QĐ-UBBC", "date": "2026-03-01", "title": "Quyết định"},
            "urgency": "flash", "confidentiality": "none", "pieces": 1, "weight_g": 100,
        },
        "scan": {"scans": [{**SCAN["scans"][0], "tracking": item.tracking}]},
        "webhook": {"url": "https://example.org/hook", "events": ["alert.opened"], "secret": "a-long-secret-value"},
        "standards": {},
    }  # fmt: skip
    response = api.as_(role).request(method, path.format(t=item.tracking), json=bodies.get(body))
    assert response.status_code == expected, response.get_data(as_text=True)[:300]


def test_a_board_outside_the_consignment_sees_nothing(api, session):
    outsider = make_consignment(
        session, recipient_code="UBBC-TIADINH", recipient_name="Ủy ban bầu cử xã Tìa Dình"
    )
    session.commit()
    assert api.as_("board2").get(f"/api/v1/consignments/{outsider.tracking}").status_code == 404
    listed = api.as_("board2").get("/api/v1/consignments").get_json()["items"]
    assert outsider.tracking not in {c["tracking"] for c in listed}


def test_a_clerk_may_not_scan_for_another_office(api, item):
    body = {"scans": [{**SCAN["scans"][0], "tracking": item.tracking, "office": "32000"}]}
    result = api.as_("clerk").post("/api/v1/scans", json=body).get_json()["results"][0]
    assert result["result"] == "rejected"
    assert "office" in result["errors"]
