"""全程代办 pages (/agency/projects): the projects an agent takes on (administrators: all,
supervisors: all, read only) and each project's 代办看板 with its actions."""
from __future__ import annotations

from io import BytesIO

from flask import render_template, request, send_file

from app.models.agency import KIND_LABELS, STATUS_LABELS
from app.security import current_actor
from app.services import catalog
from app.services.agency import board, items, projects, reminders
from app.web.blueprint import bp
from app.web.form_support import FailedForm, posted, submit


def _projects_page(failed: FailedForm | None = None) -> str:
    user = current_actor().user
    status = request.args.get("status") or None
    return render_template("agency/projects.html", failed=failed,
                           projects=projects.listing(user, status), status=status,
                           limit_of=board.project_limit, kinds=KIND_LABELS,
                           statuses=STATUS_LABELS, items=catalog.listing(),
                           agents=projects.agents() if user.is_admin else [],
                           may_create=user.is_agent or user.is_admin)


@bp.get("/agency/projects")
def agency_projects_page():
    return _projects_page()


@bp.post("/agency/projects")
def agency_project_form():
    actor = current_actor()
    upload = request.files.get("mandate")
    return submit("project", lambda: projects.create(
        posted("mandateScope"), actor, upload if upload and upload.filename else None),
        _projects_page, "web.agency_projects_page")


def _board_page(project_id: int, failed: FailedForm | None = None) -> str:
    user = current_actor().user
    project = projects.get(project_id, user)
    return render_template("agency/project.html", failed=failed, project=project,
                           rows=board.rows(project), limit=board.project_limit(project),
                           mandates=projects.mandates(project),
                           sent=reminders.sent(project),
                           may_manage=projects.may_manage(user, project),
                           personal=projects.sees_personal_data(user, project),
                           kinds=KIND_LABELS, statuses=STATUS_LABELS,
                           flag_labels=board.FLAG_LABELS)


@bp.get("/agency/projects/<int:project_id>")
def agency_project_page(project_id: int):
    return _board_page(project_id)


def _on_board(form: str, project_id: int, action):
    return submit(form, action, lambda failed: _board_page(project_id, failed),
                  "web.agency_project_page", project_id=project_id)


@bp.post("/agency/projects/<int:project_id>/items")
def agency_item_form(project_id: int):
    actor = current_actor()
    return _on_board("item", project_id, lambda: items.start_item(
        project_id, request.form.get("itemCode"), actor))


@bp.post("/agency/projects/<int:project_id>/link")
def agency_link_form(project_id: int):
    actor = current_actor()
    return _on_board("link", project_id, lambda: items.link_case(
        project_id, request.form.get("caseNo"), actor))


@bp.post("/agency/projects/<int:project_id>/reminders")
def agency_remind_form(project_id: int):
    actor = current_actor()
    return _on_board("rows", project_id, lambda: reminders.remind(
        project_id, request.form.get("caseId"), actor))


@bp.post("/agency/projects/<int:project_id>/mandate")
def agency_mandate_form(project_id: int):
    actor = current_actor()
    return _on_board("mandate", project_id, lambda: projects.upload_mandate(
        project_id, request.files.get("mandate") or _NoFile(), actor))


@bp.post("/agency/projects/<int:project_id>/close")
def agency_close_form(project_id: int):
    actor = current_actor()
    return _on_board("rows", project_id, lambda: projects.close(
        project_id, request.form.get("status"), actor))


@bp.get("/agency/mandates/<int:mandate_id>")
def agency_mandate_download(mandate_id: int):
    """The scanned 委托书, as a download (it carries the applicant's personal data)."""
    mandate = projects.mandate_file(mandate_id, current_actor().user)
    response = send_file(BytesIO(mandate.data), mimetype=mandate.content_type,
                         as_attachment=True, download_name=mandate.filename,
                         etag=mandate.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


class _NoFile:
    """A form sent without its file: refused by the checks as an empty upload."""
    filename, stream = "", BytesIO(b"")
