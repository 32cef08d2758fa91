"""制证: who makes an approval's licence (seed 003: 办理事项制证权).

A department grants its window the power to make certificates (制证权) over an item by letter
(授权书). The licence is made when the approval is handed over (办结送达, the step whose
completion concludes the case): by the window under a letter granting the power, whose number
the licence keeps (made_under), or by the department's approving leader, who delivers it
himself when the window has no 投递权 either. A window without 制证权 may not hand over what it
may not make: its delivery is refused (`licence_not_made`) and stays with it, the leaders are
told, and one of them makes the licence first (the case page, `POST /api/cases/<id>/licence`).
A case concluded with no one delivering (超时默认 by the clock) has its licence made under the
window's letter, or waits 待制证 for the leaders.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.models import AuditEvent, AuthorizationLetter, Case, HumanTask, Licence, User, db, utcnow
from app.models.authorization import CERTIFICATE
from app.models.delivery import DELIVERY_FORMS
from app.models.identity import APPROVING_LEADER, CHIEF_REPRESENTATIVE, WINDOW_CLERK
from app.models.task import OPEN
from app.services import authorization, calendar
from app.services.cases import licences
from app.services.organization import routing
from app.services.workflow import audit, execution, instances, notifications, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, NotFound

WINDOW_ROLES = (WINDOW_CLERK, CHIEF_REPRESENTATIVE)


def register() -> None:
    # It commits the leaders' notice before refusing: it runs before the other checks.
    tasks.guard_completion(made_before_delivery, moves_the_task=True)


def window_letter(case: Case, day: date) -> AuthorizationLetter | None:
    """The letter in force on `day` granting the window 制证权 over the case's item."""
    return authorization.granting_letter(CERTIFICATE, case.item.department_id, case.item.code,
                                         day)


def outcome(case: Case) -> str | None:
    """The decision, before 办结 records it on the case (the process's `decision`). The
    workflow is read only while its delivery is open: the case page asks of every case."""
    if case.decision:
        return case.decision
    delivering = db.session.scalar(sa.select(HumanTask.id).where(
        HumanTask.instance_id == case.instance_id, HumanTask.state == OPEN,
        HumanTask.form_schema.in_(DELIVERY_FORMS)).limit(1))
    if delivering is None:
        return None
    return instances.variables(execution.get_instance(case.instance_id)).get("decision")


def awaiting(case: Case | None) -> bool:
    """待制证: approved (or deemed approved), its licence not yet made."""
    return (case is not None and outcome(case) in licences.APPROVALS
            and licences.of_case(case.instance_id) is None)


def at_conclusion(case: Case, actor: Actor) -> Licence | None:
    """At 办结: the licence made by whoever concluded it if they may, else under the window's
    letter, else the case is left 待制证 for the leaders."""
    if case.decision not in licences.APPROVALS or not awaiting(case):
        return licences.of_case(case.instance_id)
    today = calendar.today()
    if actor.user is not None and refusal(actor.user, case, today) is None:
        return make(case, actor)
    letter = window_letter(case, today)
    if letter is not None:
        return licences.issue_on_approval(case, actor, made_under=letter.number)
    audit.record(actor, "licence.awaiting", instance_id=case.instance_id,
                 reason=_no_power(case, today))
    _tell_leaders(case)
    return None


def _tell_leaders(case: Case) -> None:
    body = (f"办件 {case.case_no}「{case.item.name}」已准予许可，窗口无该事项的制证权，"
            "请分管领导制证后由窗口送达。")
    for leader in routing.holders(APPROVING_LEADER, case.item.department_id):
        notifications.tell_user(leader, "licence_awaiting", "待制证", body, case.instance_id)


def refusal(user: User | None, case: Case, day: date) -> str | None:
    """Why `user` may not make the case's licence on `day`; None if they may: the
    department's approving leader, or its window under a letter granting 制证权."""
    department_id = case.item.department_id
    if user is not None and user.has_role(APPROVING_LEADER, department_id):
        return None
    at_window = user is not None and any(user.has_role(role, department_id)
                                         for role in WINDOW_ROLES)
    if at_window and window_letter(case, day) is not None:
        return None
    if at_window:
        return f"{_no_power(case, day)}，证照由分管领导制作"
    return "只有承办部门的分管领导或获制证权授权的窗口可以制证"


def make(case: Case, actor: Actor) -> Licence:
    """制证 by a person; the caller's transaction (no commit)."""
    if outcome(case) not in licences.APPROVALS:
        raise Conflict(f"case {case.case_no} has no approval: it has no licence",
                       code="licence_not_due")
    if not awaiting(case):
        raise Conflict(f"the licence of case {case.case_no} is made already",
                       code="licence_already_made")
    today = calendar.today()
    reason = refusal(actor.user, case, today)
    if reason is not None:
        raise Forbidden(reason, code="certificate_power_missing")
    letter = None if actor.user.has_role(APPROVING_LEADER, case.item.department_id) \
        else window_letter(case, today)
    return licences.issue(case, actor, case.concluded_at or utcnow(), made_by=actor.user_id,
                          made_under=letter.number if letter else "")


def make_now(instance_id: int, actor: Actor) -> Licence:
    """The case page's and the API's 制证."""
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == instance_id)
                             .with_for_update(of=Case))
    if case is None:
        raise NotFound(f"case {instance_id} does not exist", code="case_not_found")
    licence = make(case, actor)
    db.session.commit()
    return licence


def made_before_delivery(task: HumanTask, actor: Actor, data: dict) -> None:
    """An approval is handed over with its licence: made already, or made at 办结 by whoever
    delivers it if they may make it; otherwise the delivery is refused, the leaders told once
    (committed: the refusal rolls back the rest) and the task stays where it is."""
    if task.form_schema not in DELIVERY_FORMS:
        return
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == task.instance_id))
    if not awaiting(case):
        return
    reason = refusal(actor.user, case, calendar.today())
    if reason is None:
        return  # made at 办结, which this completion reaches
    asked = db.session.scalar(sa.select(AuditEvent.id).where(
        AuditEvent.action == "licence.requested", AuditEvent.instance_id == case.instance_id))
    if asked is None:
        audit.record(actor, "licence.requested", instance_id=case.instance_id, reason=reason)
        _tell_leaders(case)
        db.session.commit()
    raise Forbidden(f"{reason}；制证后方可送达", code="licence_not_made")


def _no_power(case: Case, day: date) -> str:
    letter = authorization.valid_letter(case.item.department_id, day)
    if letter is None:
        return f"本部门 {day.isoformat()} 无有效授权书"
    return f"授权书 {letter.number} 未授予事项 {case.item.code} 的制证权"
