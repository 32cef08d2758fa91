"""Joint approval (联审联办): who takes part, their deadlines, and what the process records.

The process (processes/joint_approval.bpmn) calls these through script functions and
effects; the lead window's actions on the board are in joint_board.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.models import Case, Department, Item, JointOpinion, db, utcnow
from app.models.joint import DECISION_STATES, DEEMED
from app.services import calendar, cases, catalog
from app.services.workflow import audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput


def branches(item: Item) -> list[dict]:
    """The lead department first, then each participating department, with its own limit
    (the item's promised limit unless the catalog gives one, as in "HEA:7")."""
    promised = float(item.promised_days)
    found = [{"department_id": item.department_id, "code": item.department.code,
              "name": item.department.name, "days": promised, "lead": True}]
    limits = dict(catalog.split_joint(entry) for entry in item.joint_departments)
    by_code = {d.code: d for d in db.session.scalars(
        sa.select(Department).where(Department.code.in_(limits)))}
    for code, days in limits.items():
        department = by_code.get(code)
        if department is None or department.id == item.department_id:
            continue
        found.append({"department_id": department.id, "code": code, "name": department.name,
                      "days": float(days) if days is not None else promised, "lead": False})
    return found


def start_variables(item: Item) -> dict:
    found = branches(item)
    return {"branches": found, "department_ids": [b["department_id"] for b in found]}


def schedule(accepted_at: str, found: list[dict], legal_days: float) -> dict:
    """Each department's deadline and reminder (one working day before), and the case's:
    the longest department's limit, within the legal limit. A script function."""
    cap = Decimal(str(legal_days))
    deadlines, reminders, longest = {}, {}, Decimal(0)
    for branch in found:
        days = min(Decimal(str(branch["days"])), cap)
        longest = max(longest, days)
        deadlines[str(branch["department_id"])] = _after(accepted_at, days)
        reminders[str(branch["department_id"])] = _after(accepted_at, max(days - 1, Decimal(0)))
    return {"deadlines": deadlines, "reminders": reminders,
            "case_deadline": _after(accepted_at, longest), "case_days": float(longest)}


def _after(start: str, days: Decimal) -> str:
    return calendar.add_working_days(start, days).isoformat()


def opinions(instance_id: int) -> list[JointOpinion]:
    """The case's opinions, lead department first."""
    return list(db.session.scalars(
        sa.select(JointOpinion).where(JointOpinion.instance_id == instance_id)
        .order_by(JointOpinion.lead.desc(), JointOpinion.id)))


def opinion_of(instance_id: int, department_id: int) -> JointOpinion:
    row = db.session.scalar(sa.select(JointOpinion).where(
        JointOpinion.instance_id == instance_id, JointOpinion.department_id == department_id))
    if row is None:
        raise InvalidInput(f"department {department_id} takes no part in joint case "
                           f"{instance_id}", code="not_a_joint_department")
    return row


# --- effects of the process's scripts (applied in the step's transaction) -----------------

def opened(case: Case, actor: Actor, found: list[dict], plan: dict) -> None:
    for branch in found:
        deadline = datetime.fromisoformat(plan["deadlines"][str(branch["department_id"])])
        db.session.add(JointOpinion(instance_id=case.instance_id,
                                    department_id=branch["department_id"], lead=branch["lead"],
                                    days=branch["days"], deadline_at=deadline, reminders=[]))
    audit.record(actor, "joint.opened", instance_id=case.instance_id,
                 departments=[b["department_id"] for b in found])


def opinion_given(case: Case, actor: Actor, given: dict) -> None:
    row = opinion_of(case.instance_id, given["department_id"])
    row.state = DECISION_STATES[given["decision"]]
    row.answered_at, row.answered_by = utcnow(), actor.user_id
    row.conditions, row.reasons = given["conditions"], given["reasons"]
    row.legal_basis = given["legal_basis"]
    audit.record(actor, "joint.opinion", instance_id=case.instance_id,
                 department_id=row.department_id, state=row.state)


def opinion_deemed(case: Case, actor: Actor, department_id: int) -> None:  # 缺席默认
    row = opinion_of(case.instance_id, department_id)
    row.state, row.overdue, row.answered_at = DEEMED, True, utcnow()
    row.reasons = "逾期未提出意见，按缺席默认制视为同意"
    name = row.department.name
    units = [u for u in (case.responsible_unit or "").split("、") if u]
    case.responsible_unit = "、".join(dict.fromkeys([*units, name]))[:120]
    audit.record(actor, "joint.deemed", instance_id=case.instance_id, department_id=department_id)
    cases.tell_staff(case, "deemed_approved", "超时默认通知书",
                     f"联办件 {case.case_no}「{case.item.name}」：{name}未在"
                     f"{cases.local_text(row.deadline_at)}前提出意见，按缺席默认制视为同意，由此产生"
                     "的一切后果由该部门承担。请在 1 个工作日内补报正式意见。",
                     department_id=department_id)


def department_overdue(case: Case, actor: Actor, department_id: int) -> None:  # 逾期督办
    row = opinion_of(case.instance_id, department_id)
    row.overdue = True
    audit.record(actor, "joint.overdue", instance_id=case.instance_id,
                 department_id=department_id)
    cases.tell_staff(case, "overdue", "逾期：联办意见已超过时限",
                     f"联办件 {case.case_no}「{case.item.name}」：{row.department.name}已超过时限"
                     "未提出意见，已报中心督办。", admins=True, department_id=department_id)


def reminded(case: Case, actor: Actor, department_id: int, automatic: bool = True) -> None:
    """催办: one working day before the deadline, or whenever the lead window asks."""
    row = opinion_of(case.instance_id, department_id)
    row.reminders = [*row.reminders, {"at": utcnow().isoformat(), "by": actor.user_id,
                                      "automatic": automatic}]
    audit.record(actor, "joint.reminded", instance_id=case.instance_id,
                 department_id=department_id, automatic=automatic)
    cases.tell_staff(case, "reminder", "催办：联办件待提出意见",
                     f"联办件 {case.case_no}「{case.item.name}」请于"
                     f"{cases.local_text(row.deadline_at)}前提出意见，逾期按缺席默认制处理。",
                     department_id=department_id)


def formal_opinion(case: Case, actor: Actor, department_id: int, decision: str,
                   reasons: str) -> None:
    """The formal opinion a deemed department files afterwards; the deemed one stands."""
    row = opinion_of(case.instance_id, department_id)
    row.formal_state, row.formal_reasons, row.formal_at = (DECISION_STATES[decision], reasons,
                                                           utcnow())
    audit.record(actor, "joint.formal_opinion", instance_id=case.instance_id,
                 department_id=department_id, state=row.formal_state)


def coordinated(case: Case, actor: Actor, outcome: str, notes: str) -> None:  # 协调
    audit.record(actor, "joint.coordinated", instance_id=case.instance_id, outcome=outcome,
                 notes=notes)


def extension_decided(case: Case, actor: Actor, extension: dict, approved: bool,
                      note: str) -> None:  # 延期
    """Versions of joint_approval deployed before extensions moved to case_clock decided
    them in the process; their open approvals still end here."""
    audit.record(actor, "joint.extension_decided", instance_id=case.instance_id,
                 approved=approved, days=extension["days"], note=note)
    if not approved:
        cases.tell_staff(case, "extension_refused", "延期申请未获批准",
                         f"联办件 {case.case_no} 的延期申请未获批准。{note}")
        return
    case.deadline_at = calendar.add_working_days(case.deadline_at, extension["days"])
    cases.tell(case, "extended", "延长审批期限通知书",
               f"您申请的「{case.item.name}」（办件编号 {case.case_no}）因{extension['reason']}，"
               f"经批准延长 {extension['days']} 个工作日，将于{cases.local_text(case.deadline_at)}"
               "前办结。")


EFFECTS = {
    "joint_opened": opened,
    "joint_opinion_given": opinion_given,
    "joint_opinion_deemed": opinion_deemed,
    "joint_department_overdue": department_overdue,
    "joint_reminded": reminded,
    "joint_formal_opinion": formal_opinion,
    "joint_coordinated": coordinated,
    "joint_extension_decided": extension_decided,
}
