"""Gapless per-key sequences (办件编号's per-day counter, a department's document numbers).

One upsert: insert the key's row at 1, or raise its counter, and return it
(INSERT … ON CONFLICT DO UPDATE … RETURNING). Two transactions taking the next number of
the same key wait for each other's row lock instead of reading the same last value."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from app.models import db


def next_value(counter, **key) -> int:
    """The next number of `counter` (a model whose primary key is the key columns, with
    `last`) for `key`."""
    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    statement = dialect.insert(counter).values(**key, last=1)
    return db.session.scalar(statement.on_conflict_do_update(
        index_elements=list(key), set_={"last": counter.last + 1}).returning(counter.last))
