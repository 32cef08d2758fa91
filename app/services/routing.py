"""Who may act on a user task: BPMN lanes name roles; the case decides the department."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import HumanTask, Membership, User, db
from app.models.identity import (APPROVING_LEADER, CENTER_ADMIN, CHIEF_REPRESENTATIVE, ROLES,
                                 WINDOW_CLERK)

DEPARTMENT_ROLES = (WINDOW_CLERK, CHIEF_REPRESENTATIVE, APPROVING_LEADER)


def _holders_query(role: str, department_id: int | None):
    query = (sa.select(User).join(Membership)
             .where(Membership.role == role, User.active.is_(True)))
    if department_id is not None:
        query = query.where(Membership.department_id == department_id)
    return query


def holders(role: str, department_id: int | None) -> list[User]:
    return list(db.session.scalars(_holders_query(role, department_id).distinct()))


def route(lane: str | None, data: dict) -> tuple[str, int | None]:
    """(candidate role, department) for a task; the administrators when nobody else can act."""
    if lane not in ROLES:
        return CENTER_ADMIN, None
    department_id = data.get("department_id") if lane in DEPARTMENT_ROLES else None
    if db.session.scalar(_holders_query(lane, department_id).limit(1)) is None:
        return CENTER_ADMIN, None
    return lane, department_id


def candidates(task: HumanTask) -> list[User]:
    if task.assignee_id is not None:
        user = db.session.get(User, task.assignee_id)
        return [user] if user else []
    return holders(task.candidate_role, task.candidate_department_id)


def is_candidate(user: User, task: HumanTask) -> bool:
    return user.has_role(task.candidate_role, task.candidate_department_id)


def can_see(user: User, task: HumanTask) -> bool:
    return user.is_admin or task.assignee_id == user.id or is_candidate(user, task)


def visible_filter(user: User):
    """A SQL condition matching the tasks `user` may see (for the inbox query)."""
    if user.is_admin:
        return sa.true()
    clauses = [HumanTask.assignee_id == user.id]
    for m in user.memberships:
        clause = HumanTask.candidate_role == m.role
        if m.department_id is not None:
            clause = sa.and_(clause, sa.or_(HumanTask.candidate_department_id == m.department_id,
                                             HumanTask.candidate_department_id.is_(None)))
        clauses.append(clause)
    return sa.or_(*clauses)
