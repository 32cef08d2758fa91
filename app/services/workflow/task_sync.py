"""Keeping the human_task table in step with the engine after every step."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm
from jinja2 import ChainableUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from app.engine import runtime
from app.models import Department, HumanTask, ProcessInstance, db, utcnow
from app.models.task import CANCELLED, COMPLETED, OPEN
from app.services.workflow import assignment, audit, notifications, time_text
from app.services.workflow.actor import Actor


def sync(instance: ProcessInstance, workflow, actor: Actor, *,
         completed_task_id: str | None = None) -> None:
    # What the step changed is written with the new rows in one flush at the end: nothing it
    # changed (the instance, the audit) decides which tasks are open or where new ones go.
    with db.session.no_autoflush:
        _sync(instance, workflow, actor, completed_task_id)


def _sync(instance: ProcessInstance, workflow, actor: Actor,
          completed_task_id: str | None) -> None:
    ready = {str(t.id): t for t in runtime.ready_user_tasks(workflow)} if workflow else {}
    untouched = runtime.parked_ready_ids(workflow) if workflow else set()  # still waiting
    query = sa.select(HumanTask).where(HumanTask.instance_id == instance.id,
                                       HumanTask.state == OPEN)
    if untouched:  # the other branches' tasks of a wide fan-out: not read, as not changed
        query = query.where(HumanTask.id.not_in(untouched))
    open_rows = {row.id: row for row in db.session.scalars(query)}
    now = utcnow()
    for task_id, row in open_rows.items():
        if task_id in ready:
            continue
        row.completed_at = now
        if task_id == completed_task_id:
            row.state, row.completed_by = COMPLETED, actor.user_id
        else:  # removed by the engine: boundary event, termination, migration
            row.state = CANCELLED
            audit.record(actor, "task.cancelled", instance_id=instance.id, task_id=task_id)
    created = [task for task_id, task in ready.items() if task_id not in open_rows]
    if len(created) > 1:  # a fan-out: what routing each one reads, read for all at once
        assignment.prefetch([(t.task_spec.lane, t.data) for t in created])
    departments = _existing_departments(created)
    for task in created:  # the rows: one INSERT per table at the flush, not one per task
        _create(instance, task, actor, departments)


def _existing_departments(tasks: list) -> set[int]:
    """The departments the new tasks name that exist: those the session holds already, and
    the others in one statement for all of them."""
    named = {d for t in tasks if (d := _department_id(t.data)) is not None}
    held = {d for d in named
            if db.session.identity_map.get(orm.util.identity_key(Department, d)) is not None}
    unsure = named - held
    return held | (set(db.session.scalars(sa.select(Department.id).where(
        Department.id.in_(unsure)))) if unsure else set())


def _create(instance: ProcessInstance, task, actor: Actor, departments: set[int]) -> None:
    spec = task.task_spec
    properties = spec.extensions.get("properties", {})
    to = assignment.route(spec.lane, task.data, instance, name=spec.bpmn_id)
    department_id = _department_id(task.data)
    department_id = department_id if department_id in departments else None
    row = HumanTask(
        id=str(task.id), instance_id=instance.id, name=spec.bpmn_id,
        title=spec.bpmn_name or spec.bpmn_id, lane=spec.lane, candidate_role=to.role,
        candidate_department_id=to.department_id, assignee_id=to.assignee_id,
        delegated_from_id=to.delegated_from_id, authorization_letter_id=to.letter_id,
        item_code=_text(task.data.get("item_code")), department_id=department_id,
        due_at=_due(task.data), form_schema=properties.get("formJsonSchemaFilename"),
        form_ui_schema=properties.get("formUiSchemaFilename"),
        instructions=instructions_for(task))
    db.session.add(row)
    audit.record(actor, "task.created", instance_id=instance.id, task_id=row.id,
                 name=row.name, role=to.role, department_id=to.department_id,
                 assignee=to.assignee_id, delegated_from=to.delegated_from_id,
                 letter_id=to.letter_id)
    notifications.tell_candidates(row, "task_assigned", f"新待办：{row.title}",
                                  f"办件流程 #{instance.id} 有一项新待办「{row.title}」。")


_TEMPLATES = SandboxedEnvironment(autoescape=False, undefined=ChainableUndefined)


def instructions_for(task) -> str | None:
    """The task's instructions with its data filled in ("核对「{{ item_name }}」…"); the
    pages escape them. A template that does not render is shown as written."""
    text = task.task_spec.extensions.get("instructionsForEndUser")
    if not text or "{" not in text:
        return text
    try:
        rendered = _TEMPLATES.from_string(text).render(**task.data)
    except TemplateError:
        return text
    return time_text.in_text(rendered)  # task data keeps UTC ISO moments


def _text(value) -> str | None:
    return value[:64] if isinstance(value, str) else None


def _department_id(data: dict) -> int | None:
    value = data.get("department_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _due(data: dict) -> datetime | None:
    """The task's own due time where the process sets one (task_due_at: a vote, a leader's
    review), else the case's deadline."""
    value = data.get("task_due_at") or data.get("deadline_at")
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def cancel_all(instance: ProcessInstance, actor: Actor) -> None:
    sync(instance, None, actor)
