"""Moving an instance's deadlines where it holds them: its task data, its waiting timers, the
deadline ledger and the tables that mirror a deadline (registered by their owners).

Counted again when the calendar changes, or when a case is extended or paused.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from app.engine import runtime
from app.models import HumanTask, ProcessInstance, db
from app.models.process import COMPLETED, RUNNING, TERMINATED
from app.services.workflow import audit, execution
from app.services.workflow.actor import Actor
from app.services.workflow.deadlines import MOMENT, ledger

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
    return MOMENT.sub(replace, text), count


def move(instance_id: int, mapping: dict[datetime, datetime], actor: Actor, *, reason: str,
         kind: str) -> Moves:
    """Replace each old moment by its new one wherever the instance holds it, under the
    instance's lock; a timer moved into the past fires now. Not from inside an engine step."""
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
