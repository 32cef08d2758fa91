from flask import jsonify, request

from app.api import pages
from app.api import representations as rep
from app.api import variables as typed
from app.api.blueprint import bp, json_object
from app.api.workflow.starts import started
from app.http_inputs import page_args
from app.security import current_actor
from app.services import cases
from app.services.workflow import instances, permissions, timers
from app.services.workflow.errors import InvalidInput
from app.services.workflow.instances import admin as instance_admin
from app.services.workflow.instances import diagram as instance_diagram
from app.services.workflow.instances import migration as instance_migration


@bp.post("/process-definitions/key/<key>/start")
def start_instance(key: str):
    body = json_object()
    variables = typed.from_body(body)
    return started(f"start {key}", body, lambda created: instances.start(
        key, current_actor(), business_key=body.get("businessKey"), variables=variables,
        on_created=created))


@bp.get("/process-instances")
def list_instances():
    """Newest first; `after` (a cursor from `next`) continues where the last page ended."""
    args, order = request.args, instances.NEWEST_FIRST
    rows, total, next_key = instances.query(
        key=args.get("key"), state=args.get("state"), business_key=args.get("businessKey"),
        **page_args(args), after=pages.after_arg(order),
        viewer=current_actor().user)
    return jsonify(pages.page([rep.instance(i) for i in rows], total=total,
                              next=pages.encode(order, next_key)))


@bp.get("/process-instances/<int:instance_id>")
def instance_detail(instance_id: int):
    instance = instances.viewable(instance_id, current_actor().user)
    return jsonify(rep.instance(instance, tasks=instances.open_tasks(instance_id),
                                variables=instances.variables(instance),
                                case_row=cases.case_of(instance_id)))


@bp.get("/cases/<int:instance_id>")
def case_detail(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    return jsonify(rep.case(cases.case_of(instance_id)))




@bp.post("/process-instances/<int:instance_id>/suspend")
def suspend_instance(instance_id: int):
    return jsonify(rep.instance(instance_admin.suspend(instance_id, current_actor())))


@bp.post("/process-instances/<int:instance_id>/resume")
def resume_instance(instance_id: int):
    return jsonify(rep.instance(instance_admin.resume(instance_id, current_actor())))


@bp.post("/process-instances/<int:instance_id>/terminate")
def terminate_instance(instance_id: int):
    reason = json_object().get("reason", "")
    return jsonify(rep.instance(instance_admin.terminate(instance_id, reason, current_actor())))


@bp.post("/process-instances/<int:instance_id>/retry")
def retry_instance(instance_id: int):
    return jsonify(rep.instance(instance_admin.retry(instance_id, current_actor())))


@bp.post("/process-instances/<int:instance_id>/migrate")
def migrate_instance(instance_id: int):
    version = json_object().get("version")
    return jsonify(rep.instance(instance_migration.migrate(instance_id, version, current_actor())))


@bp.post("/process-instances/<int:instance_id>/fire-timers")
def fire_instance_timers(instance_id: int):
    """Body (optional): {"timer": its BPMN id (else every waiting timer), "reason": ...}."""
    permissions.require_admin(current_actor())  # timers.fire_now leaves the check to callers
    body = json_object()
    timer, reason = body.get("timer"), body.get("reason", "")
    wrong = [{"field": name, "message": "must be a string"}
             for name, value in (("timer", timer), ("reason", reason))
             if value is not None and not isinstance(value, str)]
    if wrong:
        raise InvalidInput("timer and reason must be strings", errors=wrong)
    fired = timers.fire_now(instance_id, current_actor(), timer=timer, reason=reason)
    instance = instances.viewable(instance_id, current_actor().user)
    return jsonify(fired=fired, instance=rep.instance(instance))


@bp.get("/process-instances/<int:instance_id>/element-states")
def instance_element_states(instance_id: int):
    """Each BPMN element's state (completed, active, waiting, error), for the diagram."""
    instance = instances.viewable(instance_id, current_actor().user)
    states = instance_diagram.element_states(instance)
    return jsonify(instanceId=instance.id, key=instance.definition.key,
                   version=instance.definition.version, state=instance.state,
                   incident=instance.incident, **states.as_dict())
