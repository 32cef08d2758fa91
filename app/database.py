"""Binding the database, checking pooled connections, and making SQLite behave for a
multi-process server."""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Flask

from app.models import db

# A pooled connection used this recently is taken as alive, as HikariCP does (its
# aliveBypassWindowMs): pinging on every checkout (pool_pre_ping) costs each request a
# round trip when the server is busy and its connections are never idle.
PING_AFTER_IDLE_SECONDS = 0.5


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    check_pooled_connections(engine)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # A write transaction takes the write lock up front: two writers then queue on
    # busy_timeout instead of one failing when it upgrades from a read lock.
    immediate = connection.get_execution_options().get("sqlite_immediate")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def check_pooled_connections(engine: sa.Engine) -> None:
    """Ping a pooled connection at checkout when it has been idle (PING_AFTER_IDLE_SECONDS)."""
    sa.event.listen(engine, "connect", _mark_used)
    sa.event.listen(engine, "checkin", _mark_used)
    sa.event.listen(engine, "checkout", _ping_if_idle)


def _mark_used(_dbapi_connection, record) -> None:
    record.info["used_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    """A connection idle for a while (the server may have restarted, a firewall may have cut
    it) is pinged; a dead one is replaced by the pool before the request uses it."""
    if time.monotonic() - record.info.get("used_at", 0.0) < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()  # the request's transaction begins with its own statement
    except Exception as err:  # the driver's own error type, whichever driver
        raise sa.exc.DisconnectionError(f"pooled connection is dead: {err}") from err
    record.info["used_at"] = time.monotonic()
