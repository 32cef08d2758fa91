"""The administrators' list of process instances: one query per page for the instances,
their cases and their open tasks, so the list costs the same for 10 or 500 rows."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.models import Case, Department, HumanTask, ProcessDefinition, ProcessInstance, User, db
from app.models.task import OPEN
from app.services.workflow import instances, paging


@dataclass
class InstanceRow:
    instance: ProcessInstance
    case: Case | None
    open_tasks: list[HumanTask] = field(default_factory=list)


@dataclass
class Filters:
    key: str = ""
    state: str = ""
    business_key: str = ""
    overdue_only: bool = False


def listing(filters: Filters, *, page: int = 1,
            per_page: int = 50) -> tuple[list[InstanceRow], int]:
    """A page of instances, newest first, and how many match in all."""
    stmt = _filtered(filters)
    total = paging.bounded_count(stmt)
    found = list(db.session.scalars(stmt.order_by(ProcessInstance.id.desc())
                                    .limit(per_page).offset((max(page, 1) - 1) * per_page)))
    ids = [i.id for i in found]
    case_by_instance = {c.instance_id: c for c in db.session.scalars(
        sa.select(Case).where(Case.instance_id.in_(ids)))}
    rows = {i.id: InstanceRow(i, case_by_instance.get(i.id)) for i in found}
    for task in open_tasks_of(ids):
        rows[task.instance_id].open_tasks.append(task)
    return list(rows.values()), total


def _filtered(filters: Filters):
    stmt = instances.matching(key=filters.key, state=filters.state,
                              business_key=filters.business_key)
    if filters.overdue_only:
        stmt = stmt.where(ProcessInstance.id.in_(
            sa.select(Case.instance_id).where(Case.overdue.is_(True))))
    return stmt


def open_tasks_of(instance_ids: list[int]) -> list[HumanTask]:
    return list(db.session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id.in_(instance_ids), HumanTask.state == OPEN)
        .order_by(HumanTask.created_at)))


def process_keys() -> list[str]:
    return list(db.session.scalars(sa.select(ProcessDefinition.key).distinct()
                                   .order_by(ProcessDefinition.key)))


def names_for(tasks: list[HumanTask]) -> tuple[dict[int, User], dict[int, Department]]:
    """The users and departments the tasks mention, to show who holds each one."""
    user_ids = {t.assignee_id for t in tasks if t.assignee_id}
    department_ids = {t.candidate_department_id for t in tasks if t.candidate_department_id}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))}
    departments = {d.id: d for d in db.session.scalars(
        sa.select(Department).where(Department.id.in_(department_ids)))}
    return users, departments
