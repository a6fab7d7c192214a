"""Test harness: every database test runs on SQLite and, when HOATOC_TEST_POSTGRES_URL is set, on PostgreSQL.

The schema is migrated once per backend and the demo reference data (Điện Biên offices and bodies, one
user per role) committed once; each test then runs inside a transaction that is rolled back, with the
application's own commits turned into savepoints. Nothing is mocked: requests go through the real app.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from app import db, migrate
from app.db import get_database
from tests.browser.fixtures import browser, context, live_server, page  # noqa: F401 - registered once, suite-wide
from tests.support import TEST_PASSWORD, ApiClient, build_app, seed_reference_data

REQUIRE_ALL = os.environ.get("HOATOC_REQUIRE_ALL") == "1"
POSTGRES_URL = os.environ.get("HOATOC_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_configure(config: pytest.Config) -> None:
    if REQUIRE_ALL and not POSTGRES_URL:
        raise pytest.UsageError(
            "HOATOC_REQUIRE_ALL=1 needs HOATOC_TEST_POSTGRES_URL: PostgreSQL tests may not be skipped"
        )
    config.addinivalue_line("markers", "slow: takes more than a few seconds (still run in CI)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    # In CI every test must really run: a skip there hides a missing dependency.
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"skipped under HOATOC_REQUIRE_ALL=1 (a skip is a failure in CI): {reason}"


def _database_url(backend: str, tmp_root: Path, worker: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_root / f'hoatoc-test-{worker}.db'}"
    assert POSTGRES_URL
    if worker == "main":
        return POSTGRES_URL
    # Parallel workers (pytest -n) each get a database of their own next to the given one.
    url = make_url(POSTGRES_URL)
    name = f"{url.database}_{worker}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _reset_postgres(app: Flask) -> None:
    with get_database(app).engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session", params=BACKENDS)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = _database_url(request.param, tmp_path_factory.getbasetemp(), worker)
    application = build_app(url)
    application.config["TEST_BACKEND"] = request.param
    if request.param == "postgresql":
        _reset_postgres(application)
    with application.app_context():
        migrate.upgrade(get_database(application).engine)
        seed_reference_data(db.session)
        db.session.commit()
    yield application
    get_database(application).dispose()


@pytest.fixture
def backend(app: Flask) -> str:
    return app.config["TEST_BACKEND"]


@pytest.fixture(autouse=True)
def _transaction(request: pytest.FixtureRequest) -> Iterator[None]:
    """Wrap each test that uses the app in a transaction rolled back at the end."""
    if "app" not in request.fixturenames or request.node.get_closest_marker("committing"):
        yield
        return
    app: Flask = request.getfixturevalue("app")
    database = get_database(app)
    connection = database.engine.connect()
    outer = connection.begin()
    original = database.sessionmaker
    database.sessionmaker = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    try:
        yield
    finally:
        database.sessionmaker = original
        outer.rollback()
        connection.close()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The app's session inside an app context (requests made meanwhile share it)."""
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api(app: Flask) -> ApiClient:
    """An API client; ``api.as_("clerk")`` signs requests as one of the seeded users."""
    return ApiClient(app)


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD
