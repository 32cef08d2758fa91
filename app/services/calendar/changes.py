"""Deadlines follow the calendar: counting again what a changed day touched, and moving a
case's deadlines by working days (an extension, the end of a pause).

Moving is the platform's (rescheduling.move); this module says which moments move where, and
what a moved deadline means for a case: an entry in its history and its handlers told.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.models import (Case, CommitteeReview, DenialReport, HumanTask, JointOpinion,
                        ProcessInstance, WorkingDeadline, db, utcnow)
from app.models.process import ERROR, RUNNING, SUSPENDED
from app.models.task import OPEN
from app.services import calendar, cases
from app.services.workflow import deadlines, notifications, rescheduling
from app.services.workflow.actor import Actor

CALENDAR, EXTENSION, PAUSE = "calendar", "extension", "pause"
_OPEN = (RUNNING, SUSPENDED, ERROR)


def register() -> None:
    """The domain's tables that copy a deadline, and what a move means for a case."""
    for column, instance_column in ((Case.deadline_at, Case.instance_id),
                                    (JointOpinion.deadline_at, JointOpinion.instance_id),
                                    (DenialReport.review_due_at, DenialReport.instance_id),
                                    (CommitteeReview.vote_deadline_at,
                                     CommitteeReview.instance_id)):
        rescheduling.mirror(column, instance_column)
    rescheduling.on_moved(_case_deadlines_moved)


def postponed(values: Iterable[datetime], days: Decimal | int | float) -> dict:
    """Each moment moved by `days` working days (negative: back)."""
    return {value: calendar.shift_working_days(value, days) for value in values}


def postpone(instance_id: int, days: Decimal | int | float, actor: Actor, *, reason: str,
             kind: str) -> rescheduling.Moves:
    """Move every deadline of the instance still ahead by `days` working days (延期, or a
    pause that lasted that long), kept so a later calendar change counts them again."""
    with deadlines.recording() as counted:
        mapping = postponed(deadlines.upcoming(instance_id), days)
    deadlines.record(instance_id, counted)
    return rescheduling.move(instance_id, mapping, actor, reason=reason, kind=kind)


def recount(region: str, changed: set[date], actor: Actor, reason: str) -> int:
    """After days of `region` changed: count again every deadline of an open instance that
    counted through one of them (and those counted from it), and move it. Returns the
    number of instances whose deadlines moved."""
    if not changed or region != calendar.current_region():
        return 0
    calendar.invalidate()
    moved = 0
    for instance_id in _touched_instances(min(changed), max(changed)):
        mapping = _recounted(instance_id)
        if mapping and rescheduling.move(instance_id, mapping, actor, reason=reason,
                                      kind=CALENDAR):
            moved += 1
    return moved


def _touched_instances(first: date, last: date) -> list[int]:
    zone = calendar.local_zone()
    since = datetime.combine(first, time.min, zone)
    until = datetime.combine(last + timedelta(days=1), time.min, zone)
    return list(db.session.scalars(
        sa.select(WorkingDeadline.instance_id).join(ProcessInstance)
        .where(ProcessInstance.state.in_(_OPEN), WorkingDeadline.due_at >= since,
               WorkingDeadline.start_at < until)
        .distinct().order_by(WorkingDeadline.instance_id)))  # one lock order


def _recounted(instance_id: int) -> dict[datetime, datetime]:
    """old moment -> new, each deadline counted again from its (possibly moved) start."""
    mapping: dict[datetime, datetime] = {}
    for row in deadlines.ledger(instance_id):  # in the order they were counted
        start = mapping.get(row.start_at, row.start_at)
        due = calendar.add_working_days(start, row.days)
        row.provisional = calendar.is_provisional(due, since=start)
        if start != row.start_at:
            row.start_at = start
        if due != row.due_at:
            mapping[row.due_at] = due
    return mapping


def _case_deadlines_moved(instance: ProcessInstance, moves: rescheduling.Moves, actor: Actor,
                          kind: str, reason: str) -> None:
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == instance.id))
    if case is None:
        return
    text = "；".join(f"{cases.local_text(old)} → {cases.local_text(new)}" for old, new in moves)
    case.history = [*case.history, {"code": case.status_code, "at": utcnow().isoformat(),
                                    "note": f"期限调整（{_KIND_NAMES.get(kind, kind)}）："
                                            f"{reason}。{text}"}]
    for task in db.session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.state == OPEN)):
        notifications.tell_candidates(task, "deadline_moved", "办理期限已调整",
                                      f"办件 {case.case_no or instance.id}「{case.item.name}」"
                                      f"的期限已调整：{reason}。{text}")


_KIND_NAMES = {CALENDAR: "工作日历变更", EXTENSION: "延期", PAUSE: "暂停计时"}
