"""Who acts on a user task of the service center's processes (registered with the platform).

BPMN lanes name roles; the case decides the department. Two lanes get more than a role:
- `approver`: the chief representative when a letter valid today grants direct approval of
  the case's item (授权书), otherwise the department's approving leader;
- `window_clerk`: the clerk who received the case, so one window serves the applicant from
  intake to delivery; but the intake review (受理审查, the acceptance decision) and the
  delivery of the result (办结送达) stay at the window only while a letter valid today grants
  受理决定权 or 办理结果投递权 over the item, otherwise they go to the department's approving
  leader as an approval does;
- `committee_vote`: the committee member named by the task's `voter_id` (votes are personal);
- `committee_chair`: the chair of the department's committee, or its executive vice chair
  while the chair is away.
Work meant for someone absent goes to their substitute (AB岗 B, 临时代行 deputy).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from app.models import HumanTask, Membership, Post, ProcessInstance, User, db
from app.models.authorization import LIAISON
from app.models.identity import (APPROVER_LANE, APPROVING_LEADER, CENTER_ADMIN,
                                 CHIEF_REPRESENTATIVE, COMMITTEE_CHAIR_LANE, COMMITTEE_MEMBER,
                                 COMMITTEE_VOTE_LANE, DEPARTMENT_ROLES, JOINT_DEPARTMENT_LANE,
                                 LIAISON_OFFICER, ROLES, WINDOW_CLERK)
from app.models.organization import Window, window_department
from app.models.task import COMPLETED
from app.services import authorization, calendar
from app.services.committee import organization as committee_org
from app.services.organization import absences
from app.services.workflow import assignment, memo
from app.services.workflow.assignment import Assignment


def register() -> None:
    """The platform routes every lane's task by these rules."""
    assignment.use(route=route, scopes=scopes, holders=holders, prefetch=prefetch)


def prefetch(lanes_and_data: list[tuple[str | None, dict]]) -> None:
    """Before routing many tasks of one step (a joint case fanning out to every department):
    the letters in force and the holders of the departments' roles, each read for all the
    departments in one go instead of once per task."""
    departments = {d for _, data in lanes_and_data
                   if isinstance(d := data.get("department_id"), int) and not isinstance(d, bool)}
    if len(departments) < 2:
        return
    authorization.read_valid_letters(departments, calendar.today())
    roles = {WINDOW_CLERK} | {lane for lane, _ in lanes_and_data if lane in DEPARTMENT_ROLES}
    for role in roles:
        _read_holders(role, departments)


def route(lane: str | None, data: dict, instance: ProcessInstance | None = None,
          day: date | None = None, name: str | None = None) -> Assignment:
    """Where a task of `lane` (the element `name`) goes, for a case described by `data`
    (department, item)."""
    day = day or calendar.today()
    department_id = data.get("department_id")
    if lane == APPROVER_LANE:
        return _approver(department_id, data.get("item_code"), day)
    if lane == WINDOW_CLERK and name in authorization.WINDOW_POWER_TASKS:
        return _window_under_letter(authorization.WINDOW_POWER_TASKS[name], department_id,
                                    data.get("item_code"), instance, day)
    if lane == JOINT_DEPARTMENT_LANE:
        return _liaison(department_id, day)
    if lane == COMMITTEE_VOTE_LANE:
        return _voter(data.get("voter_id"), department_id)
    if lane == COMMITTEE_CHAIR_LANE:
        acting, absent = committee_org.presiding(department_id, day)
        if acting is None:
            return Assignment(CENTER_ADMIN, None)
        return Assignment(COMMITTEE_MEMBER, department_id, acting, absent)
    if lane == WINDOW_CLERK:
        return _window(instance, department_id, day, data.get("item_code"))
    return _pool(lane, department_id)


def _window(instance: ProcessInstance | None, department_id: int | None,
            day: date, item_code: str | None = None) -> Assignment:
    handler = _case_handler(instance, department_id, item_code, day) \
        if instance is not None else None
    if handler is None:
        return _pool(WINDOW_CLERK, department_id)
    return _with_substitute(Assignment(WINDOW_CLERK, department_id, handler), day)


def _leader(department_id: int | None) -> Assignment:
    """Where a decision the letter does not give the window or the chief goes (分管领导)."""
    return _pool(APPROVING_LEADER, department_id)


def _approver(department_id: int | None, item_code: str | None, day: date) -> Assignment:
    letter = authorization.direct_approval_letter(department_id, item_code, day)
    if letter is None:
        return _leader(department_id)
    chosen = Assignment(CHIEF_REPRESENTATIVE, department_id, letter.grantee_id,
                        letter_id=letter.id)
    return _with_substitute(chosen, day)


def _window_under_letter(power: str, department_id: int | None, item_code: str | None,
                         instance: ProcessInstance | None, day: date) -> Assignment:
    """The window, acting under the chief's 受理决定权 or 投递权 (the letter kept on the task,
    so its revocation moves the step); without it the approving leader takes the step."""
    letter = authorization.granting_letter(power, department_id, item_code, day)
    if letter is None:
        return _leader(department_id)
    return replace(_window(instance, department_id, day, item_code), letter_id=letter.id)


def _voter(voter_id, department_id: int | None) -> Assignment:
    voter = db.session.get(User, voter_id) if isinstance(voter_id, int) else None
    if voter is None or not voter.active:
        return Assignment(CENTER_ADMIN, None)
    return Assignment(COMMITTEE_MEMBER, department_id, voter.id)


def _liaison(department_id: int | None, day: date) -> Assignment:
    letter = authorization.valid_letter(department_id, day) if department_id else None
    if letter is None or LIAISON not in letter.management_powers:
        return _pool(WINDOW_CLERK, department_id)
    chosen = Assignment(CHIEF_REPRESENTATIVE, department_id, letter.grantee_id,
                        letter_id=letter.id)
    return _with_substitute(chosen, day)


def _with_substitute(chosen: Assignment, day: date) -> Assignment:
    acting, absent = absences.substitute(chosen.assignee_id, chosen.department_id, day)
    if absent is None:
        return chosen
    return Assignment(chosen.role, chosen.department_id, acting, absent, chosen.letter_id)


def _case_handler(instance: ProcessInstance, department_id: int | None,
                  item_code: str | None = None, day: date | None = None) -> int | None:
    """The clerk who received the case: who started it at the window, else whoever did its
    first window task (for the person it was done for, if a substitute did it). A chief
    service officer who took in an item of his one-stop letter keeps its window steps too
    (一人受理、全程服务、一次办结), not handed to a clerk."""
    starter = db.session.get(User, instance.started_by) if instance.started_by else None
    if authorization.is_one_stop_officer(starter, department_id, item_code,
                                         day or calendar.today()):
        return starter.id
    if _serves_at_window(starter, department_id):  # most cases: started at the window
        return starter.id
    first = db.session.execute(
        sa.select(HumanTask.delegated_from_id, HumanTask.completed_by)
        .where(HumanTask.instance_id == instance.id, HumanTask.lane == WINDOW_CLERK,
               HumanTask.state == COMPLETED)
        .order_by(HumanTask.completed_at).limit(1)).first()
    for user_id in first or ():
        handler = db.session.get(User, user_id) if user_id else None
        if _serves_at_window(handler, department_id):
            return handler.id
    return None


def _serves_at_window(user: User | None, department_id: int | None) -> bool:
    """(WINDOW_CLERK, department_id) in scopes(user), the window posts read only when the
    memberships say no and a department is named (a post serves named departments only)."""
    if user is None or not user.active:
        return False
    if (WINDOW_CLERK, department_id) in assignment.member_scopes(user):
        return True
    return department_id is not None and department_id in post_departments(user.id)


def _pool(lane: str | None, department_id: int | None) -> Assignment:
    """Anyone holding the lane's role (in the department); administrators if nobody does."""
    if lane not in ROLES:
        return Assignment(CENTER_ADMIN, None)
    department_id = department_id if lane in DEPARTMENT_ROLES else None
    if not has_holders(lane, department_id):
        return Assignment(CENTER_ADMIN, None)
    return Assignment(lane, department_id)


def scopes(user: User) -> set[tuple[str, int | None]]:
    """(role, department) pairs the user acts in: memberships, plus the departments served
    by the windows where the user holds an A or B post."""
    found = assignment.member_scopes(user)
    found.update((WINDOW_CLERK, d) for d in post_departments(user.id))
    return found


def post_departments(user_id: int) -> frozenset[int]:
    """The departments served by the windows where the user holds an A or B post, read once
    per transaction."""
    return memo.remembered("post_departments", user_id, lambda: _post_departments(user_id),
                           depends_on=(Post, Window))


def _post_departments(user_id: int) -> frozenset[int]:
    """The departments served by the windows where the user holds an A or B post."""
    return frozenset(db.session.scalars(
        sa.select(window_department.c.department_id)
        .join(Post, Post.window_id == window_department.c.window_id)
        .where(sa.or_(Post.a_user_id == user_id, Post.b_user_id == user_id))))


def unit_departments(user: User) -> set[int]:
    """The departments the user works for in a unit role (window, chief, leader)."""
    return {d for role, d in scopes(user) if role in DEPARTMENT_ROLES and d}


def department_contacts(department_id: int) -> list[User]:
    """Whom the center tells what concerns a department: its approving leaders and its
    liaisons (联络员)."""
    found = {u.id: u for role in (APPROVING_LEADER, LIAISON_OFFICER)
             for u in assignment.members(role, department_id)}
    return list(found.values())


_HOLDER_MODELS = (Membership, Post, Window, User)


def holders(role: str, department_id: int | None) -> list[User]:
    """Who holds `role` in the department: members, and for window clerks the A and B posts
    of the windows serving it; read once per transaction."""
    if department_id is None:
        def compute():  # one person holding the role in several departments: once
            return tuple({u.id: u for u in assignment.members(role, None)}.values())
    else:
        def compute():
            return _holders_of(role, {department_id})[department_id]
    return list(memo.remembered("holders", (role, department_id), compute,
                                depends_on=_HOLDER_MODELS))


def has_holders(role: str, department_id: int | None) -> bool:
    """Whether anyone holds `role` in the department (as holders() counts them): one EXISTS,
    no one read, unless the holders are known already (a fan-out read them all at once)."""
    known = memo.known("holders", (role, department_id), depends_on=_HOLDER_MODELS)
    if known is not None:
        return bool(known)
    return memo.remembered("has_holders", (role, department_id),
                           lambda: _anyone_holds(role, department_id),
                           depends_on=_HOLDER_MODELS)


def _anyone_holds(role: str, department_id: int | None) -> bool:
    held = _holdings(role, None if department_id is None else {department_id})
    return db.session.scalar(sa.select(
        sa.select(User.id).join(held, held.c.user_id == User.id)
        .where(User.active.is_(True)).exists()))


def _read_holders(role: str, departments: set[int]) -> None:
    """holders(role, d) for every d at once, kept for the transaction."""
    memo.remember_all("holders", {(role, d): found for d, found in
                                  _holders_of(role, departments).items()},
                      depends_on=_HOLDER_MODELS)


def _holders_of(role: str, departments: set[int]) -> dict[int, tuple[User, ...]]:
    """Each department's holders of `role`, in one statement."""
    found: dict[int, dict[int, User]] = {d: {} for d in departments}
    held = _holdings(role, departments)
    for user, department_id in db.session.execute(
            sa.select(User, held.c.department_id).join(held, held.c.user_id == User.id)
            .where(User.active.is_(True)).order_by(held.c.department_id, User.id)
            .options(lazyload(User.memberships))):
        found[department_id][user.id] = user
    return {d: tuple(users.values()) for d, users in found.items()}


def _holdings(role: str, departments: set[int] | None) -> sa.Subquery:
    """(user_id, department_id) of every holding of `role`: its memberships (in `departments`,
    or in any department when None) and, for window clerks of named departments, the A and B
    posts of the windows serving them. The one rule holders() and has_holders() both read."""
    members = sa.select(Membership.user_id.label("user_id"),
                        Membership.department_id.label("department_id")) \
        .where(Membership.role == role)
    if departments is None:
        return members.subquery()
    parts = [members.where(Membership.department_id.in_(departments))]
    if role == WINDOW_CLERK:
        parts += [sa.select(seat, window_department.c.department_id)
                  .join(Post, Post.window_id == window_department.c.window_id)
                  .where(window_department.c.department_id.in_(departments))
                  for seat in (Post.a_user_id, Post.b_user_id)]
    return sa.union_all(*parts).subquery()
