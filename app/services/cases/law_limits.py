"""The time limits the law and seed 004 set around a case's intake and decision, as effects.

- 行政许可法 art. 32: an application neither accepted, refused nor answered with a 一次性告知
  within 5 working days of its receipt counts as accepted from the day it was received
  (逾期自动受理). The window is warned the working day before.
- Seed 004 (审批时限): a department decides within 2 working days of acceptance unless the
  item needs 现场踏勘, 专家论证, 前置审批, 上报上级 or is a 特殊事项; major and investment
  projects (重大项目及招商引资项目) within 30. Passing that limit flags the case; the promised
  deadline stays as it was.
- A 即办件 not decided on the day of its acceptance is flagged.

The timers are in the BPMN (counted with add_working_days, so the deadline ledger keeps
them); this module says what each one means for the case. Flags are raised once.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from app.models import Case, HumanTask, db, utcnow
from app.models.case import CASE_FLAGS
from app.models.identity import APPROVING_LEADER, CENTER_ADMIN, CHIEF_REPRESENTATIVE, WINDOW_CLERK
from app.models.task import OPEN
from app.services import cases
from app.services.authorization import window_powers
from app.services.organization import routing
from app.services.workflow import audit, notifications, rescheduling
from app.services.workflow.actor import Actor

AUTO_ACCEPTED = "逾期自动受理"
ART_32 = ("依《中华人民共和国行政许可法》第三十二条，行政机关自收到申请材料之日起五日内"
          "未告知申请人补正的，自收到申请材料之日起即为受理")


def register() -> None:
    """The case's copy of its decision limit moves with the instance's deadlines."""
    rescheduling.mirror(Case.decision_limit_at, Case.instance_id)


def intake_recorded(case: Case, actor: Actor, major_project: bool = False) -> None:
    """What only the window's intake review fixes on the case: whether it is a major or
    investment project. Later forms cannot send the value (forms.PROCESS_OWNED)."""
    value = major_project is True
    if case.major_project != value:
        case.major_project = value
        audit.record(actor, "case.major_project", instance_id=case.instance_id,
                     major_project=value)


def intake_warned(case: Case, actor: Actor, due_at: str) -> None:  # 受理期限预警
    audit.record(actor, "case.intake_warning", instance_id=case.instance_id, due_at=due_at)
    body = (f"「{case.item.name}」的申请（申请人 {case.applicant_name}）于"
            f"{cases.local_text(case.received_at)}收到，尚未受理、不予受理或一次性告知补正。"
            f"{cases.local_text(due_at)}前仍未作出的，自收到申请材料之日起即为受理（逾期自动受理）。")
    _tell_window(case, "intake_warning", "预警：申请即将逾期自动受理", body)


def auto_accepted(case: Case, actor: Actor, deadline_at: str, accepted_at: str) -> None:
    """逾期自动受理: accepted as the normal path does, dated the day it was received."""
    case.auto_accepted = True
    # The law deems it accepted whoever holds 受理决定权; the record says whether a letter did.
    audit.record(actor, "case.auto_accepted", instance_id=case.instance_id,
                 accepted_at=accepted_at, deadline_at=deadline_at,
                 note=window_powers.auto_acceptance_note(case.item.department_id, case.item.code))
    cases.accepted(case, actor, deadline_at, accepted_at=accepted_at,
                   why=f"{AUTO_ACCEPTED}：{ART_32}")
    _tell_window(case, "auto_accepted", "逾期自动受理",
                 f"「{case.item.name}」的申请（申请人 {case.applicant_name}）收到后五个工作日内"
                 f"未作答复，已自{cases.local_text(case.accepted_at)}起视为受理，办件编号 "
                 f"{case.case_no}，将于{cases.local_text(case.deadline_at)}前办结。")


def decision_limit_set(case: Case, actor: Actor, limit_at: str = "") -> None:
    """The department's own limit, where seed 004 sets one shorter than the promised time."""
    case.decision_limit_at = datetime.fromisoformat(limit_at) if limit_at else None


def decision_limit_passed(case: Case, actor: Actor) -> None:  # 超过部门审批时限
    if case.decision_limit_exceeded or case.concluded_at is not None:
        return
    case.decision_limit_exceeded = True
    limit = "30" if case.major_project else "2"
    what = "重大项目及招商引资项目" if case.major_project else "部门审批事项"
    text = (f"{CASE_FLAGS['decision_limit_exceeded']}：{what}应在受理后 {limit} 个工作日内"
            f"作出决定，本件至{cases.local_text(case.decision_limit_at or utcnow())}仍未决定"
            f"（承诺时限不变，{cases.local_text(case.deadline_at)}前办结）")
    _flagged(case, actor, "decision_limit_exceeded", text)
    _tell(case, (APPROVING_LEADER,), "decision_limit_exceeded", "超过部门审批时限",
          f"办件 {case.case_no}「{case.item.name}」{text}。")


def spot_not_decided(case: Case, actor: Actor) -> None:  # 即办件未当日办结
    if case.spot_not_decided or case.concluded_at is not None:
        return
    case.spot_not_decided = True
    text = (f"{CASE_FLAGS['spot_not_decided']}：受理当日"
            f"（{cases.local_text(case.accepted_at or utcnow())}受理）未作出决定")
    _flagged(case, actor, "spot_not_decided", text)
    _tell(case, (CHIEF_REPRESENTATIVE, APPROVING_LEADER), "spot_not_decided",
          "即办件未当日办结", f"即办件 {case.case_no}「{case.item.name}」{text}，请督促办理。")


def _flagged(case: Case, actor: Actor, flag: str, text: str) -> None:
    """A flag is an entry in the case's history (its status unchanged) and an audit event."""
    case.history = [*case.history, {"code": case.status_code, "at": utcnow().isoformat(),
                                    "note": text, "flag": flag}]
    audit.record(actor, f"case.{flag}", instance_id=case.instance_id, note=text)


def _tell(case: Case, roles: tuple[str, ...], kind: str, subject: str, body: str) -> None:
    """The department's holders of `roles`, and the center's administrators (督办)."""
    people = {u.id: u for role in roles for u in routing.holders(role, case.item.department_id)}
    people.update({u.id: u for u in routing.holders(CENTER_ADMIN, None)})
    for user in people.values():
        notifications.tell_user(user, kind, subject, body, case.instance_id)


def _tell_window(case: Case, kind: str, subject: str, body: str) -> None:
    """Those who may take the open intake review, else the department's windows."""
    task = db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == case.instance_id, HumanTask.name == "intake",
        HumanTask.state == OPEN))
    if task is not None:
        notifications.tell_candidates(task, kind, subject, body)
        return
    for user in routing.holders(WINDOW_CLERK, case.item.department_id):
        notifications.tell_user(user, kind, subject, body, case.instance_id)


EFFECTS = {
    "case_intake_recorded": intake_recorded,  # 重大/投资项目, fixed at intake
    "case_intake_warned": intake_warned,  # art. 32 预警
    "case_auto_accepted": auto_accepted,  # art. 32 逾期自动受理
    "case_decision_limit_set": decision_limit_set,  # seed 004 审批时限
    "case_decision_limit_passed": decision_limit_passed,
    "case_spot_not_decided": spot_not_decided,  # 即办件未当日办结
}
