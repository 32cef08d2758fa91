from flask import jsonify, request

from app.api import representations as rep
from app.api.blueprint import bp, json_object
from app.http_inputs import db_int, page_args
from app.models import User, db
from app.security import current_actor
from app.services.workflow import execution, forms, instances, tasks
from app.services.workflow.errors import InvalidInput


@bp.get("/tasks")
def list_tasks():
    args, actor = request.args, current_actor()
    assignee = args.get("assignee")
    if assignee not in (None, "me"):
        raise InvalidInput("assignee supports only 'me'")
    rows = tasks.inbox(actor.user, assignee_me=assignee == "me",
                       candidate_role=args.get("candidateGroup"),
                       instance_id=args.get("processInstanceId", type=db_int),
                       **page_args(args))
    return jsonify([rep.task(t) for t in rows])


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
    task = tasks.complete(task_id, json_object().get("variables", {}), current_actor())
    return jsonify(rep.task(task))


@bp.get("/tasks/<task_id>/candidates")
def task_candidates(task_id: str):
    """Whom an administrator may reassign the task to (the routing rules' candidates)."""
    people = tasks.eligible_assignees(task_id, current_actor())
    return jsonify([{"id": u.id, "username": u.username, "displayName": u.display_name}
                    for u in people])


@bp.post("/tasks/<task_id>/reassign")
def reassign_task(task_id: str):
    """{"assignee": user id}: one of /candidates, or 400 not_a_candidate."""
    assignee_id = json_object().get("assignee")
    assignee = db.session.get(User, assignee_id) if type(assignee_id) is int else None  # not a bool
    if assignee is None:
        raise InvalidInput("assignee must be the id of a user", code="unknown_user",
                           errors=[{"field": "assignee", "message": "unknown user"}])
    return jsonify(rep.task(tasks.reassign(task_id, assignee, current_actor())))
