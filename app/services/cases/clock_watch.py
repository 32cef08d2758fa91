"""What the clock does by itself (beat's `watch_case_clocks`): a pause that runs past the
days moved for it holds the deadlines one more working day, so no timer fires in the middle
of a hearing; a case still undecided past its 法定时限 is flagged to the center, once.

Each case is handled in a transaction of its own: one that fails is logged and retried on
the next sweep, the others go on.
"""
from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa

from app.models import Case, CaseClockEvent, ProcessInstance, db, utcnow
from app.models.case import CASE_FLAGS
from app.models.case_clock import PAUSE_KINDS, RUNNING
from app.models.process import RUNNING as INSTANCE_RUNNING
from app.services import calendar, cases
from app.services.calendar import changes as calendar_changes
from app.services.cases import clock as case_clock
from app.services.workflow import audit, execution
from app.services.workflow.actor import Actor

log = logging.getLogger(__name__)
HOLD_DAYS = 1


def watch(now: datetime | None = None) -> dict:
    """One sweep; returns how many pauses were held and cases flagged."""
    now = now or utcnow()
    actor = Actor.system("clock")
    held = sum(_each(_hold, event_id, now, actor) for event_id in _running_pauses())
    flagged = sum(_each(_flag, instance_id, now, actor) for instance_id in _overdue_cases(now))
    return {"held": held, "flagged": flagged}


def _each(action, key: int, now: datetime, actor: Actor) -> bool:
    try:
        done = action(key, now, actor)
        db.session.commit()
        return done
    except Exception:  # one case's trouble must not stop the sweep
        db.session.rollback()
        log.exception("case clock: %s(%s) failed; retried on the next sweep",
                      action.__name__, key)
        return False


def _running_pauses() -> list[int]:
    return list(db.session.scalars(
        sa.select(CaseClockEvent.id).join(ProcessInstance,
                                          ProcessInstance.id == CaseClockEvent.instance_id)
        .where(CaseClockEvent.kind.in_(PAUSE_KINDS), CaseClockEvent.state == RUNNING,
               ProcessInstance.state == INSTANCE_RUNNING).order_by(CaseClockEvent.instance_id)))


def _hold(event_id: int, now: datetime, actor: Actor) -> bool:
    """While a pause lasts at least the days moved for it, move one day more."""
    event = db.session.get(CaseClockEvent, event_id)
    execution.lock_instance(event.instance_id)
    db.session.refresh(event)
    if event.state != RUNNING or \
            calendar.working_days_between(event.requested_at, now) < event.moved_days:
        return False
    calendar_changes.postpone(event.instance_id, HOLD_DAYS, actor, kind=calendar_changes.PAUSE,
                              reason=f"{case_clock.PAUSE_NAMES[event.kind]}尚未结束，"
                                     f"期限顺延 {HOLD_DAYS} 个工作日")
    event.moved_days += HOLD_DAYS
    audit.record(actor, "case.pause_held", instance_id=event.instance_id, event_id=event.id,
                 moved_days=event.moved_days)
    return True


def _overdue_cases(now: datetime) -> list[int]:
    """Open cases past their promised deadline: the only ones that can be past the law's."""
    return list(db.session.scalars(
        sa.select(Case.instance_id).join(ProcessInstance, ProcessInstance.id == Case.instance_id)
        .where(ProcessInstance.state == INSTANCE_RUNNING, Case.concluded_at.is_(None),
               Case.deadline_at < now, Case.statutory_limit_exceeded.is_(False))
        .order_by(Case.instance_id)))


def _flag(instance_id: int, now: datetime, actor: Actor) -> bool:
    case = cases.case_of(instance_id)
    limit = case_clock.statutory_deadline(case)
    if limit is None or limit >= now or case_clock.running_pause(instance_id) is not None:
        return False
    execution.lock_instance(instance_id)
    db.session.refresh(case)
    if case.statutory_limit_exceeded or case.concluded_at is not None:
        return False
    case.statutory_limit_exceeded = True
    text = (f"{CASE_FLAGS['statutory_limit_exceeded']}：法定时限（含依法延期和不计时的程序）"
            f"于{cases.local_text(limit)}届满，本件仍未作出决定")
    case.history = [*case.history, {"code": case.status_code, "at": now.isoformat(),
                                    "note": text, "flag": "statutory_limit_exceeded"}]
    audit.record(actor, "case.statutory_limit_exceeded", instance_id=instance_id,
                 limit=limit.isoformat())
    cases.tell_staff(case, "statutory_limit_exceeded", "超过法定时限",
                     f"办件 {case.case_no}「{case.item.name}」{text}，已报中心督办。", admins=True)
    return True
