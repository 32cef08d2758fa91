"""The clerk's task page: the case, the task's form generated from its JSON Schema, claiming,
and the case's attachments. Every check (who may see, claim, complete) is the services'."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.models import HumanTask, User, db
from app.models.identity import COMMITTEE_VOTE_LANE
from app.models.process import SUSPENDED
from app.security import current_actor
from app.services import cases
from app.services.workflow import attachments, execution, forms, task_context, tasks
from app.services.workflow.errors import Conflict, InvalidInput
from app.web import problem_text, schema_form
from app.web.blueprint import bp
from app.web.cases import record as case_record


def _task_form(task: HumanTask) -> tuple[dict | None, dict | None]:
    return forms.task_form(execution.get_instance(task.instance_id).definition, task)


def _enum_sources(case) -> dict[str, list[tuple[str, str]]]:
    """Lists a UI schema may name in `enumFrom`: the materials of the case's item."""
    if case is None:
        return {}
    return {"item_materials": [(m["code"], m.get("name", m["code"]))
                               for m in case.item.materials or []]}


def _page(task: HumanTask, *, values=None, problems=None, upload_problem: str = "",
          refusal: str = ""):
    schema, ui = _task_form(task)
    case = cases.case_of(task.instance_id)
    assignee = db.session.get(User, task.assignee_id) if task.assignee_id else None
    return render_template(
        "workflow/tasks/detail.html", task=task, case=case, assignee=assignee,
        form_title=(schema or {}).get("title", ""),
        sections=schema_form.sections(schema, ui, schema_form.fields(schema, ui,
                                                                     _enum_sources(case))),
        values=schema_form.values_of(values), problems=problems or {}, refusal=refusal,
        task_context=task_context.sections(task),
        attachments=attachments.listing(task.instance_id, current_user),
        upload_problem=upload_problem, allowed_types=sorted(attachments.ALLOWED_TYPES),
        is_open=task.state == "open",
        suspended=execution.get_instance(task.instance_id).state == SUSPENDED,
        may_release=task.assignee_id == current_user.id and task.lane != COMMITTEE_VOTE_LANE,
        **case_record.context(task.instance_id))


@bp.get("/tasks/<task_id>")
def task_page(task_id: str):
    return _page(tasks.get(task_id, current_user))


@bp.post("/tasks/<task_id>")
def complete_task_form(task_id: str):
    task = tasks.get(task_id, current_user)
    schema, ui = _task_form(task)
    variables = schema_form.to_json(schema, request.form, ui)
    case = cases.case_of(task.instance_id)
    numbered_before = bool(case and case.case_no)
    try:
        tasks.complete(task_id, variables, current_actor())
    except InvalidInput as err:
        db.session.rollback()
        return _page(task, values=request.form,
                     problems=schema_form.problems(schema, err)), err.status
    except Conflict as err:  # suspended, stopped, or taken meanwhile: the input is kept
        db.session.rollback()
        return _page(task, values=request.form,
                     refusal=problem_text.for_people(err)), err.status
    if case is not None and not numbered_before:
        db.session.refresh(case)
        if case.case_no:  # just accepted (受理): the case page, with its 受理通知书 to print
            flash(_("已受理，办件编号 %(case_no)s。请打印受理通知书交申请人。",
                    case_no=case.case_no))
            return redirect(url_for("web.case_page", instance_id=task.instance_id), code=303)
    flash(_("已办理：%(title)s", title=task.title))
    return redirect(url_for("web.inbox"), code=303)


def _local_next() -> str | None:
    """The form's `next`, kept only when it is a path on this site ("/…", never "//host",
    a backslash or a control character a browser would drop)."""
    target = request.form.get("next", "")
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 0x20 or ord(c) == 0x7f for c in target)):
        return None
    parts = urlsplit(target)
    return target if not (parts.scheme or parts.netloc) else None


@bp.post("/tasks/<task_id>/claim")
def claim_task_form(task_id: str):
    task = tasks.claim(task_id, current_actor())
    target = _local_next()
    if target:  # from the inbox: back to it, with its filters
        flash(_("已认领：%(title)s", title=task.title))
    return redirect(target or url_for("web.task_page", task_id=task_id), code=303)


@bp.post("/tasks/<task_id>/unclaim")
def unclaim_task_form(task_id: str):
    task = tasks.unclaim(task_id, current_actor())
    target = _local_next()
    if target:
        flash(_("已释放：%(title)s", title=task.title))
    return redirect(target or url_for("web.task_page", task_id=task_id), code=303)


@bp.post("/tasks/<task_id>/attachments")
def upload_attachment_form(task_id: str):
    task = tasks.get(task_id, current_user)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput(_("请选择要上传的文件"))
        attachments.add(task.instance_id, upload, current_actor(), task_id=task.id)
    except InvalidInput as err:
        db.session.rollback()
        return _page(task, upload_problem=problem_text.for_people(err)), 400
    return redirect(url_for("web.task_page", task_id=task_id), code=303)
