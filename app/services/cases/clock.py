"""A case's clock after acceptance: 延期 and pauses (行政许可法 art. 42 and 45).

- Art. 42: a decision due in 20 days may be extended by 10 with the approval of the head of
  the agency (the department's approving leader); a joint case (45 days) by 15, approved by
  the county government (the `county_approver` role). Extensions add up against that cap,
  however many requests there are, so the 法定时限 holds after every extension.
- Art. 45: the time a 特别程序 takes (听证, 招标, 拍卖, 检验, 检测, 检疫, 鉴定, 专家评审) does
  not count. The handler starts and ends one; the case's deadlines move by the expected
  duration at once (so no timer fires in the middle of a hearing), are held one more working
  day whenever the procedure runs longer (case_clock_watch), and at its end are set by the
  working days it lasted. Where an item says so, a 补正 after acceptance pauses the same way.

Every move goes through calendar_changes.postpone, under the instance's lock: the case's
deadline, its tasks' due dates, the joint departments' limits and the waiting timers.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.models import Case, CaseClockEvent, ProcessInstance, User, db, utcnow
from app.models.case_clock import (APPROVED, CORRECTION, ENDED, EXTENSION, PAUSE_KINDS, REFUSED,
                                   REQUESTED, RUNNING, SPECIAL)
from app.models.catalog import JOINT
from app.models.identity import APPROVING_LEADER, COUNTY_APPROVER, DEPARTMENT_ROLES
from app.models.process import RUNNING as INSTANCE_RUNNING
from app.services import calendar, cases
from app.services.cases import documents
from app.services.calendar import changes as calendar_changes
from app.services.organization import routing
from app.services.workflow import audit, execution, instances, notifications
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

EXTENSION_CAP = 10  # art. 42 para. 1
JOINT_EXTENSION_CAP = 15  # art. 42 para. 2
MAX_PAUSE_DAYS = 250  # an expected duration longer than a working year is a typing error
MAX_REASON = 2000
PROCEDURES = {"hearing": "听证", "tender": "招标", "auction": "拍卖", "inspection": "检验",
              "testing": "检测", "quarantine": "检疫", "appraisal": "鉴定",
              "expert_review": "专家评审"}
# Case status codes a pause passes through (国标_事项办理状态): started, ended.
PAUSE_CODES = {SPECIAL: (9, 10), CORRECTION: (6, 7)}
PAUSE_NAMES = {SPECIAL: "特别程序", CORRECTION: "补正"}


class ClockRefused(InvalidInput):
    """Well formed, but the law does not allow it (beyond the cap, no such pause)."""
    status, title = 422, "Not allowed by the time limits"


@dataclass(frozen=True)
class Rule:
    cap: int  # working days all extensions of the case may add together
    approver_role: str
    approver_department_id: int | None  # None: a center-wide role


def register() -> None:
    """The approver of a case's extension has a part in the case (pages and API alike)."""
    instances.also_viewable_by(decides_for)


def rule_for(case: Case) -> Rule:
    if case.item.kind == JOINT:
        return Rule(JOINT_EXTENSION_CAP, COUNTY_APPROVER, None)
    return Rule(EXTENSION_CAP, APPROVING_LEADER, case.item.department_id)


def events(instance_id: int, kind: str | None = None) -> list[CaseClockEvent]:
    query = sa.select(CaseClockEvent).where(CaseClockEvent.instance_id == instance_id)
    if kind is not None:
        query = query.where(CaseClockEvent.kind == kind)
    return list(db.session.scalars(query.order_by(CaseClockEvent.id)))


def extended_days(instance_id: int, found: list[CaseClockEvent] | None = None) -> int:
    """Working days approved extensions added (`found`: the case's events, already read)."""
    found = events(instance_id) if found is None else found
    return sum(e.moved_days for e in found if e.kind == EXTENSION and e.state == APPROVED)


def running_pause(instance_id: int,
                  found: list[CaseClockEvent] | None = None) -> CaseClockEvent | None:
    found = events(instance_id) if found is None else found
    return next((e for e in found if e.kind in PAUSE_KINDS and e.state == RUNNING), None)


def statutory_deadline(case: Case):
    """法定时限: the promised deadline moves with every extension and pause, and the law's
    limit with the same ones, so it lies (legal − promised) working days after it."""
    if case.deadline_at is None:
        return None
    return calendar.shift_working_days(case.deadline_at,
                                       case.item.legal_days - case.item.promised_days)


def may_handle(user: User | None, case: Case) -> bool:
    """The accepting department's staff (its windows lead a joint case), or an administrator."""
    if user is None:
        return False
    scopes = routing.scopes(user)
    return user.is_admin or any((role, case.item.department_id) in scopes
                                for role in DEPARTMENT_ROLES)


def may_approve(user: User | None, rule: Rule) -> bool:
    return user is not None and (rule.approver_role, rule.approver_department_id) in \
        routing.scopes(user)


def decides_for(user: User | None, instance_id: int) -> bool:
    """Whether `user` is the approver of an extension asked for on this case."""
    case = cases.case_of(instance_id)
    return case is not None and bool(events(instance_id, EXTENSION)) and \
        may_approve(user, rule_for(case))


def require_handler(case: Case, user: User | None) -> None:
    if not may_handle(user, case):
        raise Forbidden("only the department handling the case may do this",
                        code="not_case_handler")


def require_approver(case: Case, user: User | None) -> None:
    rule = rule_for(case)
    if not may_approve(user, rule):
        raise Forbidden(f"only the {rule.approver_role} decides this extension (art. 42)",
                        code="not_extension_approver")


# --- extensions (延期) ----------------------------------------------------------------

def request_extension(instance_id: int, days: object, reason: object,
                      actor: Actor) -> CaseClockEvent:
    case = _open_case(instance_id, actor)
    rule, found = rule_for(case), events(instance_id)
    left = rule.cap - extended_days(instance_id, found)
    days = _whole_days(days, "days", 1, rule.cap)
    reason = _reason(reason)
    if any(e.kind == EXTENSION and e.state == REQUESTED for e in found):
        raise Conflict("an extension request of this case is waiting for a decision",
                       code="extension_pending")
    _refuse_beyond_cap(days, left, rule)
    event = CaseClockEvent(instance_id=instance_id, kind=EXTENSION, state=REQUESTED, days=days,
                           reason=reason, approver_role=rule.approver_role,
                           requested_by=actor.user_id)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "case.extension_requested", instance_id=instance_id, event_id=event.id,
                 days=days, reason=reason)
    _tell_approvers(case, rule, f"办件 {case.case_no}「{case.item.name}」申请延期 {days} 个"
                                f"工作日，理由：{reason}。请审批。")
    db.session.commit()
    return event


def decide_extension(event_id: int, approve: object, note: object,
                     actor: Actor) -> CaseClockEvent:
    event = _event(event_id, EXTENSION)
    case = _open_case(event.instance_id, actor, handler=False)
    rule = rule_for(case)
    require_approver(case, actor.user)
    if event.state != REQUESTED:
        raise Conflict(f"extension {event_id} is already {event.state}",
                       code="extension_decided")
    if not isinstance(approve, bool):
        raise InvalidInput("approve must be true or false",
                           errors=[{"field": "approve", "message": "expected a boolean"}])
    note = note.strip()[:MAX_REASON] if isinstance(note, str) else ""
    if approve:
        _refuse_beyond_cap(event.days, rule.cap - extended_days(case.instance_id), rule)
    event.state, event.note = (APPROVED if approve else REFUSED), note
    event.decided_by, event.decided_at = actor.user_id, utcnow()
    audit.record(actor, "case.extension_decided", instance_id=case.instance_id,
                 event_id=event.id, approved=approve, days=event.days, note=note)
    if approve:
        _extend(case, event, actor)
    else:
        cases.tell_staff(case, "extension_refused", "延期申请未获批准",
                         f"办件 {case.case_no} 的延期申请未获批准。{note}")
    db.session.commit()
    return event


def _extend(case: Case, event: CaseClockEvent, actor: Actor) -> None:
    calendar_changes.postpone(case.instance_id, event.days, actor, kind=calendar_changes.EXTENSION,
                              reason=f"经批准延期 {event.days} 个工作日（{event.reason}）")
    event.moved_days = event.days
    event.notice_no = _notice_number(case, event)
    cases.tell(case, "extended", "延长审批期限通知书",
               f"您申请的「{case.item.name}」（办件编号 {case.case_no}）因{event.reason}，"
               f"经批准延长 {event.days} 个工作日，将于{cases.local_text(case.deadline_at)}"
               "前作出决定。")


def _refuse_beyond_cap(days: int, left: int, rule: Rule) -> None:
    if days > left:
        raise ClockRefused(
            f"the law allows {rule.cap} working days of extension in all; {left} are left",
            code="extension_beyond_limit",
            errors=[{"field": "days", "message": f"至多还可延长 {left} 个工作日"}])


# --- pauses (特别程序, 补正) -----------------------------------------------------------

def start_pause(instance_id: int, kind: object, procedure: object, days: object,
                reason: object, actor: Actor) -> CaseClockEvent:
    case = _open_case(instance_id, actor)
    if kind not in PAUSE_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(PAUSE_KINDS)}",
                           errors=[{"field": "kind", "message": "unknown kind"}])
    if kind == SPECIAL and not (isinstance(procedure, str) and procedure in PROCEDURES):
        raise InvalidInput(f"procedure must be one of {', '.join(PROCEDURES)}",
                           errors=[{"field": "procedure", "message": "unknown procedure"}])
    if kind == CORRECTION and not case.item.correction_pauses:
        raise ClockRefused(f"a 补正 does not pause the clock of {case.item.code}",
                           code="correction_does_not_pause")
    days = _whole_days(days, "days", 1, MAX_PAUSE_DAYS)
    reason = _reason(reason)
    if running_pause(instance_id) is not None:
        raise Conflict("the clock of this case is already paused", code="pause_running")
    event = CaseClockEvent(instance_id=instance_id, kind=kind, state=RUNNING, days=days,
                           procedure=procedure if kind == SPECIAL else "", reason=reason,
                           requested_by=actor.user_id)
    db.session.add(event)
    db.session.flush()
    what = _pause_title(event)
    calendar_changes.postpone(instance_id, days, actor, kind=calendar_changes.PAUSE,
                              reason=f"{what}开始，预计 {days} 个工作日（{reason}）")
    event.moved_days, event.notice_no = days, _notice_number(case, event)
    cases.set_status(case, PAUSE_CODES[kind][0], actor, f"{what}：{reason}")
    audit.record(actor, "case.pause_started", instance_id=instance_id, event_id=event.id,
                 kind=kind, procedure=event.procedure, days=days)
    cases.tell(case, "paused", f"{what}告知书",
               f"您申请的「{case.item.name}」（办件编号 {case.case_no}）需要进行{what}，预计 "
               f"{days} 个工作日。{what}所需时间不计算在办理期限内。")
    db.session.commit()
    return event


def end_pause(event_id: int, note: object, actor: Actor) -> CaseClockEvent:
    event = _event(event_id, None)
    if event.kind not in PAUSE_KINDS:
        raise NotFound(f"pause {event_id} does not exist", code="pause_not_found")
    case = _open_case(event.instance_id, actor)
    if event.state != RUNNING:
        raise Conflict(f"pause {event_id} has already ended", code="pause_ended")
    lasted = max(0, calendar.working_days_between(event.requested_at, utcnow()))
    what = _pause_title(event)
    if lasted != event.moved_days:
        calendar_changes.postpone(case.instance_id, lasted - event.moved_days, actor,
                                  kind=calendar_changes.PAUSE,
                                  reason=f"{what}结束，实际 {lasted} 个工作日")
    event.state, event.moved_days = ENDED, lasted
    event.note = note.strip()[:MAX_REASON] if isinstance(note, str) else ""
    event.decided_by, event.decided_at = actor.user_id, utcnow()
    cases.set_status(case, PAUSE_CODES[event.kind][1], actor,
                     f"{what}结束，历时 {lasted} 个工作日，不计入办理期限")
    audit.record(actor, "case.pause_ended", instance_id=case.instance_id, event_id=event.id,
                 lasted=lasted)
    cases.tell(case, "pause_ended", f"{what}结束",
               f"您申请的「{case.item.name}」（办件编号 {case.case_no}）的{what}已结束，"
               f"历时 {lasted} 个工作日，将于{cases.local_text(case.deadline_at)}前作出决定。")
    db.session.commit()
    return event


def _pause_title(event: CaseClockEvent) -> str:
    if event.kind == SPECIAL:
        return f"特别程序（{PROCEDURES[event.procedure]}）"
    return PAUSE_NAMES[event.kind]


# --- shared checks --------------------------------------------------------------------

def _open_case(instance_id: int, actor: Actor, *, handler: bool = True) -> Case:
    """The case, locked, accepted and not yet decided; its handler acting when `handler`."""
    instance = execution.lock_instance(instance_id)
    case = cases.case_of(instance_id)
    if case is None:
        raise NotFound(f"process instance {instance_id} is not a case", code="case_not_found")
    if handler:
        require_handler(case, actor.user)
    if case.accepted_at is None or case.deadline_at is None:
        raise Conflict(f"case {instance_id} has not been accepted", code="case_not_accepted")
    if instance.state != INSTANCE_RUNNING or case.concluded_at is not None:
        raise Conflict(f"case {instance_id} is no longer open", code="case_closed")
    return case


def _event(event_id: int, kind: str | None) -> CaseClockEvent:
    event = db.session.get(CaseClockEvent, event_id)
    if event is None or (kind is not None and event.kind != kind):
        raise NotFound(f"{kind or 'clock event'} {event_id} does not exist",
                       code=f"{kind or 'pause'}_not_found")
    return event


def _whole_days(value: object, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(f"{field} must be a whole number from {low} to {high}",
                           errors=[{"field": field, "message": f"{low}–{high} 个工作日"}])
    return value


def _reason(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("a reason is required",
                           errors=[{"field": "reason", "message": "请填写理由"}])
    return value.strip()[:MAX_REASON]


def _notice_number(case: Case, event: CaseClockEvent) -> str:
    """The written notice's number, of the department's sequence of its type (documents)."""
    kind = "extension" if event.kind == EXTENSION else "pause"
    return documents.issue(case, f"{kind}-{event.id}", kind).number


def _tell_approvers(case: Case, rule: Rule, body: str) -> None:
    for user in routing.holders(rule.approver_role, rule.approver_department_id):
        notifications.tell_user(user, "extension_requested", "延期申请待审批", body,
                                      case.instance_id)


def pending_for(user: User) -> list[tuple[CaseClockEvent, Case]]:
    """The extension requests `user` may decide, oldest first (the approvals page)."""
    rows = db.session.execute(
        sa.select(CaseClockEvent, Case).join(Case, Case.instance_id == CaseClockEvent.instance_id)
        .join(ProcessInstance, ProcessInstance.id == Case.instance_id)
        .where(CaseClockEvent.kind == EXTENSION, CaseClockEvent.state == REQUESTED,
               ProcessInstance.state == INSTANCE_RUNNING)
        .order_by(CaseClockEvent.id)).all()
    return [(event, case) for event, case in rows if may_approve(user, rule_for(case))]
