"""Aggregates for the administrators' dashboard: instances, open tasks, cases, deadlines,
authorization letters ending soon.

Every figure is counted from the tables when the page loads, so none is stale, and none
reads through the history, so a load costs about the same after ten years as after one.
What is still in hand (instances not finished, open tasks, cases not ended, by status; open
cases a time limit flagged) is counted exactly, from indexes that hold it alone or range
over it: the cost follows the work in hand, not the table. What is done (completed
instances, ended cases by status, cases ever overdue) is counted up to paging.COUNT_CAP,
and the page says 超过 1000 past it (the monthly assessment counts history month by month).
A counter table kept in the transaction of every state change would give the history
exactly too, but every path that changes a state (the engine, the timers' bulk updates,
imports) would have to keep it, and its rows would be locks that every start and every step
wait for. Measured in bench/README.md, "Lists at scale".
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.models import Case, Department, HumanTask, ProcessInstance, db
from app.models.case import ENDED_STATUSES, STATUS_NAMES
from app.models.process import COMPLETED, ERROR, RUNNING, SUSPENDED
from app.models.task import OPEN
from app.services import calendar
from app.services.authorization import expiry as letter_expiry
from app.services.workflow import paging

UNFINISHED_STATES = (RUNNING, SUSPENDED, ERROR)
IN_HAND_STATUSES = tuple(code for code in STATUS_NAMES if code not in ENDED_STATUSES)
UNASSIGNED_DEPARTMENT = "—"


def instance_counts() -> dict[str, int]:
    """Instances by state: the unfinished exactly, the completed up to COUNT_CAP + 1."""
    counted = dict(db.session.execute(
        sa.select(ProcessInstance.state, sa.func.count())
        .where(ProcessInstance.state.in_(UNFINISHED_STATES))
        .group_by(ProcessInstance.state)).all())
    completed = paging.bounded_count(sa.select(ProcessInstance.id)
                                     .where(ProcessInstance.state == COMPLETED))
    return {**{state: counted.get(state, 0) for state in UNFINISHED_STATES},
            COMPLETED: completed}


def open_tasks_by_department() -> list[tuple[str, int]]:
    """Open tasks per department, the most first; a task offered center-wide counts under its
    case's unit. Counted from ix_human_task_open_department alone, then named: the state is
    written into the SQL, so that a plan PostgreSQL keeps for the statement still matches the
    index's predicate."""
    department_id = sa.func.coalesce(HumanTask.candidate_department_id, HumanTask.department_id)
    counted = (sa.select(department_id.label("department_id"), sa.func.count().label("n"))
               .where(HumanTask.state == sa.literal(OPEN, literal_execute=True))
               .group_by(department_id).subquery())
    rows = db.session.execute(sa.select(Department.name, counted.c.n).select_from(counted)
                              .outerjoin(Department, Department.id == counted.c.department_id))
    by_name: dict[str, int] = {}
    for name, count in rows:
        label = name or UNASSIGNED_DEPARTMENT
        by_name[label] = by_name.get(label, 0) + count
    return sorted(by_name.items(), key=lambda row: (-row[1], row[0]))


def cases_in_hand_by_status() -> list[tuple[str, int]]:
    """Cases not ended, by status, exactly (a range of ix_service_case_status each)."""
    rows = db.session.execute(sa.select(Case.status_code, sa.func.count())
                              .where(Case.status_code.in_(IN_HAND_STATUSES))
                              .group_by(Case.status_code).order_by(Case.status_code)).all()
    return [(STATUS_NAMES[code], count) for code, count in rows]


def cases_ended_by_status() -> list[tuple[str, int]]:
    """Ended cases by status, each up to COUNT_CAP + 1; the statuses no case has left out."""
    counted = paging.bounded_counts(sa.select(Case.id), Case.status_code, ENDED_STATUSES)
    return [(STATUS_NAMES[code], counted[code]) for code in ENDED_STATUSES if counted[code]]


def overdue_cases() -> int:
    """Cases ever overdue (open or concluded late), up to COUNT_CAP + 1; the bare column is
    the predicate of ix_service_case_overdue (`overdue IS true` is not matched to it)."""
    return paging.bounded_count(sa.select(Case.id).where(Case.overdue))


def flagged_cases() -> int:
    """Open cases a time limit flagged: 逾期自动受理, past the department's limit, 即办件 not
    decided on the day (overdue ones are counted on their own). The terms are those of
    ix_service_case_flagged, which holds these cases alone."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.concluded_at.is_(None),
        sa.or_(Case.auto_accepted, Case.decision_limit_exceeded, Case.spot_not_decided)))


def warned_cases() -> int:
    """Cases that were sent a 预警 (one working day before their deadline), still open: the
    terms of ix_service_case_warned_open, which holds these cases alone."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.warned_at.is_not(None), Case.concluded_at.is_(None)))


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
