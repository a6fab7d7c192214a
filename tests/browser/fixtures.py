"""Browser tests: the real application served by a real threaded server, driven by the system Chromium.

The fixtures are registered once for the whole suite by ``tests/conftest.py`` (one Playwright per test
process: a second one in the same process fails), so any test module may use them by name; import only
``login`` (and constants) from here, never the fixtures themselves:

``live_server`` (session scope)
    A werkzeug threaded server on ``127.0.0.1`` and a random free port, in a background thread, serving
    ``create_app`` against a SQLite *file* database in the session's temporary directory, migrated and
    seeded with ``tests.support.seed_reference_data`` (Điện Biên offices and bodies, one user per role,
    password ``tests.support.TEST_PASSWORD``) and committed. It is not rolled back between tests: make
    your data unique (``tests.factories`` numbers are) and commit it. ``live_server.url`` is the base URL;
    ``with live_server.session() as s:`` gives a session on the same database to prepare data (commit it)
    and to check what the pages did. The server is shut down at the end of the session.

``browser`` (session scope)
    Chromium from ``/usr/bin/chromium`` (``scripts/install-test-deps.sh`` installs it; never
    ``playwright install``), headless, through Playwright's sync API. Missing Chromium is a skip, which
    CI (``HOATOC_REQUIRE_ALL=1``) turns into a failure.

``context`` / ``page`` (function scope)
    A fresh browser context per test (own cookies, storage, offline switch: ``context.set_offline``),
    default timeout 10 s, and a page in it. After the test a full-page screenshot is saved as
    ``test-artifacts/<test name>.png`` (gitignored), pass or fail.

``login(page, live_server, "clerk")``, ``registered_items(live_server, count, **overrides)``
    Signs in through the login form as one of ``tests.support.USERS`` and waits for the home page.
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from app import db, migrate
from app.db import get_database
from tests.support import TEST_PASSWORD, USERS, build_app, seed_reference_data

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000


class LiveServer:
    def __init__(self, app: Flask, server: BaseWSGIServer) -> None:
        self.app = app
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"
        self.thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the server's database, inside an app context (commit what should be seen)."""
        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.rollback()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()
        get_database(self.app).dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("live") / "hoatoc-live.db"
    app = build_app(f"sqlite:///{path}")
    with app.app_context():
        migrate.upgrade(get_database(app).engine)
        seed_reference_data(db.session, register=False)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(app, server)
    live.thread.start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.skip(
            "Chromium is not installed at /usr/bin/chromium (scripts/install-test-deps.sh installs it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    tab = context.new_page()
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    except Exception as exc:  # a screenshot must never hide the test's own result
        print(f"screenshot failed: {exc}")


def login(page: Any, live_server: LiveServer, user: str) -> None:
    page.goto(f"{live_server.url}/login")
    page.fill("#username", USERS[user])
    page.fill("#password", TEST_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(re.compile(r"^(?!.*/login).*$"))


def registered_items(live_server: LiveServer, count: int, **overrides: Any) -> list[str]:
    """Tracking numbers of ``count`` new consignments registered ten hours ago (committed), as made by
    ``tests.factories.make_consignment`` with ``overrides``."""
    from tests.factories import make_consignment
    from tests.scans.helpers import ago

    with live_server.session() as session:
        items = [make_consignment(session, now=ago(600), **overrides).tracking for _ in range(count)]
        session.commit()
    return items
