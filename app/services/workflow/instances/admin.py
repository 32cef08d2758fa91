"""Administrators' actions on running instances; each audited, each refused with a reason."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import ProcessInstance, db, utcnow
from app.models.process import ERROR, RUNNING, SUSPENDED, TERMINATED
from app.services.workflow import audit, execution, task_sync
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, EngineFailure, Forbidden, InvalidInput


def lock_for_admin(instance_id: int, actor: Actor) -> ProcessInstance:
    """The instance row, locked for this transaction, if the actor is an administrator."""
    if not actor.user or not actor.user.is_admin:
        raise Forbidden("only a center administrator can do this", code="not_admin")
    return execution.lock_instance(instance_id)


def suspend(instance_id: int, actor: Actor) -> ProcessInstance:
    instance = lock_for_admin(instance_id, actor)
    if instance.state != RUNNING:
        raise Conflict(f"only a running instance can be suspended; it is {instance.state}",
                       code="not_running",
                       message=_l("流程实例 %(id)s 不在运行中，不能挂起。", id=instance.id))
    instance.state = SUSPENDED  # timers are not swept and tasks refuse completion meanwhile
    audit.record(actor, "instance.suspended", instance_id=instance_id)
    db.session.commit()
    return instance


def resume(instance_id: int, actor: Actor) -> ProcessInstance:
    instance = lock_for_admin(instance_id, actor)
    if instance.state != SUSPENDED:
        raise Conflict(f"only a suspended instance can be resumed; it is {instance.state}",
                       code="not_suspended",
                       message=_l("流程实例 %(id)s 未挂起，无需恢复。", id=instance.id))
    instance.state = RUNNING
    audit.record(actor, "instance.resumed", instance_id=instance_id)
    db.session.commit()
    return instance


def terminate(instance_id: int, reason: str, actor: Actor) -> ProcessInstance:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a reason is required to terminate an instance",
                           errors=[{"field": "reason", "message": "required"}])
    instance = lock_for_admin(instance_id, actor)
    if instance.state not in (RUNNING, SUSPENDED):
        raise Conflict(f"the instance is already {instance.state}", code="already_ended")
    instance.state, instance.ended_at, instance.next_timer_at = TERMINATED, utcnow(), None
    task_sync.cancel_all(instance, actor)
    audit.record(actor, "instance.terminated", instance_id=instance_id, reason=reason)
    db.session.commit()
    return instance


def retry(instance_id: int, actor: Actor) -> ProcessInstance:
    """Run the engine of an instance stopped by an incident again, once the cause is fixed.

    If it fails again the new incident is recorded (committed) and the failure re-raised,
    so the administrator sees why and the instance stays in error.
    """
    instance = lock_for_admin(instance_id, actor)
    if instance.state != ERROR:
        raise Conflict(f"only an instance in error can be retried; it is {instance.state}",
                       code="not_in_error",
                       message=_l("流程实例 %(id)s 没有异常，无需重试。", id=instance.id))
    previous, instance.state, instance.incident = instance.incident, RUNNING, None
    try:
        execution.step(instance, actor, _nothing)
    except (EngineFailure, InvalidInput) as err:
        execution.record_incident(instance_id, actor, err.detail)
        raise
    audit.record(actor, "instance.retried", instance_id=instance_id, previous_incident=previous)
    db.session.commit()
    return instance


def _nothing(workflow) -> None:
    """No action: advancing the engine reruns the step that failed."""
