"""How a service becomes a writer: one rule for every write path (execution, sign-ins, the
outbox, absences, letters), with no dependency of its own."""
from __future__ import annotations

from app.models import db


def begin_write() -> None:
    """On SQLite, hold the write lock from the first statement of the transaction.

    A read transaction (auth, lookups) cannot safely become a writer in WAL mode: it would
    write from a stale snapshot or fail at once. So end it and begin IMMEDIATE; writers then
    queue on busy_timeout and each sees the state its predecessor committed.
    """
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.connection().get_execution_options().get("sqlite_immediate"):
            return
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})
