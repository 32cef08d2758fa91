"""容缺受理: accepting a case whose only missing materials are ones the catalog marks 可容缺.

The applicant signs a 容缺受理承诺书 and promises to bring them by a supplement deadline:
working days from acceptance (LENIENT_SUPPLEMENT_WORKING_DAYS), at most 20 and at least two
working days shorter than the promised time (Shenzhen rules, domain reference §5). The clock
starts at acceptance; the result is held at 办结送达 until the materials are in; a reminder
goes out LENIENT_REMINDER_WORKING_DAYS before the deadline, and a case whose materials never
come is terminated. Approved, it concludes with status 12 办结（容缺通过）.

The process asks `lenient_deferral` at 核对材料 (the form only says that the applicant signed;
what is missing and deferrable comes from the catalog), and `case_lenient_accepted` records
the acceptance after 受理, checking the catalog again.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.models import Case, HumanTask, LenientAcceptance, User, db, utcnow
from app.models.process import RUNNING, SUSPENDED, TERMINATED
from app.services import calendar, cases
from app.services.cases import clock as case_clock
from app.services.supervision import sweep
from app.services.workflow import audit, execution, instances, task_context, task_sync, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound

MAX_SUPPLEMENT_DAYS = 20  # Shenzhen 2019: at most 20 working days
MARGIN_DAYS = 2  # ... and at least 2 working days shorter than the promised time
APPROVALS = ("approve", "deemed_approved")
TERMINATED_NOTE = "容缺材料逾期未补齐，终止办理"
# What the 办结送达 task shows of a 容缺 case (display names pages translate).
LABELS = {"lenient": "容缺受理", "deferred": "待补交的容缺材料", "due": "补正期限",
          "held": "材料补齐前不能送达准予许可的结果；补齐后在办件页面登记。",
          "received": "容缺材料已补齐", "delivery": "送达"}


class MaterialsOutstanding(Conflict):
    status, code, title = 409, "lenient_materials_outstanding", \
        "The result is held until the deferred materials are received"


def register() -> None:
    tasks.guard_completion(hold_delivery)
    task_context.provide(("window_deliver", "service_item_deliver"), delivery_context)


def delivery_context(task: HumanTask) -> list[task_context.Section]:
    """办结送达 of a 容缺 case: what is still to come, and that the result waits for it."""
    case = cases.case_of(task.instance_id)
    record = of(case) if case is not None else None
    if record is None:
        return []
    if not record.pending:
        return [task_context.Section(LABELS["lenient"], [task_context.Entry(
            LABELS["received"], when=record.received_at or record.terminated_at)])]
    names = "、".join(case.material_names(record.deferred))
    return [task_context.Section(LABELS["lenient"], [
        task_context.Entry(LABELS["deferred"], names),
        task_context.Entry(LABELS["due"], when=record.supplement_due_at),
        task_context.Entry(LABELS["delivery"], LABELS["held"], translate=True)])]


def supplement_days(promised_days: float) -> int:
    """The case's supplement window in working days; below 1 the item cannot be 容缺."""
    return min(int(current_app.config["LENIENT_SUPPLEMENT_WORKING_DAYS"]), MAX_SUPPLEMENT_DAYS,
               int(promised_days) - MARGIN_DAYS)


def deferral(missing: list, deferrable: list, promised_days: float, signed) -> list:
    """What 核对材料 may accept without (script function): every missing material, when all
    are deferrable, the applicant signed and the promised time leaves room; else nothing."""
    if not missing or signed is not True or supplement_days(promised_days) < 1:
        return []
    return list(missing) if all(code in deferrable for code in missing) else []


def of(case: Case) -> LenientAcceptance | None:
    return db.session.get(LenientAcceptance, case.id)


def accepted(case: Case, actor: Actor, deferred: list) -> None:  # 容缺受理 (after 受理)
    if not deferred:
        return
    allowed = {m["code"] for m in case.item.materials if m.get("required") and m.get("deferrable")}
    days = supplement_days(case.item.promised_days)
    if days < 1 or not set(deferred) <= allowed:
        raise InvalidInput("the item does not allow 容缺 for these materials",
                           code="lenient_not_allowed")
    reminder = int(current_app.config["LENIENT_REMINDER_WORKING_DAYS"])
    record = LenientAcceptance(
        case_id=case.id, instance_id=case.instance_id, deferred=list(deferred),
        accepted_by=actor.user_id, supplement_days=days,
        supplement_due_at=calendar.add_working_days(case.accepted_at, days),
        # from the start of the working day `reminder` days before the deadline's
        remind_at=calendar.add_working_days(case.accepted_at, max(days - reminder - 1, 0)))
    db.session.add(record)
    audit.record(actor, "case.lenient_accepted", instance_id=case.instance_id,
                 deferred=list(deferred), due_at=record.supplement_due_at.isoformat())
    cases.tell(case, "lenient_accepted", "容缺受理通知书",
               f"您申请的「{case.item.name}」已容缺受理（办件编号 {case.case_no}）。请按您签署的"
               f"容缺受理承诺书，于{cases.local_text(record.supplement_due_at)}前补交："
               f"{'、'.join(case.material_names(deferred))}。材料补齐前不送达办理结果；"
               "逾期未补齐的，终止办理。")


def record_received(instance_id: int, actor: Actor) -> LenientAcceptance:
    """The window records that the deferred materials were brought (confirmed on the page)."""
    case = cases.case_of(instance_id)
    if case is None:
        raise NotFound(f"process instance {instance_id} is not a case", code="case_not_found")
    case_clock.require_handler(case, actor.user)
    record = of(case)
    if record is None or not record.pending:
        raise Conflict("no deferred materials are outstanding on this case",
                       code="lenient_not_pending")
    record.received_at, record.received_by = utcnow(), actor.user_id
    audit.record(actor, "case.lenient_received", instance_id=instance_id,
                 materials=list(record.deferred))
    db.session.commit()
    return record


def hold_delivery(task: HumanTask, actor: Actor, data: dict) -> None:
    """办结送达 of an approval waits for the deferred materials (a denial goes out as usual)."""
    if task.name != "deliver":
        return
    record = db.session.scalar(sa.select(LenientAcceptance).where(
        LenientAcceptance.instance_id == task.instance_id))
    if record is None or not record.pending:
        return
    case = cases.case_of(task.instance_id)
    variables = instances.variables(execution.get_instance(task.instance_id))
    if (case.decision or variables.get("decision")) in APPROVALS:
        names = "、".join(case.material_names(record.deferred))
        raise MaterialsOutstanding(f"deferred materials not yet received: {names}")


@sweep.step("lenient_supplement_deadlines")
def watch(now: datetime) -> int:
    """Reminds before the supplement deadline and terminates the cases that passed it."""
    actor, done = Actor.system("lenient-watch"), 0
    rows = db.session.scalars(sa.select(LenientAcceptance).join(
        Case, Case.id == LenientAcceptance.case_id).where(
        LenientAcceptance.received_at.is_(None), LenientAcceptance.terminated_at.is_(None),
        Case.concluded_at.is_(None), LenientAcceptance.remind_at <= now))
    for record in list(rows):
        case = db.session.get(Case, record.case_id)
        if record.supplement_due_at <= now:
            terminate(case, record, actor, now)
        elif record.reminded_at is None:
            remind(case, record, actor, now)
        else:
            continue
        done += 1
    return done


def remind(case: Case, record: LenientAcceptance, actor: Actor, now: datetime) -> None:
    record.reminded_at = now
    audit.record(actor, "case.lenient_reminded", instance_id=case.instance_id)
    text = (f"「{case.item.name}」（办件编号 {case.case_no}）容缺受理的材料"
            f"{'、'.join(case.material_names(record.deferred))}尚未补交，补正期限为"
            f"{cases.local_text(record.supplement_due_at)}，逾期将终止办理。")
    cases.tell(case, "lenient_reminder", "容缺材料补交提醒", "您申请的" + text)
    cases.tell_staff(case, "lenient_reminder", "容缺材料补交提醒", "办件" + text)


def terminate(case: Case, record: LenientAcceptance, actor: Actor, now: datetime) -> None:
    """The deadline passed without the materials: the process ends, the approval with it."""
    instance = execution.lock_instance(case.instance_id)
    if instance.state in (RUNNING, SUSPENDED):
        instance.state, instance.ended_at, instance.next_timer_at = TERMINATED, now, None
        task_sync.cancel_all(instance, actor)
        audit.record(actor, "instance.terminated", instance_id=instance.id,
                     reason=TERMINATED_NOTE)
    record.terminated_at = now
    case.concluded_at, case.decision = now, "lenient_terminated"
    cases.set_status(case, 13, actor, TERMINATED_NOTE)
    cases.tell(case, "lenient_terminated", "终止办理通知",
               f"您申请的「{case.item.name}」（办件编号 {case.case_no}）为容缺受理，承诺补交的材料"
               f"{'、'.join(case.material_names(record.deferred))}未在"
               f"{cases.local_text(record.supplement_due_at)}前补齐，依容缺受理承诺书终止办理。"
               f"{cases.REMEDY_RIGHTS}")


def received_by_name(record: LenientAcceptance) -> str | None:
    user = db.session.get(User, record.received_by) if record.received_by else None
    return user.display_name if user else None
