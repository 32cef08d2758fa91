"""The deadlines an instance counted in working days (the ledger rescheduling reads).

A deadline is an absolute moment in the workflow's data (deadline_at, a department's limit,
a vote's end); a waiting timer fixed its due moment when it began to wait. Every moment an
instance computed with add_working_days() during a step is kept here with what it was
counted from (working_deadline), so that when the calendar changes, or a case is extended or
paused, the moment can be counted again and replaced everywhere the instance holds it: its
task data, its waiting timers, and the tables that mirror it (registered by their owners).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.models import ProcessInstance, WorkingDeadline, db, utcnow

# Quoted ISO 8601 moments with an offset, as the workflow document stores them.
MOMENT = re.compile(r'"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))"')
_computed: ContextVar[list | None] = ContextVar("computed_deadlines", default=None)


def is_recording() -> bool:
    return _computed.get() is not None


def note(start: datetime, days: Decimal, due: datetime, provisional: bool) -> None:
    """A working-day computation happened; kept if a step is recording."""
    found = _computed.get()
    if found is not None:
        found.append((start, days, due, provisional))


@contextmanager
def recording() -> Iterator[list]:
    found: list = []
    token = _computed.set(found)
    try:
        yield found
    finally:
        _computed.reset(token)


def record(instance_id: int, found: Iterable[tuple]) -> None:
    """Keep what a step computed; a basis already kept is counted again, not added twice."""
    unique = {(start, days): (due, provisional) for start, days, due, provisional in found}
    if not unique:
        return
    have = {(row.start_at, row.days): row for row in db.session.scalars(
        sa.select(WorkingDeadline).where(WorkingDeadline.instance_id == instance_id))}
    for (start, days), (due, provisional) in unique.items():
        row = have.get((start, Decimal(days)))
        if row is None:
            db.session.add(WorkingDeadline(instance_id=instance_id, start_at=start, days=days,
                                           due_at=due, provisional=provisional))
        else:
            row.due_at, row.provisional = due, provisional


def ledger(instance_id: int) -> list[WorkingDeadline]:
    return list(db.session.scalars(sa.select(WorkingDeadline).where(
        WorkingDeadline.instance_id == instance_id).order_by(WorkingDeadline.id)))


def upcoming(instance_id: int, now: datetime | None = None) -> list[datetime]:
    """The instance's working-day deadlines still ahead and still held by its workflow."""
    instance = db.session.get(ProcessInstance, instance_id)
    held = set(held_moments(instance.workflow_json)) if instance else set()
    now = now or utcnow()
    return sorted({row.due_at for row in ledger(instance_id)
                   if row.due_at > now and row.due_at in held})


def held_moments(text: str) -> list[datetime]:
    return [datetime.fromisoformat(m.group(1)) for m in MOMENT.finditer(text or "")]
