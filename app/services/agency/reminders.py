"""催办 on a 代办项目: the agent urges a department on one case of the project (the holders of
its open step and the department's approving leader — seed 004: for major and investment
projects the department's head 亲自督办), and the sweep reminds by itself, once each, when a
case is 2 working days from its deadline or a project 5 from its 30-day limit."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.models import AgencyProject, AgencyReminder, Case, HumanTask, User, db
from app.models.agency import ACTIVE, CASE_NEAR_DEADLINE, MANUAL, PROJECT_NEAR_LIMIT
from app.models.identity import CENTER_ADMIN
from app.models.task import OPEN
from app.services import cases
from app.services.agency import board, projects
from app.services.organization import routing
from app.services.supervision import sweep
from app.services.workflow import audit, notifications
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound

KIND = "agency_reminder"  # the notifications' kind


def remind(project_id: int, case_id: object, actor: Actor) -> AgencyReminder:
    """The agent's 催办 on one running case of the project."""
    project = projects.managed(project_id, actor)
    case = _case_of_project(project, case_id)
    if case.concluded_at is not None:
        raise Conflict(f"case {case.case_no} is concluded: nothing to urge",
                       code="agency_case_concluded")
    people = _case_recipients(case)
    body = (f"代办项目「{project.name}」的办件 {case.case_no or ''}「{case.item.name}」"
            f"请抓紧办理{_deadline_text(case)}。代办员：{project.agent.display_name}。")
    reminder = _send(project, case, MANUAL, None, people, "催办：代办项目办件", body, actor)
    db.session.commit()
    return reminder


def _case_of_project(project: AgencyProject, case_id: object) -> Case:
    if isinstance(case_id, bool) or not isinstance(case_id, (int, str)) \
            or not str(case_id).isdecimal():
        raise InvalidInput("choose a case of the project", code="invalid_agency_reminder",
                           errors=[{"field": "caseId", "message": "expected a case id"}])
    for link in project.items:
        if link.case_id == int(case_id) and link.case is not None:
            return link.case
    raise NotFound(f"case {case_id} is not one of the project's",
                   code="agency_case_not_found")


def _case_recipients(case: Case) -> list[User]:
    """Who holds the case's open steps, and its department's leaders and liaisons."""
    people: dict[int, User] = {}
    for task in db.session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id == case.instance_id, HumanTask.state == OPEN)):
        people.update({u.id: u for u in board.holders_of(task)})
    people.update({u.id: u for u in routing.department_contacts(case.item.department_id)})
    return list(people.values())


def _deadline_text(case: Case) -> str:
    return f"（承诺办结期限 {cases.local_text(case.deadline_at)}）" if case.deadline_at else ""


def _send(project: AgencyProject, case: Case | None, kind: str, once_key: str | None,
          people: list[User], subject: str, body: str, actor: Actor) -> AgencyReminder:
    instance_id = case.instance_id if case is not None else None
    for user in people:
        notifications.tell_user(user, KIND, subject, body, instance_id)
    reminder = AgencyReminder(project_id=project.id, case_id=case.id if case else None,
                              kind=kind, once_key=once_key, sent_by=actor.user_id,
                              recipients=len(people))
    db.session.add(reminder)
    db.session.flush()
    audit.record(actor, "agency.reminded", instance_id=instance_id, project_id=project.id,
                 reminder_id=reminder.id, kind=kind, recipients=sorted(u.id for u in people))
    return reminder


def sent(project: AgencyProject) -> list[AgencyReminder]:
    return list(db.session.scalars(sa.select(AgencyReminder).where(
        AgencyReminder.project_id == project.id).order_by(AgencyReminder.sent_at.desc(),
                                                          AgencyReminder.id.desc())))


# --- the sweep's own reminders -------------------------------------------------------------

@sweep.step("agency_reminders")
def remind_near_limits(now: datetime) -> int:
    """Each active project's cases near their deadline, and the project near its limit,
    reminded once (the reminder's key makes it once, whatever the sweep runs again)."""
    actor, made = Actor.system("agency"), 0
    for project in db.session.scalars(sa.select(AgencyProject).where(
            AgencyProject.status == ACTIVE).order_by(AgencyProject.id)):
        done = _keys(project)
        for link in project.items:
            made += _case_near(project, link.case, now, done, actor)
        made += _project_near(project, now, done, actor)
    return made


def _keys(project: AgencyProject) -> set[str]:
    return set(db.session.scalars(sa.select(AgencyReminder.once_key).where(
        AgencyReminder.project_id == project.id, AgencyReminder.once_key.is_not(None))))


def _case_near(project: AgencyProject, case: Case | None, now: datetime, done: set[str],
               actor: Actor) -> int:
    left = board.case_days_left(case, now) if case is not None else None
    key = f"case:{case.id}" if case is not None else ""
    if left is None or left > board.CASE_WARNING_DAYS or key in done:
        return 0
    body = (f"代办项目「{project.name}」的办件 {case.case_no or ''}「{case.item.name}」"
            f"距办结期限仅剩 {max(left, 0)} 个工作日{_deadline_text(case)}，请抓紧办理。")
    people = {u.id: u for u in [*_case_recipients(case), project.agent]}
    _send(project, case, CASE_NEAR_DEADLINE, key, list(people.values()),
          "催办：代办项目办件即将到期", body, actor)
    return 1


def _project_near(project: AgencyProject, now: datetime, done: set[str], actor: Actor) -> int:
    limit = board.project_limit(project, now)
    if limit is None or limit.days_left > board.PROJECT_WARNING_DAYS or "project" in done:
        return 0
    people = {project.agent.id: project.agent}
    people.update({u.id: u for u in routing.holders(CENTER_ADMIN, None)})
    for link in project.items:
        if link.case is not None and link.case.concluded_at is None:
            people.update({u.id: u for u in _case_recipients(link.case)})
    body = (f"代办项目「{project.name}」应于{cases.local_text(limit.due_at)}前全部办结"
            f"（重大项目及招商引资项目 {board.PROJECT_LIMIT_DAYS} 个工作日），"
            f"仅剩 {max(limit.days_left, 0)} 个工作日，请各部门抓紧办理。")
    _send(project, None, PROJECT_NEAR_LIMIT, "project", list(people.values()),
          "催办：代办项目即将到限", body, actor)
    return 1
