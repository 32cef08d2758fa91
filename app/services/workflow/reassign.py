"""Putting open tasks where the routing rules now say (a letter ended, a person is away or
back, an authorization lapsed at completion). Every move is audited and the new holder told."""
from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from app.models import HumanTask, ProcessInstance, db
from app.models.task import OPEN
from app.services.workflow import assignment, audit, execution, notifications
from app.services.workflow.actor import Actor
from app.services.workflow.assignment import Assignment


def current(task: HumanTask) -> Assignment:
    return Assignment(task.candidate_role, task.candidate_department_id, task.assignee_id,
                      task.delegated_from_id, task.authorization_letter_id)


def assign(task: HumanTask, assignment: Assignment, actor: Actor, action: str,
           **detail) -> None:
    """Put an open task where `assignment` says (audited; the new holders are told).

    Through the instance's lock, as every change to an instance: the task is read again
    under it, and one that another writer completed or moved since the caller read it is
    left as it now is (the caller decided on what it saw)."""
    seen = current(task)
    execution.lock_instance(task.instance_id)
    db.session.refresh(task)
    before = current(task)
    if task.state != OPEN or before != seen or assignment == before:
        return
    task.candidate_role = assignment.role
    task.candidate_department_id = assignment.department_id
    task.assignee_id = assignment.assignee_id
    task.delegated_from_id = assignment.delegated_from_id
    task.authorization_letter_id = assignment.letter_id
    audit.record(actor, action, instance_id=task.instance_id, task_id=task.id,
                 previous_role=before.role, previous_assignee=before.assignee_id,
                 role=assignment.role, assignee=assignment.assignee_id,
                 delegated_from=assignment.delegated_from_id, letter_id=assignment.letter_id,
                 **detail)
    notifications.tell_candidates(task, "task_assigned", f"待办转入：{task.title}",
                                  f"办件流程 #{task.instance_id} 的待办「{task.title}」已转给您。")


def move_to(task: HumanTask, assignee_id: int | None, delegated_from_id: int | None,
            actor: Actor, action: str, **detail) -> None:
    """Same role and department, another person (AB handover and return)."""
    target = replace(current(task), assignee_id=assignee_id, delegated_from_id=delegated_from_id)
    assign(task, target, actor, action, **detail)


def reroute(task: HumanTask, actor: Actor, reason: str) -> None:
    """Route the task again from its lane, as if it had just been created."""
    instance = db.session.get(ProcessInstance, task.instance_id)
    data = {"department_id": task.department_id, "item_code": task.item_code}
    assign(task, assignment.route(task.lane, data, instance, name=task.name), actor,
           "task.rerouted", reason=reason)


def open_tasks_where(*conditions) -> list[HumanTask]:
    """In instance order: the one order in which a move of several tasks takes their locks."""
    return list(db.session.scalars(
        sa.select(HumanTask).where(HumanTask.state == OPEN, *conditions)
        .order_by(HumanTask.instance_id, HumanTask.created_at)))
