"""Gapless per-key sequences (办件编号's per-day counter, a department's document numbers).

Insert the key's row if it is missing, then raise its counter in one UPDATE … RETURNING: two
transactions taking the next number of the same key wait for each other's row lock instead
of reading the same last value."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.models import db


def next_value(counter, **key) -> int:
    """The next number of `counter` (a model with the key columns and `last`) for `key`."""
    dialect = sqlite if db.session.get_bind().dialect.name == "sqlite" else postgresql
    db.session.execute(dialect.insert(counter).values(**key, last=0).on_conflict_do_nothing())
    return db.session.scalar(
        sa.update(counter).where(*(getattr(counter, k) == v for k, v in key.items()))
        .values(last=counter.last + 1).returning(counter.last))
