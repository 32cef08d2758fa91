"""Who a user task goes to, and who may see and act on it.

A task carries a candidate role (the lane), a department it is narrowed to, and perhaps one
assignee. What a lane means for an instance and which (role, department) pairs a user acts in
are the domain's rules, registered at app start with `use`; without them a lane is its role,
held by whoever has that role's membership.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from app.models import HumanTask, Membership, ProcessInstance, User, db
from app.models.identity import CENTER_ADMIN, ROLES


@dataclass(frozen=True)
class Assignment:
    role: str
    department_id: int | None
    assignee_id: int | None = None
    delegated_from_id: int | None = None  # the absent person the assignee stands in for
    letter_id: int | None = None  # the authorization the assignee acts under, if any


# (lane, instance data, instance, day, task element id): a lane may hold tasks the domain
# routes apart (a decision the window may only take under an authorization).
Router = Callable[[str | None, dict, ProcessInstance | None, date | None, str | None],
                  Assignment]
Scopes = Callable[[User], set[tuple[str, int | None]]]
Holders = Callable[[str, int | None], list[User]]


def _by_role(lane: str | None, data: dict, instance: ProcessInstance | None = None,
             day: date | None = None, name: str | None = None) -> Assignment:
    return Assignment(lane if lane in ROLES else CENTER_ADMIN, None)


def member_scopes(user: User) -> set[tuple[str, int | None]]:
    return {(m.role, m.department_id) for m in user.memberships}


def members(role: str, department_id: int | None) -> list[User]:
    """Active users holding `role` (in the department) by membership."""
    # Their memberships are read only if a caller asks (most tell or count them).
    query = (sa.select(User).join(Membership)
             .where(Membership.role == role, User.active.is_(True))
             .options(lazyload(User.memberships)))
    if department_id is not None:
        query = query.where(Membership.department_id == department_id)
    return list(db.session.scalars(query))


_rules: dict[str, Callable] = {"route": _by_role, "scopes": member_scopes, "holders": members,
                               "prefetch": lambda lanes_and_data: None}


def use(*, route: Router, scopes: Scopes, holders: Holders,
        prefetch: Callable[[list[tuple[str | None, dict]]], None] | None = None) -> None:
    """Register the domain's rules: a lane's assignment, a user's scopes (the memberships'
    own, member_scopes, and any the domain adds), a role's holders, and what to read at once
    before routing many tasks of one step (optional)."""
    _rules.update(route=route, scopes=scopes, holders=holders)
    if prefetch is not None:
        _rules["prefetch"] = prefetch


def prefetch(lanes_and_data: list[tuple[str | None, dict]]) -> None:
    """Many tasks are about to be routed (lane, instance data): let the rules read ahead."""
    _rules["prefetch"](lanes_and_data)


def route(lane: str | None, data: dict, instance: ProcessInstance | None = None,
          day: date | None = None, name: str | None = None) -> Assignment:
    """Where a task of `lane` (the element `name`) goes, for an instance whose data is `data`."""
    return _rules["route"](lane, data, instance, day, name)


def scopes(user: User) -> set[tuple[str, int | None]]:
    """(role, department) pairs the user acts in."""
    return _rules["scopes"](user)


def holders(role: str, department_id: int | None) -> list[User]:
    return _rules["holders"](role, department_id)


def candidates(task: HumanTask) -> list[User]:
    if task.assignee_id is not None:
        user = db.session.get(User, task.assignee_id)
        return [user] if user else []
    return holders(task.candidate_role, task.candidate_department_id)


def is_candidate(user: User, task: HumanTask) -> bool:
    # The memberships first: the user holds them already, and the domain's scopes only add to
    # them, so the domain's own reads (window posts) happen only when memberships say no.
    return _fits(member_scopes(user), task) or _fits(scopes(user), task)


def _fits(found: set[tuple[str, int | None]], task: HumanTask) -> bool:
    return ((task.candidate_role, task.candidate_department_id) in found
            or (task.candidate_department_id is None
                and any(role == task.candidate_role for role, _ in found)))


def eligible(task: HumanTask) -> list[User]:
    """Every active user who may hold `task` by the routing rules, by username."""
    active = db.session.scalars(sa.select(User).where(User.active.is_(True))
                                .order_by(User.username))
    return [user for user in active if is_candidate(user, task)]


def can_see(user: User, task: HumanTask) -> bool:
    return user.is_admin or task.assignee_id == user.id or is_candidate(user, task)


def visible_filter(user: User):
    """A SQL condition matching the tasks `user` may see (for the inbox query)."""
    if user.is_admin:
        return sa.true()
    clauses = [HumanTask.assignee_id == user.id]
    for role, department_id in scopes(user):
        clause = HumanTask.candidate_role == role
        if department_id is not None:
            clause = sa.and_(clause, sa.or_(HumanTask.candidate_department_id == department_id,
                                             HumanTask.candidate_department_id.is_(None)))
        clauses.append(clause)
    return sa.or_(*clauses)
