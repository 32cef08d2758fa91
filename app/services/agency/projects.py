"""代办项目: who sees which projects, taking one on with its mandate (委托书), closing it.

Who sees what: an agent their own projects, the center's administrators all of them (and
manage them), supervisors all of them read only (效能监察). The applicant's personal data
(contact, ID number, the mandate's scan) is shown to the project's agent and administrators
only."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa

from app.models import AgencyMandate, AgencyProject, User, db, utcnow
from app.models.agency import ACTIVE, CONCLUDED, KIND_LABELS, STATUS_LABELS, TERMINATED
from app.models.identity import AGENT
from app.services import calendar, catalog
from app.services.organization.checks import Problems, Text, choice, clean_texts
from app.services.workflow import attachments, audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

FIELDS = {"name": Text("name", 200, required=True),
          "applicantName": Text("applicant_name", 200, required=True),
          "applicantContact": Text("applicant_contact", 100),
          "applicantIdNumber": Text("applicant_id_number", 40)}
MAX_SCOPE = 50  # items one mandate may entrust


# --- who may see and do what -----------------------------------------------------------------

def may_read(viewer: User, project: AgencyProject) -> bool:
    return viewer.is_supervisor or project.agent_id == viewer.id


def may_manage(viewer: User, project: AgencyProject) -> bool:
    return viewer.is_admin or (project.agent_id == viewer.id and viewer.is_agent)


def sees_personal_data(viewer: User, project: AgencyProject) -> bool:
    return may_manage(viewer, project)


def _require_agency_staff(viewer: User) -> None:
    if not (viewer.is_agent or viewer.is_supervisor):
        raise Forbidden("agency projects are for the center's agents, administrators and "
                        "supervisors", code="not_agency_staff")


def listing(viewer: User, status: str | None = None) -> list[AgencyProject]:
    """Own projects for an agent; every project for the center (administrators, supervisors)."""
    _require_agency_staff(viewer)
    query = sa.select(AgencyProject).order_by(AgencyProject.started_at.desc(),
                                              AgencyProject.id.desc())
    if not viewer.is_supervisor:
        query = query.where(AgencyProject.agent_id == viewer.id)
    if status in STATUS_LABELS:
        query = query.where(AgencyProject.status == status)
    return list(db.session.scalars(query))


def get(project_id: int, viewer: User) -> AgencyProject:
    project = db.session.get(AgencyProject, project_id)
    if project is None:
        raise NotFound(f"agency project {project_id} does not exist",
                       code="agency_project_not_found")
    if not may_read(viewer, project):
        raise Forbidden("this project is another agent's", code="not_your_agency_project")
    return project


def managed(project_id: int, actor: Actor, *, locked: bool = True) -> AgencyProject:
    """The active project the actor manages (its agent, or an administrator), locked."""
    if locked:
        db.session.execute(sa.select(AgencyProject.id).where(AgencyProject.id == project_id)
                           .with_for_update())
    project = get(project_id, actor.user)
    if not may_manage(actor.user, project):
        raise Forbidden("only the project's agent or an administrator may do this",
                        code="not_your_agency_project")
    if project.status != ACTIVE:
        raise Conflict(f"agency project {project_id} is {project.status}",
                       code="agency_project_closed")
    return project


# --- creating and closing --------------------------------------------------------------------

def create(data: Mapping, actor: Actor, mandate_upload=None) -> AgencyProject:
    """A new project on a signed mandate; an agent takes it on themselves, an administrator
    names the agent. It starts now: the limit counts from the day the center took it on."""
    user = actor.user
    if not (user.is_agent or user.is_admin):
        raise Forbidden("only the center's agents and administrators take on projects",
                        code="not_agency_staff")
    problems = Problems()
    values = clean_texts(data, FIELDS, problems, partial=False)
    kind = choice(data, "kind", tuple(KIND_LABELS), problems, required=True)
    signed_on = _signed_on(data.get("mandateSignedOn"), problems)
    scope = _scope(data.get("mandateScope"), problems)
    agent_id = _agent(data.get("agentId"), user, problems)
    problems.raise_if_any("invalid_agency_project", "agency project")
    project = AgencyProject(kind=kind, agent_id=agent_id, created_by=user.id,
                            mandate_signed_on=signed_on, mandate_scope=scope,
                            started_at=utcnow(), status=ACTIVE, **values)
    db.session.add(project)
    db.session.flush()
    audit.record(actor, "agency.project_created", project_id=project.id, kind=kind,
                 agent_id=agent_id, mandate_scope=scope, mandate_signed_on=signed_on.isoformat())
    if mandate_upload is not None:
        _store_mandate(project, mandate_upload, actor)
    db.session.commit()
    return project


def _signed_on(value, problems: Problems) -> date | None:
    try:
        signed = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        signed = None
    if signed is None:
        problems.add("mandateSignedOn", "required: the date the mandate was signed (YYYY-MM-DD)")
    elif signed > calendar.today():
        problems.add("mandateSignedOn", "cannot be in the future")
    return signed


def _scope(value, problems: Problems) -> list[str]:
    """The entrusted items: current catalog items, each once, at least one."""
    if isinstance(value, str):
        value = [code for code in value.replace(",", " ").split() if code]
    if not isinstance(value, list) or not value or len(value) > MAX_SCOPE:
        problems.add("mandateScope", f"list 1 to {MAX_SCOPE} item codes the mandate entrusts")
        return []
    codes: list[str] = []
    for code in value:
        if not isinstance(code, str) or not code.strip():
            problems.add("mandateScope", "item codes are text")
            continue
        try:
            catalog.current(code.strip())
        except NotFound:
            problems.add("mandateScope", f"no current item {code.strip()[:64]}")
            continue
        if code.strip() not in codes:
            codes.append(code.strip())
    return codes


def _agent(value, user: User, problems: Problems) -> int | None:
    """An agent takes the project on themselves; an administrator names an agent."""
    if value in (None, "") and user.is_agent:
        return user.id
    if not user.is_admin:
        problems.add("agentId", "an agent takes on projects for themselves only")
        return None
    try:
        agent = db.session.get(User, int(value))
    except (TypeError, ValueError):
        agent = None
    if agent is None or not agent.active or not agent.has_role(AGENT):
        problems.add("agentId", "choose one of the center's agents")
        return None
    return agent.id


def agents() -> list[User]:
    """The center's active agents, for an administrator choosing one."""
    return [u for u in db.session.scalars(sa.select(User).where(User.active.is_(True))
                                          .order_by(User.username)) if u.has_role(AGENT)]


def close(project_id: int, status: str, actor: Actor) -> AgencyProject:
    """已办结 or 已终止: the project leaves the board's active list; its cases go on."""
    if status not in (CONCLUDED, TERMINATED):
        raise InvalidInput(f"a project closes as {CONCLUDED} or {TERMINATED}",
                           code="invalid_agency_status",
                           errors=[{"field": "status", "message": "unknown status"}])
    project = managed(project_id, actor)
    project.status, project.closed_at = status, utcnow()
    audit.record(actor, "agency.project_closed", project_id=project.id, status=status)
    db.session.commit()
    return project


# --- the mandate's scan (委托书) --------------------------------------------------------------

def upload_mandate(project_id: int, upload, actor: Actor) -> AgencyMandate:
    project = managed(project_id, actor)
    mandate = _store_mandate(project, upload, actor)
    db.session.commit()
    return mandate


def _store_mandate(project: AgencyProject, upload, actor: Actor) -> AgencyMandate:
    """Checked as a case's attachments are (type from the content, size cap)."""
    filename, data, content_type = attachments.read_upload(upload)
    mandate = AgencyMandate(project_id=project.id)
    mandate.store(filename, content_type, data, actor.user_id)
    db.session.add(mandate)
    db.session.flush()
    audit.record(actor, "agency.mandate_uploaded", project_id=project.id,
                 mandate_id=mandate.id, filename=filename, sha256=mandate.sha256,
                 size=len(data))
    return mandate


def mandates(project: AgencyProject) -> list[AgencyMandate]:
    return list(db.session.scalars(sa.select(AgencyMandate).where(
        AgencyMandate.project_id == project.id).order_by(AgencyMandate.id)))


def mandate_file(mandate_id: int, viewer: User) -> AgencyMandate:
    """The scan, for those who may see the applicant's personal data (it carries it)."""
    mandate = db.session.get(AgencyMandate, mandate_id)
    if mandate is None:
        raise NotFound(f"mandate {mandate_id} does not exist", code="agency_mandate_not_found")
    if not sees_personal_data(viewer, get(mandate.project_id, viewer)):
        raise Forbidden("the mandate is for the project's agent and administrators",
                        code="not_your_agency_project")
    return mandate

