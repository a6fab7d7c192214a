"""The public lookup answered in front of Flask (app.tracking.fastpath) says what the route says.

Real commits (the front reads through the app's own engine, never a test's transaction), cleaned up after.
On PostgreSQL the front answers plain lookups itself; on SQLite it hands every request to the route: the
same answers either way, and a hook on Flask tells which of the two answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask, request
from prometheus_client import REGISTRY
from sqlalchemy import delete, text

from app import db
from app.alerts.services import open_alert
from app.db import get_database
from models import Alert, AlertKind, AuditEntry, Consignment, ScanEvent
from tests.factories import make_consignment
from tests.support import build_app
from tests.tracking.test_public_tracking import _delivered_item

# (Accept-Language, the lang cookie)
LANGUAGES = ((None, None), ("en-GB,en;q=0.9", None), ("fr, vi;q=0.5", None), (None, "en"), ("en", "vi"))


@pytest.fixture
def committed(app: Flask) -> Iterator[list[str]]:
    """A delivered item with a timeline and a flag, and a registered one with no event, committed."""
    with app.app_context():
        delivered = _delivered_item(db.session)
        open_alert(db.session, AlertKind.LATE, "quá hạn", consignment=delivered)
        fresh = make_consignment(db.session)
        db.session.commit()
        ids, numbers = [delivered.id, fresh.id], [delivered.tracking, fresh.tracking]
    yield numbers
    with get_database(app).engine.begin() as conn:
        conn.execute(delete(Alert.__table__).where(Alert.consignment_id.in_(ids)))
        conn.execute(delete(ScanEvent.__table__).where(ScanEvent.consignment_id.in_(ids)))
        conn.execute(delete(AuditEntry.__table__).where(AuditEntry.object_id.in_(numbers)))
        conn.execute(delete(Consignment.__table__).where(Consignment.id.in_(ids)))


@pytest.fixture
def apps(app: Flask) -> Iterator[Callable[..., tuple[Flask, Flask, list[str]]]]:
    """Build (the front in place, the route alone, the paths that reached Flask through the first)."""
    built: list[Flask] = []

    def build(**config: object) -> tuple[Flask, Flask, list[str]]:
        url = app.config["DATABASE_URL"]
        front, route = build_app(url, **config), build_app(url, TRACKING_FAST_PATH=False, **config)
        built.extend((front, route))
        reached: list[str] = []
        front.before_request(lambda: reached.append(request.path))
        return front, route, reached

    yield build
    for made in built:
        get_database(made).dispose()


def _client(app: Flask, cookie: str | None):
    client = app.test_client()
    if cookie:
        client.set_cookie("lang", cookie)
    return client


def _same(a, b) -> None:
    assert (a.status_code, a.get_json(silent=True)) == (b.status_code, b.get_json(silent=True))
    for name in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Retry-After", "Set-Cookie"):
        assert a.headers.get(name) == b.headers.get(name), name


@pytest.mark.committing
def test_the_front_answers_plain_lookups_as_the_route_does(apps, backend, committed):
    front, route, reached = apps()
    number = committed[0]
    asked = [number, number.lower(), f"{number[:2]} {number[2:5]} {number[5:8]} {number[8:]}", committed[1]]
    for path in (f"/api/v1/track/{n}" for n in asked):
        for accept, cookie in LANGUAGES:
            headers = {"Accept-Language": accept} if accept else {}
            answer = _client(front, cookie).get(path, headers=headers)
            assert answer.status_code == 200
            _same(answer, _client(route, cookie).get(path, headers=headers))
    english = _client(front, "en").get(f"/api/v1/track/{number}").get_json()
    assert english["status_text"] == "Delivered"
    assert english["flags_text"] == ["Late"]
    assert [e["event"] for e in english["events"]] == ["EMA", "EDD", "EMI"]
    # PostgreSQL: answered in front of Flask; SQLite: by the route.
    asked_front = len(asked) * len(LANGUAGES) + 1
    assert len(reached) == (0 if backend == "postgresql" else asked_front)


@pytest.mark.committing
def test_everything_else_goes_to_the_route(apps, committed):
    front, route, reached = apps()
    number = committed[0]
    cases = [
        ("GET", "/api/v1/track/EB000000005VN", 404),  # well formed, unknown
        ("GET", f"/api/v1/track/{number[:-3]}{(int(number[-3]) + 1) % 10}VN", 422),  # check digit mistyped
        ("GET", "/api/v1/track/not-a-number", 422),
        ("GET", f"/api/v1/track/{number}?lang=en", 200),  # remembered in a cookie by the route
        ("HEAD", f"/api/v1/track/{number}", 200),
        ("GET", f"/api/v1/track/{number}/more", 404),
    ]
    for method, path, status in cases:
        answer = front.test_client().open(path, method=method)
        assert answer.status_code == status, path
        _same(answer, route.test_client().open(path, method=method))
    assert reached == [path.split("?")[0] for _m, path, _s in cases]
    assert "lang=en" in front.test_client().get(f"/api/v1/track/{number}?lang=en").headers["Set-Cookie"]


@pytest.mark.committing
def test_every_lookup_counts_against_the_public_limit(apps, committed):
    front, _route, _reached = apps(RATELIMIT_TRACK="3 per minute", RATELIMIT_SETTLE_SECONDS=0)
    client = front.test_client()
    paths = [f"/api/v1/track/{committed[0]}", "/api/v1/track/EB000000005VN", "/api/v1/track/nonsense"]
    assert [client.get(p).status_code for p in paths] == [200, 404, 422]
    refused = client.get(paths[0], headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert refused.get_json()["title"] == "Too many requests"
    # Another client address has its own count.
    other = client.get(paths[0], environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


@pytest.mark.committing
def test_the_front_counts_its_answers_in_the_request_metrics(apps, committed):
    front, _route, _reached = apps()
    labels = {"method": "GET", "endpoint": "tracking.Track", "status": "200"}
    before = REGISTRY.get_sample_value("hoatoc_http_requests_total", labels) or 0
    for _ in range(3):
        assert front.test_client().get(f"/api/v1/track/{committed[0]}").status_code == 200
    assert REGISTRY.get_sample_value("hoatoc_http_requests_total", labels) == before + 3


@pytest.mark.committing
def test_a_terminated_connection_costs_no_answer(app, apps, backend, committed):
    front, _route, reached = apps()
    path = f"/api/v1/track/{committed[0]}"
    assert front.test_client().get(path).status_code == 200
    if backend == "postgresql":  # the server ends the front's pooled connection (a restart, an admin)
        with get_database(app).engine.connect() as conn:
            # With a timeout, pg_terminate_backend waits until the backend has gone (its socket is closed);
            # without one it only signals, and the next lookup may race the backend's exit.
            ended = conn.execute(
                text(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle'"
                )
            ).scalar()
            conn.commit()
        assert ended >= 1
    answer = front.test_client().get(path)
    assert answer.status_code == 200
    assert answer.get_json()["tracking"] == committed[0]
    assert reached == ([] if backend == "postgresql" else [path, path])
