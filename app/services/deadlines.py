"""The deadlines an instance counted in working days, and moving them where they are held.

A deadline is an absolute moment in the workflow's data (deadline_at, a department's limit,
a vote's end); a waiting timer fixed its due moment when it began to wait. Every moment an
instance computed with add_working_days() during a step is kept here with what it was
counted from (working_deadline), so that when the calendar changes, or a case is extended or
paused, the moment can be counted again and replaced everywhere the instance holds it: its
task data, its waiting timers, and the tables that mirror it (registered by their owners).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.engine import runtime
from app.models import HumanTask, ProcessInstance, WorkingDeadline, db, utcnow
from app.models.process import COMPLETED, RUNNING, TERMINATED
from app.services import audit
from app.services.actor import Actor

# Quoted ISO 8601 moments with an offset, as the workflow document stores them.
_MOMENT = re.compile(r'"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))"')
_computed: ContextVar[list | None] = ContextVar("computed_deadlines", default=None)
_mirrors: list[tuple[sa.Column, sa.Column]] = [(HumanTask.due_at, HumanTask.instance_id)]
_listeners: list[Callable] = []
Moves = list[tuple[datetime, datetime]]


def mirror(column, instance_column) -> None:
    """A table column that copies a deadline of an instance; moved with it."""
    if (column, instance_column) not in _mirrors:
        _mirrors.append((column, instance_column))


def on_moved(listener: Callable[[ProcessInstance, Moves, Actor, str, str], None]) -> None:
    """Called after an instance's deadlines moved (instance, moves, actor, kind, reason)."""
    if listener not in _listeners:
        _listeners.append(listener)


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
    return [datetime.fromisoformat(m.group(1)) for m in _MOMENT.finditer(text or "")]


def substitute(text: str, mapping: dict[datetime, datetime]) -> tuple[str, int]:
    """The document with every moment in `mapping` replaced, in one pass (a moment moved to
    where another was is not moved twice); and how many were replaced."""
    count = 0

    def replace(match: re.Match) -> str:
        nonlocal count
        new = mapping.get(datetime.fromisoformat(match.group(1)))
        if new is None:
            return match.group(0)
        count += 1
        return f'"{new.isoformat()}"'
    return _MOMENT.sub(replace, text), count


def move(instance_id: int, mapping: dict[datetime, datetime], actor: Actor, *, reason: str,
         kind: str) -> Moves:
    """Replace each old moment by its new one wherever the instance holds it, under the
    instance's lock; a timer moved into the past fires now. Not from inside an engine step."""
    from app.services import execution  # execution records into this module
    moves = [(old, new) for old, new in mapping.items() if old != new]
    if not moves:
        return []
    instance = execution.lock_instance(instance_id)
    if instance.state in (COMPLETED, TERMINATED):
        return []
    _move_rows(instance_id, moves)
    text, replaced = substitute(instance.workflow_json, dict(moves))
    if replaced:
        workflow = runtime.load(text, execution.compiled_for(instance.definition))
        if instance.state == RUNNING:
            execution.run_and_save(instance, workflow, actor)
        else:  # suspended or stopped by an incident: moved, but nothing runs until resumed
            instance.workflow_json = runtime.dump(workflow)
            instance.next_timer_at = runtime.next_timer_due(workflow)
    audit.record(actor, "deadline.moved", instance_id=instance_id, kind=kind, reason=reason,
                 moves=[{"from": old.isoformat(), "to": new.isoformat()} for old, new in moves])
    for listener in _listeners:
        listener(instance, moves, actor, kind, reason)
    return moves


def _move_rows(instance_id: int, moves: Moves) -> None:
    for column, instance_column in _mirrors:
        for old, new in moves:
            db.session.execute(sa.update(column.class_).where(
                instance_column == instance_id, column == old).values({column.key: new})
                .execution_options(synchronize_session="fetch"))
    for row in ledger(instance_id):
        for old, new in moves:
            if row.due_at == old:
                row.due_at = new
