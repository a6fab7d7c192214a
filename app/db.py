"""One engine per application, one session per app context, committed once at the edge.

Services only ``flush``; the request (or CLI command) that called them commits. This keeps a
request all-or-nothing: any error rolls back everything it wrote.
"""

from __future__ import annotations

import select
import time
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.local import LocalProxy

EXTENSION_KEY = "hoatoc.db"
# A pooled connection idle for longer than this is pinged before use (see _ping_when_in_doubt).
PING_AFTER_IDLE_SECONDS = 1.0


class Database:
    def __init__(self, url: str, pool_size: int = 5) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL only: connections that stay in autocommit for single-statement reads (read_connection).
        # Their own pool, so that no connection switches mode (two driver calls and events per request); it
        # opens connections only as reads run at once (at most one per worker thread).
        self.reader = None if url.startswith("sqlite") else make_engine(url, pool_size, autocommit=True)

    def dispose(self) -> None:
        self.engine.dispose()
        if self.reader is not None:
            self.reader.dispose()


def make_engine(url: str, pool_size: int = 5, *, autocommit: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        _configure_sqlite(engine)
        return engine
    isolation = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, **isolation)
    _ping_when_in_doubt(engine)
    return engine


def _ping_when_in_doubt(engine: Engine) -> None:
    """Pre-ping a pooled connection only when it may be dead: idle for a while, or the server has spoken.

    A ping on every checkout (``pool_pre_ping``) costs a round trip per request. A connection returned to
    the pool less than a second ago has just proved itself alive, unless the server closed it since:
    PostgreSQL announces a shutdown or a terminated backend on the socket, and a closed socket reads as
    ready, so a zero-timeout poll of it (no round trip) catches a restart at once. A silently cut network is
    caught by the ping once the connection has been idle for a second; within that second a request fails
    with 503 as it would during the outage, and SQLAlchemy then invalidates the whole pool.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None:
            record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None:
            return  # just connected: alive
        if time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS and not _socket_has_news(
            dbapi_connection
        ):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as err:
            # What pool_pre_ping does: this connection and every pooled one older than now are discarded.
            raise exc.InvalidatePoolError(str(err)) from err


def _socket_has_news(dbapi_connection: Any) -> bool:
    """Whether an idle connection's socket is readable: a message from the server, or its end."""
    try:
        fileno = dbapi_connection.fileno()
    except Exception:  # closed or broken: certainly worth a ping
        return True
    poller = select.poll()  # not select.select: file numbers may exceed FD_SETSIZE
    poller.register(fileno, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not pysqlite) issue BEGIN, so that savepoints work.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_may_write() else "BEGIN")


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _request_may_write() -> bool:
    """Whether this SQLite transaction serves a request that may write, and so takes the write lock at once.

    In WAL mode a transaction that read and then writes cannot wait for the lock: if another connection has
    committed since its first read, SQLite answers "database is locked" at once, whatever the busy timeout
    (its snapshot is stale). A person's POST must not fail so because the demo's sweep wrote meanwhile; taken
    as the transaction begins, the lock is waited for (up to the busy timeout) instead. Reading requests and
    work outside requests (CLI commands, the sweep, whose next round retries) begin as before and never hold
    up anyone while they only read.
    """
    return has_request_context() and request.method not in READING_METHODS


def init_app(app: Flask) -> Database:
    database = Database(app.config["DATABASE_URL"], app.config["DB_POOL_SIZE"])
    app.extensions[EXTENSION_KEY] = database

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        reader: Connection | None = g.pop("_db_read_connection", None)
        if reader is not None:
            reader.close()
        session: Session | None = g.pop("_db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()

    return database


def get_database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions[EXTENSION_KEY]


def _current_session() -> Session:
    session = g.get("_db_session")
    if session is None:
        session = get_database().sessionmaker()
        g._db_session = session
    return session


def read_connection(session: Session) -> Connection:
    """A connection for a request that only reads: on PostgreSQL, an autocommit one beside the session.

    A single read statement needs no transaction (under READ COMMITTED every statement takes its own
    snapshot anyway); without one there is no BEGIN and no COMMIT round trip, and no session transaction to
    keep. Only when the session has not begun and is bound to the app's engine: a session already in a
    transaction, or bound to a caller's connection (a CLI command, a test), reads inside it. The connection
    goes back to the pool with the app context, like the session.
    """
    database = get_database()
    if database.reader is None or session.in_transaction() or session.get_bind() is not database.engine:
        return session.connection()
    connection = g.get("_db_read_connection")
    if connection is None:
        connection = g._db_read_connection = database.reader.connect()
    return connection


# The session of the current app context, as ``db.session`` is in Flask-SQLAlchemy.
session: Session = LocalProxy(_current_session)  # type: ignore[assignment]
