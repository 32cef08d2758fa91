from flask import jsonify, request

from app.api import pages
from app.api import representations as rep
from app.api import variables as typed
from app.api.blueprint import bp, json_object
from app.http_inputs import db_int, moment_arg, page_args
from app.models import User, db
from app.security import current_actor
from app.services.workflow import execution, forms, instances, paging, task_query, tasks
from app.services.workflow.errors import InvalidInput


@bp.get("/tasks")
def list_tasks():
    """The inbox, filtered and sorted by Camunda's parameters, a page after the cursor."""
    args, actor = request.args, current_actor()
    assignee = args.get("assignee")
    if assignee not in (None, "me"):
        raise InvalidInput("assignee supports only 'me'", code="invalid_filter",
                           errors=[{"field": "assignee", "message": "only 'me'"}])
    filters = task_query.Filters(
        assignee_me=assignee == "me", candidate_role=args.get("candidateGroup"),
        instance_id=args.get("processInstanceId", type=db_int),
        due_before=moment_arg(args, "dueBefore"), due_after=moment_arg(args, "dueAfter"))
    order = _task_order(args)
    rows, next_key = task_query.page(actor.user, filters, order, after=pages.after_arg(order),
                                     **page_args(args))
    return jsonify(pages.page([rep.task(t) for t in rows], next=pages.encode(order, next_key)))


def _task_order(args) -> paging.Keyset:
    """`sortBy` (dueDate, the default, created, name, id) and `sortOrder` (asc, desc)."""
    sort_by, sort_order = args.get("sortBy") or "dueDate", args.get("sortOrder") or "asc"
    problems = [{"field": name, "message": f"one of {', '.join(allowed)}"}
                for name, value, allowed in (("sortBy", sort_by, task_query.SORTS),
                                             ("sortOrder", sort_order, ("asc", "desc")))
                if value not in allowed]
    if problems:
        raise InvalidInput("the tasks cannot be sorted so", code="invalid_sort",
                           errors=problems)
    return task_query.order(sort_by, descending=sort_order == "desc")


@bp.get("/tasks/<task_id>")
def task_detail(task_id: str):
    task = tasks.get(task_id, current_actor().user)
    schema, ui = forms.task_form(execution.get_instance(task.instance_id).definition, task)
    return jsonify(rep.task(task, form=schema, ui=ui))


@bp.get("/tasks/<task_id>/form-variables")
def task_form_variables(task_id: str):
    """The form's fields with the values the task holds, typed (Camunda's form-variables)."""
    task = tasks.get(task_id, current_actor().user)
    schema, _ = forms.task_form(execution.get_instance(task.instance_id).definition, task)
    return jsonify(forms.form_variables(schema, instances.task_data(task)))


@bp.post("/tasks/<task_id>/claim")
def claim_task(task_id: str):
    return jsonify(rep.task(tasks.claim(task_id, current_actor())))


@bp.post("/tasks/<task_id>/unclaim")
def unclaim_task(task_id: str):
    return jsonify(rep.task(tasks.unclaim(task_id, current_actor())))


@bp.post("/tasks/<task_id>/complete")
def complete_task(task_id: str):
    """Plain JSON variables, or Camunda's typed values ({name: {value, type}})."""
    task = tasks.complete(task_id, typed.from_body(json_object()), current_actor())
    return jsonify(rep.task(task))


@bp.get("/tasks/<task_id>/candidates")
def task_candidates(task_id: str):
    """Whom an administrator may reassign the task to (the routing rules' candidates)."""
    people = tasks.eligible_assignees(task_id, current_actor())
    return jsonify(pages.page({"id": u.id, "username": u.username,
                               "displayName": u.display_name} for u in people))


@bp.post("/tasks/<task_id>/reassign")
def reassign_task(task_id: str):
    """{"assignee": user id}: one of /candidates, or 400 not_a_candidate."""
    assignee_id = json_object().get("assignee")
    assignee = db.session.get(User, assignee_id) if type(assignee_id) is int else None  # not a bool
    if assignee is None:
        raise InvalidInput("assignee must be the id of a user", code="unknown_user",
                           errors=[{"field": "assignee", "message": "unknown user"}])
    return jsonify(rep.task(tasks.reassign(task_id, assignee, current_actor())))
