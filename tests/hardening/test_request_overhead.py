"""What every request pays around its work, made cheaper without giving up a guarantee.

- The per-worker token cache honours deactivation and revocation once its seconds are up (a clock the test
  controls), and never serves a token past its expiry.
- Rate limits still refuse, and a refusal says when to come back (Retry-After); successful answers no longer
  carry the X-RateLimit-* headers (they cost two more Redis round trips per request).
- A read-only lookup on PostgreSQL runs in autocommit on a connection that goes back to the pool ready for
  transactions; a request that only added objects is still committed.
- A pooled connection the server has closed is replaced before use, with no ping per request otherwise.
"""

from __future__ import annotations

import os
from datetime import timedelta

import psycopg
import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from app.auth import services
from app.auth.token_cache import TokenCache
from app.db import get_database, make_engine, read_connection
from models import Area, Office, OfficeKind, User
from tests.support import build_app


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _clerk_token(session, hours: float = 1):
    user = session.scalar(select(User).where(User.username == "gdv.32000"))
    raw, token = services.issue_token(session, user, timedelta(hours=hours))
    session.commit()
    return user, raw, token


def test_cached_token_answers_without_sql_until_its_seconds_are_up(app, session):
    user, raw, _token = _clerk_token(session)
    clock = Clock()
    cache = TokenCache(5, clock=clock)
    assert cache.user(session, raw).username == "gdv.32000"
    services.deactivate_user(session, None, user)
    session.commit()
    clock.now += 4.9  # within the cache's seconds: the worker still trusts what it read
    assert cache.user(session, raw) is not None
    clock.now += 0.2  # past them: read again, refused
    assert cache.user(session, raw) is None
    assert cache.user(session, raw) is None  # and not remembered


def test_revoked_token_is_refused_once_the_cache_seconds_are_up(app, session):
    _user, raw, token = _clerk_token(session)
    clock = Clock()
    cache = TokenCache(5, clock=clock)
    assert cache.user(session, raw) is not None
    token.revoked = True
    session.commit()
    clock.now += 5.1
    assert cache.user(session, raw) is None


def test_cached_token_past_its_expiry_is_refused_at_once(app, session, monkeypatch):
    _user, raw, token = _clerk_token(session, hours=1)
    cache = TokenCache(24 * 3600, clock=Clock())  # the entry itself would live a day
    assert cache.user(session, raw) is not None
    later = token.expires_at + timedelta(seconds=1)
    monkeypatch.setattr("app.auth.token_cache.utcnow", lambda: later)
    monkeypatch.setattr("app.auth.services.utcnow", lambda: later)
    assert cache.user(session, raw) is None


def test_cached_user_is_each_requests_own_instance(app, session):
    _user, raw, _token = _clerk_token(session)
    cache = TokenCache(5, clock=Clock())
    first = cache.user(session, raw)
    session.expunge_all()
    second = cache.user(session, raw)
    assert second is not first
    assert second in session
    assert second.office_code == "32000"


def test_zero_seconds_turns_the_cache_off(app, session):
    user, raw, _token = _clerk_token(session)
    cache = TokenCache(0, clock=Clock())
    assert cache.user(session, raw) is not None
    services.deactivate_user(session, None, user)
    session.commit()
    assert cache.user(session, raw) is None


def test_deactivated_user_is_refused_over_http_after_the_cache_seconds(app: Flask, session):
    user, raw, _token = _clerk_token(session)
    headers = {"Authorization": f"Bearer {raw}"}
    from app.auth.current import BEARER_USERS_KEY

    clock, original = Clock(), app.extensions[BEARER_USERS_KEY]
    app.extensions[BEARER_USERS_KEY] = TokenCache(5, clock=clock)
    try:
        client = app.test_client()
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        services.deactivate_user(session, None, user)
        session.commit()
        clock.now += 1
        assert client.get("/api/v1/me", headers=headers).status_code == 200  # the documented delay
        clock.now += 5
        assert client.get("/api/v1/me", headers=headers).status_code == 401
    finally:
        app.extensions[BEARER_USERS_KEY] = original


def _limited_app(app: Flask, **limits: str) -> Flask:
    limited = build_app(app.config["DATABASE_URL"], **limits)
    get_database(limited).sessionmaker = get_database(app).sessionmaker  # share the test's transaction
    return limited


def test_refused_lookup_says_when_to_come_back(app: Flask, session):
    client = _limited_app(app, RATELIMIT_TRACK="1 per minute").test_client()
    first = client.get("/api/v1/track/EB000000005VN")
    assert "X-RateLimit-Remaining" not in first.headers  # no storage read-back on answers that pass
    refused = client.get("/api/v1/track/EB000000005VN")
    assert refused.status_code == 429
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.headers["X-RateLimit-Limit"] == "1"


def test_token_requests_are_still_rate_limited(app: Flask, session, password):
    client = _limited_app(app, RATELIMIT_LOGIN="2 per minute").test_client()
    body = {"username": "gdv.32100", "password": password}
    statuses = [client.post("/api/v1/tokens", json=body).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_request_that_only_added_objects_is_committed(app: Flask, session):
    from app import db

    added = build_app(app.config["DATABASE_URL"])

    @added.post("/api/add-office")  # under /api/ without a session cookie: no CSRF token needed
    def add_office():
        # No flush, no query: only the edge's commit writes it.
        db.session.add(Office(code="99999", name="Bưu cục thử", kind=OfficeKind.POST_OFFICE, area=Area.URBAN))
        return {"ok": True}

    get_database(added).sessionmaker = get_database(app).sessionmaker
    assert added.test_client().post("/api/add-office").status_code == 200
    assert session.get(Office, "99999") is not None


@pytest.fixture
def postgres_app():
    """An app on PostgreSQL whose sessions are bound to its engine, as in production (reads only)."""
    url = os.environ.get("HOATOC_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("needs HOATOC_TEST_POSTGRES_URL")
    engine_bound = build_app(url)
    yield engine_bound
    get_database(engine_bound).dispose()


def test_lookup_reads_in_autocommit_and_sessions_still_write_in_transactions(postgres_app):
    from app import db

    with postgres_app.app_context():
        connection = read_connection(db.session)
        assert connection.connection.driver_connection.autocommit is True
        assert connection.execute(text("SELECT 1")).scalar() == 1
        assert read_connection(db.session) is connection  # one per request
        assert db.session.connection().connection.driver_connection.autocommit is False


def test_session_already_in_a_transaction_reads_inside_it(postgres_app):
    from app import db

    with postgres_app.app_context():
        db.session.execute(text("SELECT 1"))
        assert read_connection(db.session) is db.session.connection()


def test_connection_closed_by_the_server_is_replaced_before_use(postgres_app):
    engine = make_engine(get_database(postgres_app).url)
    try:
        with engine.connect() as conn:
            victim = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        libpq = make_url(get_database(postgres_app).url).set(drivername="postgresql")
        with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as killer:
            # With a timeout it returns once the backend has exited, so its goodbye is on the idle socket.
            assert killer.execute("SELECT pg_terminate_backend(%s, 10000)", (victim,)).fetchone()[0]
        with engine.connect() as conn:  # returned well within a second: only the socket says it is dead
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != victim
    finally:
        engine.dispose()


def test_idle_connection_is_pinged(postgres_app, monkeypatch):
    from app import db as database_module

    engine = make_engine(get_database(postgres_app).url, pool_size=1)
    pings = []
    original = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(1) or original(c))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with engine.connect() as conn:  # just returned: trusted
            conn.execute(text("SELECT 1"))
        assert pings == []
        monkeypatch.setattr(database_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as conn:  # idle past the threshold: pinged first
            conn.execute(text("SELECT 1"))
        assert pings == [1]
    finally:
        engine.dispose()
