"""SQLite (the demo's database): a request that writes is never refused because another wrote meanwhile.

In WAL mode a transaction that has read and then writes cannot wait for the write lock once another
connection has committed since its read: SQLite says "database is locked" at once, whatever the busy timeout.
The demo's sweep, running beside the server every minute, made sign-ins fail so (503). Writing transactions
therefore take the lock as they begin; reading requests still never block anyone.
"""

from __future__ import annotations

import threading

import pytest
from flask import Flask

from app.db import make_engine


def _database(tmp_path):
    url = f"sqlite:///{tmp_path / 'writers.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    return engine, make_engine(url)


def _write_in_thread(engine, done: threading.Event) -> threading.Thread:
    def write() -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (2)")
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_a_writing_request_keeps_the_write_lock_from_its_first_read(tmp_path):
    engine, other = _database(tmp_path)
    other_wrote = threading.Event()
    with Flask(__name__).test_request_context("/api/v1/tokens", method="POST"), engine.connect() as conn:
        with conn.begin():
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
            thread = _write_in_thread(other, other_wrote)
            # The other writer waits for this transaction instead of committing in between.
            assert not other_wrote.wait(1.0)
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")  # "database is locked" before the change
        thread.join(30)
    assert other_wrote.is_set()
    with engine.connect() as conn:
        assert sorted(conn.exec_driver_sql("SELECT n FROM t").scalars()) == [1, 2]
    engine.dispose()
    other.dispose()


@pytest.mark.parametrize("context", ["GET request", "no request"])
def test_a_reading_request_or_command_never_holds_up_a_writer(tmp_path, context):
    """A page being read, or a CLI command (the sweep, a test's own session) that has only read so far."""
    engine, other = _database(tmp_path)
    other_wrote = threading.Event()
    flask_app = Flask(__name__)
    scope = flask_app.test_request_context("/board") if context == "GET request" else flask_app.app_context()
    with scope, engine.connect() as conn:
        with conn.begin():
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
            thread = _write_in_thread(other, other_wrote)
            assert other_wrote.wait(30)  # committed while this read was still open
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0  # its own snapshot
        thread.join(30)
    engine.dispose()
    other.dispose()
