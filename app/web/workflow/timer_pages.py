"""Firing one waiting timer of an instance now: named, confirmed, with a reason (audited)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.models import db
from app.security import current_actor
from app.services.workflow import execution, permissions, timers
from app.services.workflow.errors import Conflict, ServiceError
from app.web import problem_text
from app.web.blueprint import bp


def _timer(instance_id: int, timer_id: str) -> dict:
    instance = execution.get_instance(instance_id)
    found = next((t for t in timers.waiting(instance) if t["timer"] == timer_id), None)
    if found is None:
        raise Conflict(f"timer {timer_id} of process instance {instance_id} is not waiting",
                       code="timer_not_waiting", timer=timer_id)
    return found


def _page(instance_id: int, timer: dict, *, reason: str = "", refusal: str = ""):
    return render_template("admin/fire_timer.html", instance_id=instance_id, timer=timer,
                           reason=reason, refusal=refusal)


@bp.get("/admin/instances/<int:instance_id>/timers/<timer_id>/fire")
def confirm_fire_timer(instance_id: int, timer_id: str):
    permissions.require_admin(current_actor())
    return _page(instance_id, _timer(instance_id, timer_id))


@bp.post("/admin/instances/<int:instance_id>/timers/<timer_id>/fire")
def fire_timer(instance_id: int, timer_id: str):
    permissions.require_admin(current_actor())
    timer = _timer(instance_id, timer_id)
    reason = request.form.get("reason", "").strip()
    if not reason:
        return _page(instance_id, timer, refusal=problem_text.reason_required()), 400
    try:
        fired = timers.fire_now(instance_id, current_actor(), timer=timer_id, reason=reason)
    except ServiceError as err:
        db.session.rollback()
        return _page(instance_id, timer, reason=reason,
                     refusal=problem_text.for_people(err)), err.status
    outcome = "timers_fired" if fired else "timers_failed"
    return redirect(url_for("web.admin_instance", instance_id=instance_id, outcome=outcome),
                    code=303)
