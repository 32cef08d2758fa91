"""Waking instances whose timers are due.

SpiffWorkflow's timers are lazy: they fire only when something runs the engine. Every
save stores the earliest waiting timer in process_instance.next_timer_at; a periodic
sweep claims the due instances (a lease, so that a second worker or a duplicate beat does
not queue them again) and each is fired in a transaction of its own. Firing is idempotent:
a duplicated or late delivery finds nothing due and does nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.engine import runtime
from app.models import ProcessInstance, db, utcnow
from app.models.process import RUNNING
from app.services.workflow import audit, execution
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, EngineFailure, InvalidInput, NotFound
from app.services.workflow.transactions import begin_write


def due_instance_ids(now: datetime | None = None, limit: int = 200) -> list[int]:
    """Running instances whose earliest timer is due, the longest overdue first."""
    return list(db.session.scalars(
        sa.select(ProcessInstance.id)
        .where(ProcessInstance.state == RUNNING,
               ProcessInstance.next_timer_at <= (now or utcnow()))
        .order_by(ProcessInstance.next_timer_at, ProcessInstance.id).limit(limit)))


# Longer than a queue of due firings takes to drain, so no instance is queued twice.
LEASE = timedelta(seconds=300)


def claim_due(limit: int = 500, lease: timedelta = LEASE) -> list[int]:
    """Claim up to `limit` due instances, the longest overdue first, for `lease`; returns the
    ids this call claimed and no other. Committed at once, so a concurrent sweep skips them
    (PostgreSQL: skips rows being claimed; SQLite: its single writer serializes sweeps)."""
    begin_write()
    now = utcnow()
    unclaimed = sa.or_(ProcessInstance.timer_claimed_until.is_(None),
                       ProcessInstance.timer_claimed_until <= now)
    due = (sa.select(ProcessInstance.id)
           .where(ProcessInstance.state == RUNNING, ProcessInstance.next_timer_at <= now,
                  unclaimed)
           .order_by(ProcessInstance.next_timer_at, ProcessInstance.id).limit(limit)
           .with_for_update(skip_locked=True))
    claimed = db.session.scalars(
        sa.update(ProcessInstance)
        .where(ProcessInstance.id.in_(due.scalar_subquery()), unclaimed)
        .values(timer_claimed_until=now + lease)
        .returning(ProcessInstance.id)
        .execution_options(synchronize_session=False)).all()
    db.session.commit()
    return sorted(claimed)


def sweep(enqueue, *, batch: int = 500, lease: timedelta = LEASE,
          budget: timedelta = timedelta(seconds=4)) -> int:
    """Claim every due instance, a batch at a time, and hand each id to `enqueue` (the
    worker's fire task): 10,000 timers due in one minute are queued by one sweep, not 200
    every few seconds. Stops after `budget` so that a sweep never outlives its interval."""
    started, queued = utcnow(), 0
    while True:
        claimed = claim_due(batch, lease)
        for instance_id in claimed:
            enqueue(instance_id)
        queued += len(claimed)
        if len(claimed) < batch or utcnow() - started >= budget:
            return queued


def fire(instance_id: int, actor: Actor) -> bool:
    """Run the engine of a due instance. False when nothing was due or the engine failed."""
    try:
        instance = execution.lock_instance(instance_id)
    except NotFound:
        db.session.rollback()
        return False
    due = instance.next_timer_at
    if instance.state != RUNNING or due is None or due > utcnow():
        _release(instance_id)  # nothing to do: the claim goes, with the write transaction
        return False
    return _run(instance, actor, _nothing, "timer.fired", narrow=True, due=due.isoformat())


def fire_now(instance_id: int, actor: Actor, *, timer: str | None = None,
             reason: str = "") -> bool:
    """For administrators: make a waiting timer of a running instance due (`timer`, its BPMN
    id; every one when None), then fire. The reason is kept in the audit trail."""
    reason = (reason or "").strip()[:500]
    instance = execution.lock_instance(instance_id)
    execution.require_running(instance)
    if timer is not None and timer not in {t["timer"] for t in waiting(instance)}:
        raise Conflict(f"timer {timer} of process instance {instance_id} is not waiting",
                       code="timer_not_waiting", timer=timer)
    moved: list[dict] = []

    def make_due(workflow: BpmnWorkflow) -> None:
        moved.extend(make_timers_due(workflow, utcnow(), only=timer))

    return _run(instance, actor, make_due, "timer.fired_now", timers=moved, reason=reason)


def waiting(instance: ProcessInstance) -> list[dict]:
    """The instance's waiting timers: BPMN id, name and due moment (ISO, as stored)."""
    workflow = runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))
    found = []
    for task in _waiting_timer_tasks(workflow):
        value = task.internal_data["event_value"]
        found.append({"timer": task.task_spec.bpmn_id,
                      "name": task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                      "due": value["next"] if isinstance(value, dict) else value})
    return found


def _waiting_timer_tasks(workflow: BpmnWorkflow) -> list:
    return [task for task in workflow.get_tasks(state=TaskState.WAITING)
            if isinstance(getattr(task.task_spec, "event_definition", None),
                          TimerEventDefinition)
            and task.internal_data.get("event_value") is not None]


def make_timers_due(workflow: BpmnWorkflow, now: datetime,
                    only: str | None = None) -> list[dict]:
    """Rewrite the due time of every WAITING timer event (or the one whose BPMN id is
    `only`) to `now`; return what was moved.

    The engine fires a timer only once its due time is strictly in the past, so the new
    due time is a second before `now`.
    """
    stamp = (now - timedelta(seconds=1)).isoformat()
    moved = []
    for task in _waiting_timer_tasks(workflow):
        if only is not None and task.task_spec.bpmn_id != only:
            continue
        value = task.internal_data["event_value"]
        if isinstance(value, dict):  # a cycle timer: {'cycles', 'next', 'duration'}
            moved.append({"timer": task.task_spec.bpmn_id, "was": value["next"]})
            task.internal_data["event_value"] = {**value, "next": stamp}
        else:
            moved.append({"timer": task.task_spec.bpmn_id, "was": value})
            task.internal_data["event_value"] = stamp
    return moved


def _run(instance: ProcessInstance, actor: Actor, action, audit_action: str, *,
         narrow: bool = False, **detail) -> bool:
    instance_id = instance.id
    try:
        execution.step(instance, actor, action, narrow=narrow)
    except (EngineFailure, InvalidInput) as err:  # nobody is waiting for the answer
        execution.record_incident(instance_id, actor, err.detail)
        return False
    audit.record(actor, audit_action, instance_id=instance_id, **detail)
    db.session.commit()
    return True


def _release(instance_id: int) -> None:
    db.session.execute(sa.update(ProcessInstance).where(ProcessInstance.id == instance_id)
                       .values(timer_claimed_until=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def _nothing(workflow: BpmnWorkflow) -> None:
    """No action: runtime.advance() refreshes the timers and runs what became ready."""
