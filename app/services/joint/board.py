"""The lead window's board (牵头窗口看板): every joint case with each department's state, and
the lead window's actions: urge (催办), request an extension (延期), schedule a joint site
inspection or meeting (联合踏勘 / 联席会议) and record who came."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.models import (Case, CaseClockEvent, HumanTask, JointMeeting, JointOpinion,
                        ProcessDefinition, ProcessInstance, User, db, utcnow)
from app.models.identity import WINDOW_CLERK
from app.models.joint import MEETING_KINDS, PENDING
from app.models.process import RUNNING
from app.models.task import OPEN
from app.services import calendar, cases, joint
from app.services.cases import clock as case_clock
from app.services.organization import routing
from app.services.organization.checks import as_id
from app.services.workflow import audit, execution
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

PROCESS_KEY = "joint_approval"


@dataclass
class Cell:
    opinion: JointOpinion
    days_left: int | None  # working days to its deadline; None once answered


@dataclass
class Row:
    case: Case
    instance: ProcessInstance
    cells: dict[int, Cell]  # department id -> cell
    days_left: int | None
    open_tasks: list[HumanTask] = field(default_factory=list)
    meetings: list[JointMeeting] = field(default_factory=list)


def board(user: User, include_closed: bool = False) -> tuple[list[Row], list]:
    """The joint cases the user leads (administrators: all), and the departments as columns.

    A constant number of queries: the cases, then their opinions, open tasks and meetings."""
    query = (sa.select(Case, ProcessInstance).join(ProcessInstance, Case.instance_id ==
                                                   ProcessInstance.id)
             .join(ProcessDefinition).where(ProcessDefinition.key == PROCESS_KEY)
             .order_by(Case.deadline_at.is_(None), Case.deadline_at, Case.id))
    if not include_closed:
        query = query.where(ProcessInstance.state == RUNNING)
    led = _led_departments(user)
    found = [(case, instance) for case, instance in db.session.execute(query)
             if led is None or case.item.department_id in led]
    ids = [instance.id for _, instance in found]
    opinions = _by_instance(sa.select(JointOpinion).where(JointOpinion.instance_id.in_(ids))
                            .order_by(JointOpinion.lead.desc(), JointOpinion.id))
    tasks = _by_instance(sa.select(HumanTask).where(HumanTask.instance_id.in_(ids),
                                                    HumanTask.state == OPEN))
    meetings = _by_instance(sa.select(JointMeeting).where(JointMeeting.instance_id.in_(ids))
                            .order_by(JointMeeting.held_at))
    rows = [_row(case, instance, opinions.get(instance.id, []), tasks.get(instance.id, []),
                 meetings.get(instance.id, [])) for case, instance in found]
    columns = {cell.opinion.department_id: cell.opinion.department
               for row in rows for cell in row.cells.values()}
    return rows, sorted(columns.values(), key=lambda d: d.code)


def _by_instance(query) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in db.session.scalars(query):
        grouped.setdefault(row.instance_id, []).append(row)
    return grouped


def _row(case: Case, instance: ProcessInstance, opinions: list[JointOpinion],
         tasks: list[HumanTask], meetings: list[JointMeeting]) -> Row:
    now = utcnow()
    cells = {o.department_id: Cell(o, None if o.answered else
                                   calendar.working_days_between(now, o.deadline_at))
             for o in opinions}
    days_left = (calendar.working_days_between(now, case.deadline_at)
                 if case.deadline_at and not case.concluded_at else None)
    return Row(case, instance, cells, days_left, tasks, meetings)


def _led_departments(user: User | None) -> set[int] | None:
    """The departments whose joint cases the user leads as their window; None for all."""
    if user is None or user.is_admin:
        return None
    return {department for role, department in routing.scopes(user) if role == WINDOW_CLERK}


def _leads(user: User | None, case: Case) -> bool:
    """The lead window: a window clerk of the accepting department, or an administrator."""
    led = _led_departments(user)
    return led is None or case.item.department_id in led


def _lead_case(instance_id: int, actor: Actor) -> Case:
    """The running joint case the actor leads, locked: the board's actions change it."""
    execution.lock_instance(instance_id)
    case = cases.case_of(instance_id)
    instance = db.session.get(ProcessInstance, instance_id)
    if case is None or instance is None or instance.definition.key != PROCESS_KEY:
        raise NotFound(f"joint case {instance_id} does not exist", code="joint_case_not_found")
    if not _leads(actor.user, case):
        raise Forbidden("only the lead window may do this", code="not_lead_window")
    if instance.state != RUNNING or case.concluded_at is not None:
        raise Conflict(f"joint case {instance_id} is no longer running", code="case_closed")
    return case


def urge(instance_id: int, department_id: object, actor: Actor) -> JointOpinion:  # 催办
    case = _lead_case(instance_id, actor)
    department_id = _department_id(department_id)
    row = joint.opinion_of(instance_id, department_id)
    if row.state != PENDING:
        raise Conflict(f"{row.department.name}已提出意见，无需催办", code="already_answered")
    joint.reminded(case, actor, department_id, automatic=False)
    db.session.commit()
    return row


def request_extension(instance_id: int, days: object, reason: object,
                      actor: Actor) -> CaseClockEvent:
    """The lead window asks for more working days (行政许可法 art. 42: 45 + 15, decided by
    the county government's approver), as any case's handler does."""
    _lead_case(instance_id, actor)
    return case_clock.request_extension(instance_id, days, reason, actor)


def schedule_meeting(instance_id: int, kind: str, held_at: object, place: object,
                     actor: Actor) -> JointMeeting:
    if kind not in MEETING_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(MEETING_KINDS)}",
                           errors=[{"field": "kind", "message": "unknown kind"}])
    when = _moment(held_at)
    if not isinstance(place, str) or not place.strip():
        raise InvalidInput("a place is required", errors=[{"field": "place",
                                                           "message": "required"}])
    case = _lead_case(instance_id, actor)
    meeting = JointMeeting(instance_id=instance_id, kind=kind, held_at=when,
                           place=place.strip()[:200], scheduled_by=actor.user_id, attendance={})
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "joint.meeting_scheduled", instance_id=instance_id,
                 meeting_id=meeting.id, kind=kind, held_at=when.isoformat())
    what = "联合踏勘" if kind == "inspection" else "联席会议"
    for opinion in joint.opinions(instance_id):
        cases.tell_staff(case, "meeting", f"{what}通知",
                         f"联办件 {case.case_no}「{case.item.name}」定于"
                         f"{cases.local_text(when)}在{meeting.place}{what}，请准时参加。",
                         department_id=opinion.department_id)
    db.session.commit()
    return meeting


def _department_id(value: object) -> int:
    department_id = as_id(value)
    if department_id is None:
        raise InvalidInput("department_id names a department taking part in the case",
                           errors=[{"field": "department_id", "message": "expected an id"}])
    return department_id


def record_attendance(meeting_id: int, department_id: object, attended: object, reason: object,
                      actor: Actor) -> JointMeeting:
    """Who came; a department that stays away without a reason is recorded as refusing."""
    meeting = db.session.get(JointMeeting, meeting_id)
    if meeting is None:
        raise NotFound(f"meeting {meeting_id} does not exist", code="meeting_not_found")
    _lead_case(meeting.instance_id, actor)
    department_id = _department_id(department_id)
    joint.opinion_of(meeting.instance_id, department_id)  # must take part in the case
    if not isinstance(attended, bool):
        raise InvalidInput("attended must be true or false",
                           errors=[{"field": "attended", "message": "expected a boolean"}])
    reason = reason.strip() if isinstance(reason, str) else ""
    meeting.attendance = {**meeting.attendance,
                          str(department_id): {"attended": attended, "reason": reason}}
    refused = not attended and not reason
    audit.record(actor, "joint.absent_without_reason" if refused else "joint.attendance",
                 instance_id=meeting.instance_id, meeting_id=meeting_id,
                 department_id=department_id, attended=attended, reason=reason)
    db.session.commit()
    return meeting


def _moment(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise InvalidInput("held_at must be a date and time such as 2026-03-05T09:00",
                           errors=[{"field": "held_at", "message": "expected a date and time"}])
    return moment.replace(tzinfo=calendar.local_zone()) if moment.tzinfo is None else moment
