"""The items of a 代办项目: the agent starts each item's case on the applicant's behalf (the
window's own start, instances.start, with its checks), or links a case already taken in.

A case of a major or investment project is a major project (seed 004: decided within 30
working days). Case.major_project is otherwise the window's choice at intake; here the link
sets it, audited, and the window's intake review must then confirm it, so the process
counts the 30 days too (the intake's form is what the process reads)."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa

from app.models import AgencyProject, AgencyProjectItem, Case, HumanTask, Item, User, db
from app.services import cases, catalog
from app.services.agency import projects
from app.services.cases import intake_rules, opening
from app.services.workflow import audit, instances, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound

INTAKE_TASK = "intake"  # 接件审查, where the process reads major_project
# (user id, item code) while an agent starts a case for a project's mandate.
# (agent's user id, item code, whether the project is major) while an agent starts an item.
_starting: ContextVar[tuple[int, str, bool] | None] = ContextVar("agency_starting",
                                                                 default=None)


def register() -> None:
    intake_rules.permit_intake(_agent_starting)
    opening.add_start_variables(_major_start)
    tasks.guard_completion(_intake_confirms_major)
    instances.also_viewable_by(_agent_of_case)


def _agent_of_case(user: User, instance_id: int) -> bool:
    """The project's agent follows a linked case too (a started one they started)."""
    return db.session.scalar(sa.select(sa.literal(1)).select_from(AgencyProjectItem)
                             .join(AgencyProject).join(Case, Case.id == AgencyProjectItem.case_id)
                             .where(Case.instance_id == instance_id,
                                    AgencyProject.agent_id == user.id).limit(1)) is not None


def _agent_starting(user: User, item: Item) -> bool:
    """The agent takes in only the item of the mandate they are starting right now."""
    starting = _starting.get()
    return starting is not None and starting[:2] == (user.id, item.code) and user.is_agent


def _major_start(found) -> dict:
    """A major or investment project's case starts as one: the intake form shows it ticked,
    and 逾期自动受理 keeps it (the department's 30 working days)."""
    starting = _starting.get()
    if starting is not None and starting[1] == found.item.code and starting[2]:
        return {"major_project": True}
    return {}


@contextmanager
def _on_mandate(user: User, item_code: str, major: bool):
    token = _starting.set((user.id, item_code, major))
    try:
        yield
    finally:
        _starting.reset(token)


def start_item(project_id: int, item_code: object, actor: Actor) -> AgencyProjectItem:
    """Start the item's case for the applicant, the case linked to the project."""
    project = projects.managed(project_id, actor)
    item = _entrusted(project, item_code)
    applicant = {"name": project.applicant_name}
    if project.applicant_contact:
        applicant["phone"] = project.applicant_contact[:40]
    variables = {"item_code": item.code, "applicant": applicant}
    if project.applicant_id_number:
        variables["applicant_id_number"] = project.applicant_id_number
    with _on_mandate(actor.user, item.code, project.limited):
        instance = instances.start(item.process_key, actor, variables=variables)
    return _link(project_id, cases.case_of(instance.id), actor, started=True)


def link_case(project_id: int, case_no: object, actor: Actor) -> AgencyProjectItem:
    """Link a case already taken in at a window (by its 办件编号) to the project."""
    project = projects.managed(project_id, actor)
    if not isinstance(case_no, str) or not case_no.strip():
        raise InvalidInput("give the case number", code="invalid_agency_item",
                           errors=[{"field": "caseNo", "message": "required"}])
    case = db.session.scalar(sa.select(Case).where(Case.case_no == case_no.strip()[:40]))
    if case is None:
        raise NotFound(f"no case numbered {case_no.strip()[:40]}", code="case_no_not_found")
    _entrusted(project, case.item.code)
    return _link(project.id, case, actor, started=False)


def _entrusted(project: AgencyProject, item_code: object) -> Item:
    if not isinstance(item_code, str) or not item_code.strip():
        raise InvalidInput("choose an item of the mandate", code="invalid_agency_item",
                           errors=[{"field": "itemCode", "message": "required"}])
    if item_code.strip() not in project.mandate_scope:
        raise Conflict(f"the mandate does not entrust {item_code.strip()[:64]}",
                       code="item_not_in_mandate")
    return catalog.current(item_code.strip())


def _link(project_id: int, case: Case, actor: Actor, *, started: bool) -> AgencyProjectItem:
    project = projects.managed(project_id, actor)  # again: the start committed
    if project_of_case(case.id) is not None:
        raise Conflict(f"case {case.case_no or case.id} belongs to a project already",
                       code="case_in_agency_project")
    row = AgencyProjectItem(project_id=project.id, item_code=case.item.code, case_id=case.id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "agency.case_started" if started else "agency.case_linked",
                 instance_id=case.instance_id, project_id=project.id, case_id=case.id,
                 item_code=case.item.code)
    if project.limited:
        _mark_major(case, project, actor)
    db.session.commit()
    return row


def _mark_major(case: Case, project: AgencyProject, actor: Actor) -> None:
    if not case.major_project:
        case.major_project = True
        audit.record(actor, "case.major_project", instance_id=case.instance_id,
                     major_project=True, agency_project_id=project.id)


def project_of_case(case_id: int) -> AgencyProject | None:
    return db.session.scalar(sa.select(AgencyProject).join(AgencyProjectItem).where(
        AgencyProjectItem.case_id == case_id))


def _intake_confirms_major(task: HumanTask, actor: Actor, data: dict) -> None:
    """A major project's case stays one: the window's intake review cannot unmark it."""
    if task.name != INTAKE_TASK or data.get("major_project") is True:
        return
    case = cases.case_of(task.instance_id)
    if case is not None and case.major_project:
        project = project_of_case(case.id)
        if project is not None and project.limited:
            raise Conflict("the case belongs to a major or investment project taken on by the "
                           "center's agent: tick major_project", code="agency_major_project",
                           errors=[{"field": "major_project", "message": "must be ticked"}])
