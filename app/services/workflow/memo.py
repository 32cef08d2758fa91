"""Lookups remembered for the rest of one database transaction.

A completion asks who a user is and where they act several times (permission, the lock's
re-check, routing the next task, who to tell): each answer is read once per transaction.
What a memo holds is dropped when the transaction ends (commit or rollback: another
request, or a later step, reads afresh) and as soon as a flush writes a row of a model the
memo depends on, or when such a row is changed in the session and not flushed yet: a change
made in the same transaction is seen by the next lookup, as a query would see it.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import db

T = TypeVar("T")
_KEY = "govflow.memo"  # in Session.info: {name: (models it depends on, {key: value})}


def remembered(name: str, key: Hashable, compute: Callable[[], T],
               *, depends_on: tuple[type, ...]) -> T:
    """`compute()` the first time in this transaction, the remembered value afterwards."""
    values = _current(name, depends_on)
    if key not in values:
        values[key] = compute()
    return values[key]


def known(name: str, key: Hashable, *, depends_on: tuple[type, ...]) -> object | None:
    """What `remembered(name, key, ...)` holds in this transaction, or None (nothing read)."""
    return _current(name, depends_on).get(key)


def _current(name: str, depends_on: tuple[type, ...]) -> dict:
    """The memo `name`'s values, emptied first if a pending change touches what it reads."""
    session = db.session()
    memos = session.info.setdefault(_KEY, {})
    if name in memos and _changed(session).intersection(depends_on):
        del memos[name]  # changed but not flushed yet: a query (autoflush) would see it
    return memos.setdefault(name, (depends_on, {}))[1]


def remember_all(name: str, values: dict, *, depends_on: tuple[type, ...]) -> None:
    """Remember many answers read at once (a fan-out's departments in one query)."""
    memos = db.session().info.setdefault(_KEY, {})
    memos.setdefault(name, (depends_on, {}))[1].update(values)


def forget() -> None:
    """Drop everything remembered in this transaction (after expunging the session)."""
    db.session().info.pop(_KEY, None)


def _changed(session: Session) -> set[type]:
    return {type(obj) for obj in (*session.new, *session.dirty, *session.deleted)}


@sa.event.listens_for(Session, "after_transaction_end")
def _forget_all(session: Session, transaction) -> None:
    # The database transaction or a savepoint ended; a flush's own inner transaction (neither)
    # leaves what is remembered to _forget_changed.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_KEY, None)


@sa.event.listens_for(Session, "after_flush")
def _forget_changed(session: Session, _context) -> None:
    memos = session.info.get(_KEY)
    if not memos:
        return
    changed = _changed(session)
    for name, (depends_on, _) in list(memos.items()):
        if changed.intersection(depends_on):
            del memos[name]
