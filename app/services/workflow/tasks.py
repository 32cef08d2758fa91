"""The task inbox: finding, claiming and completing user tasks, with object-level checks."""
from __future__ import annotations

import copy
from collections.abc import Callable
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm.exc import StaleDataError

from app.models import HumanTask, ProcessInstance, User, db, utcnow
from app.models.task import OPEN
from app.services.workflow import assignment, audit, execution, forms, task_query
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, EngineFailure, Forbidden, InvalidInput, NotFound

MAX_ATTEMPTS = 3  # a lost optimistic-lock race is retried, the whole step from scratch

# Sees the task, who completes it and the form data as validated against the task's schema.
CompletionGuard = Callable[[HumanTask, Actor, dict], None]
_moving_guards: list[CompletionGuard] = []  # run first: see guard_completion
_completion_guards: list[CompletionGuard] = []
_personal_lanes: dict[str, str] = {}  # lane -> why its tasks are never released or handed on


def guard_completion(check: CompletionGuard, *, moves_the_task: bool = False) -> None:
    """A check every completion passes under the instance's lock, before the engine runs
    (registered by the domain); it raises to refuse. A check that `moves_the_task` elsewhere
    and commits that move before refusing runs before all others, so that nothing another
    check wrote for the completion is committed with the move."""
    guards = _moving_guards if moves_the_task else _completion_guards
    if check not in guards:
        guards.append(check)


def keep_personal(lane: str, reason: str) -> None:
    """Tasks of `lane` belong to the one person they were given to (registered by the domain)."""
    _personal_lanes[lane] = reason


def inbox(user: User, *, assignee_me: bool = False, candidate_role: str | None = None,
          instance_id: int | None = None, include_closed: bool = False,
          limit: int = 100, offset: int = 0) -> list[HumanTask]:
    """The open tasks `user` may see, the earliest due first (task_query's default order)."""
    stmt = task_query.matching(user, task_query.Filters(
        assignee_me=assignee_me, candidate_role=candidate_role, instance_id=instance_id,
        include_closed=include_closed))
    stmt = stmt.order_by(*task_query.order().order_by())
    return list(db.session.scalars(stmt.limit(min(limit, 500)).offset(offset)))


def get(task_id: str, user: User) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist", code="task_not_found")
    if not assignment.can_see(user, task):
        raise Forbidden(f"task {task_id} is not yours", code="not_your_task")
    return task


def _open_task_for(task_id: str, user: User, *, lock: bool) -> HumanTask:
    return _lock_open(task_id, user)[0] if lock else _require_open(get(task_id, user))


def _lock_open(task_id: str, user: User) -> tuple[HumanTask, ProcessInstance]:
    """The task, read with its instance locked (serialized with other actors first), if the
    user may see it and it is still open."""
    found = execution.lock_task_instance(task_id)
    if found is None:
        raise NotFound(f"task {task_id} does not exist", code="task_not_found")
    task, instance = found
    if not assignment.can_see(user, task):
        raise Forbidden(f"task {task_id} is not yours", code="not_your_task")
    return _require_open(task), instance


def _require_open(task: HumanTask) -> HumanTask:
    if task.state != OPEN:
        raise Conflict(f"task {task.id} is already {task.state}", code="task_closed")
    return task


def claim(task_id: str, actor: Actor) -> HumanTask:
    task = _open_task_for(task_id, actor.user, lock=True)
    if task.assignee_id not in (None, actor.user_id):
        raise Conflict("the task is claimed by someone else", code="task_claimed")
    if not (assignment.is_candidate(actor.user, task) or actor.user.is_admin):
        raise Forbidden("you are not a candidate for this task", code="not_candidate")
    task.assignee_id, task.claimed_by, task.claimed_at = actor.user_id, actor.user_id, utcnow()
    audit.record(actor, "task.claimed", instance_id=task.instance_id, task_id=task.id)
    db.session.commit()
    return task


def unclaim(task_id: str, actor: Actor) -> HumanTask:
    task = _open_task_for(task_id, actor.user, lock=True)
    _refuse_personal(task)
    if task.assignee_id != actor.user_id and not actor.user.is_admin:
        raise Forbidden("only the assignee or an administrator can release the task",
                        code="not_assignee")
    task.assignee_id = None
    audit.record(actor, "task.unclaimed", instance_id=task.instance_id, task_id=task.id)
    db.session.commit()
    return task


def reassign(task_id: str, assignee: User, actor: Actor) -> HumanTask:
    if not actor.user.is_admin:
        raise Forbidden("only a center administrator can reassign tasks", code="not_admin")
    task = _open_task_for(task_id, actor.user, lock=True)
    _refuse_personal(task)
    if not (assignee.active and assignment.is_candidate(assignee, task)):
        # The routing rules decide who may hold a task (lane, department, authorization):
        # a reassignment outside them would hand the case to someone who may not act on it.
        raise InvalidInput(f"user {assignee.username} may not hold task {task.id} "
                           f"(role {task.candidate_role})", code="not_a_candidate",
                           errors=[{"field": "assignee", "message": "not a candidate"}])
    previous, task.assignee_id = task.assignee_id, assignee.id
    audit.record(actor, "task.reassigned", instance_id=task.instance_id, task_id=task.id,
                 previous=previous, assignee=assignee.id)
    db.session.commit()
    return task


def eligible_assignees(task_id: str, actor: Actor) -> list[User]:
    """The active people who may hold the task: what a reassignment may choose from."""
    if not actor.user.is_admin:
        raise Forbidden("only a center administrator can reassign tasks", code="not_admin")
    task = get(task_id, actor.user)
    return assignment.eligible(task)


def _refuse_personal(task: HumanTask) -> None:
    if task.lane in _personal_lanes:
        raise Conflict(_personal_lanes[task.lane], code="personal_task")


def complete(task_id: str, variables: object, actor: Actor) -> HumanTask:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return _complete_once(task_id, variables, actor)
        except StaleDataError:
            db.session.rollback()
            if attempt == MAX_ATTEMPTS:
                raise Conflict("the process changed while completing; try again",
                               code="instance_changed") from None
    raise AssertionError("unreachable")


def _complete_once(task_id: str, variables: object, actor: Actor) -> HumanTask:
    # Locked before anything is checked, so the checks read what no one else changes
    # meanwhile; each is in memory (the deployed form is cached) and a refusal rolls back at
    # once, so a bad request holds the lock for no time.
    task, instance = _lock_open(task_id, actor.user)
    _check_may_complete(task, actor.user)
    data = forms.validate(forms.task_form(instance.definition, task)[0], variables)
    for check in (*_moving_guards, *_completion_guards):
        check(task, actor, data)
    execution.require_running(instance)

    def submit(workflow):
        engine_task = workflow.get_task_from_id(UUID(task_id))
        if engine_task is None or engine_task.state != TaskState.READY:
            raise Conflict(f"task {task_id} is no longer waiting", code="task_closed")
        # Replace top-level keys with fresh copies: nested values are shared between tasks.
        engine_task.data.update(copy.deepcopy(data))
        engine_task.run()

    # Recorded before the step, so the record reads the completion before what it caused
    # (a failed step rolls it back with everything else); with its values, so the case's
    # record shows each decision and opinion as it was given.
    audit.record(actor, "task.completed", instance_id=instance.id, task_id=task_id,
                 fields=sorted(data), values=data)
    try:
        execution.step(instance, actor, submit, completed_task_id=task_id, narrow=True)
    except EngineFailure as err:  # the process failed, not the person: it stops for an admin
        execution.record_incident(instance.id, actor, err.detail)
        raise EngineFailure(f"the process failed after this task and stopped for an "
                            f"administrator: {err.detail}", code=err.code, incident=err.detail,
                            **err.extra) from err
    db.session.commit()
    return task


def _check_may_complete(task: HumanTask, user: User) -> None:
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise Conflict("the task is claimed by someone else", code="task_claimed")
    if task.assignee_id is None and not (assignment.is_candidate(user, task) or user.is_admin):
        raise Forbidden("you may not complete this task", code="not_candidate")
