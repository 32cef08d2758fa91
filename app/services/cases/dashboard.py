"""Aggregates for the administrators' dashboard: instances, open tasks, cases, deadlines,
authorization letters ending soon."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.models import AuditEvent, Case, Department, HumanTask, ProcessInstance, db
from app.models.case import STATUS_NAMES
from app.models.process import COMPLETED, ERROR, RUNNING, SUSPENDED
from app.models.task import OPEN
from app.services import calendar
from app.services.authorization import expiry as letter_expiry

SHOWN_STATES = (RUNNING, SUSPENDED, ERROR, COMPLETED)
UNASSIGNED_DEPARTMENT = "—"


def instance_counts() -> dict[str, int]:
    counted = dict(db.session.execute(
        sa.select(ProcessInstance.state, sa.func.count())
        .where(ProcessInstance.state.in_(SHOWN_STATES))
        .group_by(ProcessInstance.state)).all())
    return {state: counted.get(state, 0) for state in SHOWN_STATES}


def open_tasks_by_department() -> list[tuple[str, int]]:
    """Open tasks per department; a task offered center-wide counts under its case's unit."""
    department_id = sa.func.coalesce(HumanTask.candidate_department_id, HumanTask.department_id)
    rows = db.session.execute(
        sa.select(Department.name, sa.func.count(HumanTask.id))
        .select_from(HumanTask).outerjoin(Department, Department.id == department_id)
        .where(HumanTask.state == OPEN)
        .group_by(Department.name).order_by(sa.func.count(HumanTask.id).desc())).all()
    return [(name or UNASSIGNED_DEPARTMENT, count) for name, count in rows]


def cases_by_status() -> list[tuple[str, int]]:
    rows = db.session.execute(sa.select(Case.status_code, sa.func.count())
                              .group_by(Case.status_code).order_by(Case.status_code)).all()
    return [(STATUS_NAMES.get(code, str(code)), count) for code, count in rows]


def overdue_cases() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case)
                             .where(Case.overdue.is_(True)))


def flagged_cases() -> int:
    """Open cases a time limit flagged: 逾期自动受理, past the department's limit, 即办件 not
    decided on the day (overdue ones are counted on their own)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        sa.or_(Case.auto_accepted.is_(True), Case.decision_limit_exceeded.is_(True),
               Case.spot_not_decided.is_(True)), Case.concluded_at.is_(None)))


def warned_cases() -> int:
    """Cases that were sent a 预警 (one working day before their deadline), still open."""
    warned = sa.select(AuditEvent.instance_id).where(AuditEvent.action == "case.warning")
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.instance_id.in_(warned), Case.concluded_at.is_(None)))


def concluded_per_day(days: int = 14, today: date | None = None) -> list[tuple[date, int]]:
    """Cases concluded on each of the last `days` local days, oldest first, zeros included.

    Days are local (Asia/Shanghai), so they are bucketed here rather than in SQL, where
    time-zone functions differ between SQLite and PostgreSQL.
    """
    today = today or calendar.today()
    first = today - timedelta(days=days - 1)
    counts = {first + timedelta(days=n): 0 for n in range(days)}
    zone = calendar.local_zone()
    since = datetime.combine(first, time.min, tzinfo=zone)
    for concluded in db.session.scalars(sa.select(Case.concluded_at)
                                        .where(Case.concluded_at >= since)):
        local_day = concluded.astimezone(zone).date()
        if local_day in counts:
            counts[local_day] += 1
    return list(counts.items())


def letters_ending_soon(today: date | None = None) -> list[letter_expiry.Ending]:
    """Letters in force that end within 30 days with no successor (授权书即将到期): on the
    day after, the department's approvals would go to its leaders."""
    return letter_expiry.ending_soon(today)
