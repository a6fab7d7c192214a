"""Helpers shared by the tests: seeded users, an API client that signs requests, CSRF for forms."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from app import create_app, demo
from app.auth.services import issue_token

TEST_PASSWORD = "test-password-1"

# name -> (demo username). The demo data gives one user per role and scope.
USERS = {
    "admin": "admin",
    "board": "ubbc.tinh",  # provincial election commission UBBC-DIENBIEN
    "board2": "ubbc.muongphang",  # commune commission UBBC-MUONGPHANG
    "clerk": "gdv.32100",  # post office 32100 (Điện Biên Phủ)
    "clerk2": "gdv.32000",  # sorting centre 32000
    "printer": "in.32100",
}
_TOKENS: dict[tuple[str, str], str] = {}


def build_app(url: str, **overrides: Any) -> Flask:
    config = {
        "DATABASE_URL": url,
        "HOATOC_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_LOGIN": "100000 per minute",
        "RATELIMIT_TRACK": "100000 per minute",
        "PUBLIC_URL": "https://hoatoc.test",
    }
    config.update(overrides)
    return create_app(config)


def seed_reference_data(session: Session, register: bool = True) -> dict[str, str]:
    """Load the demo reference data and issue a token per seeded user; returns user name -> token.

    ``register`` makes the tokens the ones ``ApiClient`` signs with for this backend (the main test app).
    """
    demo.load(session, TEST_PASSWORD)
    session.flush()
    from sqlalchemy import select

    from models import User

    backend = session.get_bind().dialect.name
    tokens = {}
    for name, username in USERS.items():
        user = session.scalar(select(User).where(User.username == username))
        tokens[name], _token = issue_token(session, user, timedelta(days=30))
        if register:
            _TOKENS[(backend, name)] = tokens[name]
    return tokens


def token_for(app: Flask, name: str) -> str:
    backend = "postgresql" if app.config["DATABASE_URL"].startswith("postgresql") else "sqlite"
    return _TOKENS[(backend, name)]


class ApiClient:
    """A test client for /api/v1 that adds a bearer token for the chosen user."""

    def __init__(self, app: Flask, user: str | None = None) -> None:
        self.app = app
        self.client = app.test_client()
        self.user = user

    def as_(self, user: str | None) -> ApiClient:
        return ApiClient(self.app, user)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.user:
            headers.setdefault("Authorization", f"Bearer {token_for(self.app, self.user)}")
        return headers

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> TestResponse:
        return self.client.open(path, method=method, headers=self._headers(headers), **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.request("DELETE", path, **kwargs)


def assert_problem(response: TestResponse, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is RFC 9457 problem+json with this status (and an error for this field)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert body["status"] == status
    if field is not None:
        assert field in body["errors"], body["errors"]
    return body


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, user: str) -> TestResponse:
    token = csrf_token(client)
    return client.post(
        "/login", data={"username": USERS[user], "password": TEST_PASSWORD, "csrf_token": token}
    )


class QueryCounter:
    """Counts the SQL statements an app runs while in use: ``with QueryCounter(app) as q: ...; q.count``."""

    def __init__(self, app: Flask) -> None:
        from app.db import get_database

        self.engine = get_database(app).engine
        self.statements: list[str] = []

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)
