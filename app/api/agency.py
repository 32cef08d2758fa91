"""全程代办 projects: list, detail with the board, create, add an item, 催办."""
from __future__ import annotations

from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.api.representations import iso, provisional
from app.models import AgencyProject, User
from app.security import current_actor
from app.services.agency import board, items, projects, reminders
from app.services.workflow.errors import InvalidInput


def _project(project: AgencyProject, viewer: User) -> dict:
    limit = board.project_limit(project)
    body = {"id": project.id, "name": project.name, "kind": project.kind,
            "status": project.status, "agent": project.agent.username,
            "agentName": project.agent.display_name, "applicantName": project.applicant_name,
            "startedAt": iso(project.started_at), "closedAt": iso(project.closed_at),
            "mandateSignedOn": iso(project.mandate_signed_on),
            "mandateScope": list(project.mandate_scope),
            "limitAt": iso(limit.due_at) if limit else None,
            "limitProvisional": provisional(limit.due_at) if limit else False,
            "limitWorkingDaysLeft": limit.days_left if limit else None,
            "limitFlags": limit.flags if limit else []}
    if projects.sees_personal_data(viewer, project):
        body.update(applicantContact=project.applicant_contact,
                    applicantIdNumber=project.applicant_id_number)
    return body


def _row(row: board.Row) -> dict:
    case = row.case
    return {"item": row.item_code, "itemName": row.item_name,
            "department": row.department_name,
            "caseId": case.id if case else None,
            "processInstanceId": case.instance_id if case else None,
            "caseNo": case.case_no if case else None,
            "status": case.status_code if case else None,
            "statusName": case.status_name if case else None,
            "majorProject": case.major_project if case else None,
            "deadlineAt": iso(case.deadline_at) if case else None,
            "workingDaysLeft": row.days_left, "flags": row.flags,
            "steps": [{"title": s.title, "holders": [u.username for u in s.holders]}
                      for s in row.steps]}


@bp.get("/agency/projects")
def agency_projects():
    viewer = current_actor().user
    found = projects.listing(viewer, request.args.get("status"))
    return jsonify(pages.page(_project(p, viewer) for p in found))


@bp.post("/agency/projects")
def create_agency_project():
    actor = current_actor()
    project = projects.create(json_object(), actor)
    return jsonify(_project(project, actor.user)), 201


@bp.get("/agency/projects/<int:project_id>")
def agency_project(project_id: int):
    viewer = current_actor().user
    project = projects.get(project_id, viewer)
    return jsonify(**_project(project, viewer), board=[_row(r) for r in board.rows(project)])


@bp.post("/agency/projects/<int:project_id>/items")
def add_agency_item(project_id: int):
    """{"itemCode": …} starts the item's case; {"caseNo": …} links one taken in already."""
    body, actor = json_object(), current_actor()
    if "caseNo" in body:
        link = items.link_case(project_id, body.get("caseNo"), actor)
    else:
        link = items.start_item(project_id, body.get("itemCode"), actor)
    return jsonify(id=link.id, caseId=link.case_id, processInstanceId=link.case.instance_id,
                   majorProject=link.case.major_project), 201


@bp.post("/agency/projects/<int:project_id>/mandate")
def upload_agency_mandate(project_id: int):
    """The scanned 委托书 (multipart, field `file`), checked as a case's attachments are."""
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("send the scanned mandate as the multipart field 'file'",
                           code="file_empty", errors=[{"field": "file", "message": "required"}])
    mandate = projects.upload_mandate(project_id, upload, current_actor())
    return jsonify(id=mandate.id, filename=mandate.filename, size=mandate.size,
                   sha256=mandate.sha256), 201


@bp.post("/agency/projects/<int:project_id>/reminders")
def remind_agency_case(project_id: int):
    reminder = reminders.remind(project_id, json_object().get("caseId"), current_actor())
    return jsonify(id=reminder.id, caseId=reminder.case_id, recipients=reminder.recipients), 201


@bp.post("/agency/projects/<int:project_id>/close")
def close_agency_project(project_id: int):
    actor = current_actor()
    project = projects.close(project_id, json_object().get("status"), actor)
    return jsonify(_project(project, actor.user))
