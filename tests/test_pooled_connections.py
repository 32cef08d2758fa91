"""A pooled connection is pinged at checkout only after it has been idle: a dead one is then
replaced before a request uses it, and a busy server pays no round trip per request."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import database
from tests.conftest import require_service


def _engine(url: str) -> tuple[sa.Engine, list[str]]:
    engine = sa.create_engine(url, pool_size=1, max_overflow=0)
    database.check_pooled_connections(engine)
    sent: list[str] = []
    sa.event.listen(engine, "connect", lambda *_: sent.append("connect"))
    return engine, sent


def _pinged(engine: sa.Engine) -> list[str]:
    """Record the pings the raw connections receive (they bypass SQLAlchemy's cursor events)."""
    pings: list[str] = []
    original = database._ping_if_idle

    def counting(dbapi_connection, record, proxy):
        before = record.info.get("used_at")
        original(dbapi_connection, record, proxy)
        if record.info.get("used_at") != before:
            pings.append("ping")
    sa.event.remove(engine, "checkout", database._ping_if_idle)
    sa.event.listen(engine, "checkout", counting)
    return pings


def _check(url: str, handle, kill, monkeypatch) -> None:
    """`handle(conn)` names the connection's session; `kill(it)` ends it behind the pool."""
    engine, connects = _engine(url)
    pings = _pinged(engine)
    with engine.connect() as conn:  # new: taken as alive
        assert conn.scalar(sa.text("SELECT 1")) == 1
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 3600)
    with engine.connect() as conn:  # used a moment ago: no ping
        assert conn.scalar(sa.text("SELECT 2")) == 2
        it = handle(conn)
    assert pings == [] and connects == ["connect"]
    kill(it)
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0)
    with engine.connect() as conn:  # idle (a window of 0): pinged, dead, replaced, pinged
        assert conn.scalar(sa.text("SELECT 3")) == 3
    assert connects == ["connect", "connect"] and pings == ["ping"]
    with engine.connect() as conn:  # pinged again, alive, kept
        assert conn.scalar(sa.text("SELECT 4")) == 4
    assert connects == ["connect", "connect"] and pings == ["ping", "ping"]
    engine.dispose()


def test_sqlite_connection_dead_while_idle_is_replaced(tmp_path, monkeypatch):
    _check(f"sqlite:///{tmp_path / 'pool.sqlite'}", lambda conn: conn.connection.dbapi_connection,
           lambda raw: raw.close(), monkeypatch)


@pytest.mark.postgres
def test_postgres_backend_terminated_while_idle_is_replaced(monkeypatch):
    url = require_service("TEST_DATABASE_URL")
    killer = sa.create_engine(url, isolation_level="AUTOCOMMIT")

    def terminate(pid: int) -> None:
        with killer.connect() as other:
            assert other.scalar(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    try:
        _check(url, lambda conn: conn.scalar(sa.text("SELECT pg_backend_pid()")), terminate,
               monkeypatch)
    finally:
        killer.dispose()
