"""One actor per instance: lock the row, run the engine, save everything in one transaction."""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import undefer

from app.engine import history, parking, runtime, script_limits
from app.engine.scripting import collecting_effects
from app.models import HumanTask, ProcessDefinition, ProcessInstance, TaskHistory, db, utcnow
from app.models.process import COMPLETED, ERROR, RUNNING
from app.services.workflow import audit, deadlines, step_hooks, task_sync
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, EngineFailure, NotFound, ServiceError
from app.services.workflow.transactions import begin_write


def compiled_for(definition: ProcessDefinition) -> runtime.CompiledProcess:
    """The parsed process; its documents are read from the database only to parse it."""
    key = f"{definition.id}:{definition.sha256}"
    return runtime.cached(key) or runtime.compiled(
        key, definition.bpmn_xml, definition.source_name, definition.key, definition.decisions)


def lock_instance(instance_id: int) -> ProcessInstance:
    begin_write()
    instance = db.session.scalars(
        sa.select(ProcessInstance).where(ProcessInstance.id == instance_id)
        .options(undefer(ProcessInstance.workflow_json))
        .with_for_update(of=ProcessInstance)
        .execution_options(populate_existing=True)).first()
    if instance is None:
        raise NotFound(f"process instance {instance_id} does not exist",
                       message=_l("流程实例 %(id)s 不存在。", id=instance_id))
    return instance


def lock_task_instance(task_id: str) -> tuple[HumanTask, ProcessInstance] | None:
    """The task and its instance, read afresh in one statement that locks the instance
    (what lock_instance does, for an actor who names a task): (None if no such task)."""
    begin_write()
    return db.session.execute(
        sa.select(HumanTask, ProcessInstance)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(HumanTask.id == task_id)
        .options(undefer(ProcessInstance.workflow_json))
        .with_for_update(of=ProcessInstance)
        .execution_options(populate_existing=True)).first()


def require_running(instance: ProcessInstance) -> None:
    if instance.state != RUNNING:
        raise Conflict(f"process instance {instance.id} is {instance.state}",
                       code=f"instance_{instance.state}")


def step(instance: ProcessInstance, actor: Actor, action: Callable[[BpmnWorkflow], None],
         *, completed_task_id: str | None = None, narrow: bool = False) -> BpmnWorkflow:
    """Load the workflow, apply `action`, run the engine, and persist the result.

    `narrow`: the action reaches only the task `completed_task_id` (or, with none, what a
    due timer starts), so the sub-processes idle now are left as they are stored; if the
    step reached one after all, it runs again on the whole workflow.
    Any engine error leaves the database untouched by this step and raises EngineFailure.
    """
    process = compiled_for(instance.definition)
    if narrow:
        workflow = runtime.load(instance.workflow_json, process, focus=completed_task_id,
                                narrow=True)
        try:
            return run_and_save(instance, workflow, actor, action,
                                completed_task_id=completed_task_id)
        except parking.ParkedBranchTouched:
            pass  # nothing was written: the same step, on every sub-process
    workflow = runtime.load(instance.workflow_json, process)
    return run_and_save(instance, workflow, actor, action, completed_task_id=completed_task_id)


def run_and_save(instance: ProcessInstance, workflow: BpmnWorkflow, actor: Actor,
                 action: Callable[[BpmnWorkflow], None] | None = None,
                 *, completed_task_id: str | None = None) -> BpmnWorkflow:
    with deadlines.recording() as counted:  # what the step counts in working days
        with collecting_effects() as collected, script_limits.step_budget():
            try:
                if action is not None:
                    action(workflow)
                runtime.advance(workflow)
                pruned = history.prune(workflow)  # a loop's finished rounds leave the tree
                thrown = step_hooks.take_thrown(workflow)  # before the dump: the outboxes
                document = runtime.dump(workflow)  # keeps them; what scripts stored must dump
            except (ServiceError, SQLAlchemyError, parking.ParkedBranchTouched):
                raise  # a refusal, a lost race, the database, a retry: not the process's fault
            except Exception as err:  # anything a script or the engine raised
                raise _failure(err) from err
        save(instance, workflow, actor, collected, completed_task_id=completed_task_id,
             prepared=(thrown, document))
    _keep_history(instance.id, pruned)
    deadlines.record(instance.id, counted)
    return workflow


def _keep_history(instance_id: int, pruned: list[history.PrunedTask]) -> None:
    """What left the live tree is kept in task_history (the audit has the people's steps)."""
    if pruned:
        db.session.add_all(TaskHistory(
            instance_id=instance_id, task_id=p.task_id, element=p.element[:255],
            name=(p.name or None) and p.name[:255], state=p.state, finished_at=p.finished_at)
            for p in pruned)


def _failure(err: Exception) -> ServiceError:
    """The service's own refusal when a script function raised one (a calendar problem keeps
    its calendar_* code); any other engine error as engine_error."""
    inner = err.__context__ if isinstance(err, WorkflowException) else None
    if isinstance(inner, ServiceError):
        return type(inner)(inner.detail, code=inner.code, element=_element_of(err),
                           **inner.extra)
    return EngineFailure(_describe(err), code="engine_error", element=_element_of(err))


def save(instance: ProcessInstance, workflow: BpmnWorkflow, actor: Actor, collected: list,
         *, completed_task_id: str | None = None,
         prepared: tuple[list, str] | None = None) -> None:
    """`prepared`: what the outboxes took and the document, when the caller already took them."""
    if prepared is None:
        prepared = (step_hooks.take_thrown(workflow), runtime.dump(workflow))
    thrown, instance.workflow_json = prepared
    instance.next_timer_at = runtime.next_timer_due(workflow)
    instance.timer_claimed_until = None  # the engine ran: what is due now is due afresh
    if runtime.is_finished(workflow) and instance.state == RUNNING:
        instance.state, instance.ended_at, instance.next_timer_at = COMPLETED, utcnow(), None
        audit.record(actor, "instance.completed", instance_id=instance.id)
    # No flush here: the instance's row is written with the step's other rows in one flush,
    # where its version is checked (a lost race rolls the whole step back, outboxes included).
    # A later step on the instance in the same transaction takes the lock first, and the
    # lock's read flushes these rows before it reads the instance afresh.
    task_sync.sync(instance, workflow, actor, completed_task_id=completed_task_id)
    step_hooks.after_save(instance, collected, thrown, actor)


def record_incident(instance_id: int, actor: Actor, message: str) -> None:
    """Stop an instance for an administrator, in a transaction of its own."""
    db.session.rollback()
    instance = lock_instance(instance_id)
    instance.state, instance.incident = ERROR, message
    audit.record(actor, "instance.incident", instance_id=instance_id, message=message)
    db.session.commit()


def get_instance(instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"process instance {instance_id} does not exist",
                       message=_l("流程实例 %(id)s 不存在。", id=instance_id))
    return instance


def _describe(err: Exception) -> str:
    inner = err.__context__ if isinstance(err, WorkflowException) and err.__context__ else None
    text = str(err)
    if inner is not None and str(inner) not in text:
        text = f"{text}: {inner}"
    return text


def _element_of(err: Exception) -> str | None:
    task = getattr(err, "task", None)
    return getattr(getattr(task, "task_spec", None), "bpmn_id", None) if task else None
