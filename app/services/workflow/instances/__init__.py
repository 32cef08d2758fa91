"""Starting process instances and reading their state."""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from app.engine import runtime
from app.models import HumanTask, ProcessDefinition, ProcessInstance, User, db
from app.models.process import INSTANCE_STATES
from app.models.task import OPEN
from app.services.workflow import assignment, audit, deployment, execution, paging
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden, InvalidInput

_SEEN = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED


@dataclass(frozen=True)
class Opener:
    """What an instance is opened for (registered by the domain: a case of an item)."""
    subject: Callable[[dict], Any]  # takes its keys out of the start's variables; None: none
    variables: Callable[[Any], dict]  # what the process reads of the subject, from the start
    open: Callable[[ProcessInstance, Any, Actor], None]  # its records, once the row exists


_opener = Opener(subject=lambda variables: None, variables=lambda subject: {},
                 open=lambda instance, subject, actor: None)


def open_with(opener: Opener) -> None:
    global _opener
    _opener = opener


_start_guards: list[Callable[[ProcessDefinition, Actor, dict], None]] = []


_viewers: list[Callable[[User, int], bool]] = []


def also_viewable_by(rule: Callable[[User, int], bool]) -> None:
    """Another part a user may have in an instance (registered by the domain)."""
    if rule not in _viewers:
        _viewers.append(rule)


def guard_start(check: Callable[[ProcessDefinition, Actor, dict], None]) -> None:
    """A check every start passes before anything is created (registered by the domain)."""
    if check not in _start_guards:
        _start_guards.append(check)


def start(key: str, actor: Actor, *, business_key: str | None = None,
          variables: dict | None = None,
          on_created: Callable[[ProcessInstance], None] | None = None) -> ProcessInstance:
    """Start the latest version of `key`; variables naming a subject (an item: a case, 办件)
    open it with the instance. `on_created(instance)` is called once it has its id, in the
    start's transaction (an idempotency key records it there)."""
    variables = copy.deepcopy(variables if variables is not None else {})
    if not isinstance(variables, dict):
        raise InvalidInput("variables must be a JSON object", field="variables")
    if business_key is not None and not (isinstance(business_key, str)
                                         and len(business_key) <= 100):
        raise InvalidInput("businessKey must be text of at most 100 characters",
                           field="businessKey")
    definition = deployment.latest(key)
    for check in _start_guards:
        check(definition, actor, variables)
    subject = _opener.subject(variables)
    instance, workflow = create(definition, actor, subject=subject, variables=variables,
                                business_key=business_key)
    if on_created is not None:
        on_created(instance)
    execution.run_and_save(instance, workflow, actor)
    db.session.commit()
    return instance


def create(definition: ProcessDefinition, actor: Actor, *, subject: Any = None,
           variables: dict | None = None,
           business_key: str | None = None) -> tuple[ProcessInstance, BpmnWorkflow]:
    """A new instance (and what it is opened for) with its workflow, not yet run or saved."""
    variables = dict(variables or {})
    if subject is not None:
        variables.update(_opener.variables(subject))
    execution.begin_write()
    instance = ProcessInstance(definition_id=definition.id, definition=definition,
                               business_key=business_key, started_by=actor.user_id)
    db.session.add(instance)
    db.session.flush()
    if subject is not None:
        _opener.open(instance, subject, actor)
    variables["instance_id"] = instance.id
    audit.record(actor, "instance.started", instance_id=instance.id, key=definition.key,
                 version=definition.version, business_key=business_key)
    return instance, runtime.create(execution.compiled_for(definition), variables)


def matching(*, key: str | None = None, state: str | None = None,
             business_key: str | None = None):
    """The SELECT of instances by process key, state and business key (unfiltered by viewer)."""
    if state and state not in INSTANCE_STATES:
        raise InvalidInput(f"state must be one of {', '.join(INSTANCE_STATES)}",
                           errors=[{"field": "state", "message": "unknown state"}])
    stmt = sa.select(ProcessInstance).join(ProcessDefinition)
    if key:
        stmt = stmt.where(ProcessDefinition.key == key)
    if state:
        stmt = stmt.where(ProcessInstance.state == state)
    if business_key:
        stmt = stmt.where(ProcessInstance.business_key == business_key)
    return stmt


# The newest first: ids only grow, so the id alone is the order and its keyset.
NEWEST_FIRST = paging.Keyset("instances", (
    paging.Key(ProcessInstance.id, lambda i: i.id, int, descending=True),))


def query(*, viewer: User, key: str | None = None, state: str | None = None,
          business_key: str | None = None, limit: int = 100, offset: int = 0,
          after: list | None = None) -> tuple[list[ProcessInstance], int, list | None]:
    """A page of the instances `viewer` may see, newest first, after the key `after` (of
    NEWEST_FIRST); how many match in all (bounded); the key to continue after, if any."""
    stmt = matching(key=key, state=state, business_key=business_key)
    if not viewer.is_admin:
        stmt = stmt.where(visible_to(viewer))
    total = paging.bounded_count(stmt)
    rows, next_key = paging.keyset_page(stmt, NEWEST_FIRST, after=after,
                                        limit=min(limit, 500), offset=offset)
    return rows, total, next_key


def variables(instance: ProcessInstance) -> dict:
    """The workflow's data as seen by its most recent tasks (top-level keys merged)."""
    workflow = runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))
    if runtime.is_finished(workflow):
        return dict(workflow.data)
    merged: dict = {}
    for task in sorted(workflow.tasks.values(), key=lambda t: t.last_state_change):
        if task.state & _SEEN:  # later values win
            merged.update(task.data)
    return merged


def task_data(task: HumanTask) -> dict:
    """The data the engine's task behind `task` holds: what the steps before it left, inside
    a sub-process too (whose tasks `variables` does not see)."""
    instance = execution.get_instance(task.instance_id)
    workflow = runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))
    engine_task = workflow.get_task_from_id(UUID(task.id))
    return dict(engine_task.data) if engine_task is not None else {}


def visible_to(viewer: User):
    """SQL condition on ProcessInstance: the instances `viewer` started or has or had a task
    in (administrators: all). The rules registered with also_viewable_by are not in it."""
    if viewer.is_admin:
        return sa.true()
    # One EXISTS per instance, probing the instance's own tasks by index, so that a list
    # stops at a page's worth of instances. Both parts sit inside the EXISTS because an
    # `started_by = … OR EXISTS (…)` lets PostgreSQL hash the subquery instead: every task
    # of the viewer's roles (a million rows) read on every page.
    started = (sa.select(sa.literal(1)).where(ProcessInstance.started_by == viewer.id)
               .correlate(ProcessInstance))
    involved = sa.select(sa.literal(1)).where(
        HumanTask.instance_id == ProcessInstance.id,
        sa.or_(assignment.visible_filter(viewer), HumanTask.completed_by == viewer.id)
    ).correlate(ProcessInstance)
    return sa.union_all(started, involved).exists()


def viewable(instance_id: int, user: User) -> ProcessInstance:
    """The instance, if `user` administers, started, has or had a task in it, or has a part
    a registered rule names (the approver of a case's extension)."""
    instance = execution.get_instance(instance_id)
    if user.is_admin or instance.started_by == user.id:
        return instance
    if db.session.scalar(sa.select(sa.literal(1)).where(
            HumanTask.instance_id == instance_id,
            sa.or_(assignment.visible_filter(user), HumanTask.completed_by == user.id)).limit(1)):
        return instance
    if any(rule(user, instance_id) for rule in _viewers):
        return instance
    raise Forbidden(f"you have no part in process instance {instance_id}", code="not_involved")


def open_tasks(instance_id: int) -> list[HumanTask]:
    return list(db.session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == OPEN)))
