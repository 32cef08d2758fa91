"""The 代办看板: one row per item of a project — its case, the step it is at and who holds it,
its deadline and the working days left — and the project's own limit (seed 004: major and
investment projects within 30 working days of the day the center took them on).

Everything is counted on read with the center's calendar, so a calendar change moves it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.models import AgencyProject, Case, HumanTask, User, db, utcnow
from app.models.agency import ACTIVE
from app.models.task import OPEN
from app.services import calendar, catalog
from app.services.workflow import assignment
from app.services.workflow.errors import NotFound

PROJECT_LIMIT_DAYS = 30  # seed 004: 重大工程及招商引资工程 within 30 working days
CASE_WARNING_DAYS = 2  # a case this near its deadline is 预警 and reminded once
PROJECT_WARNING_DAYS = 5  # a project this near its limit is reminded once

WARNING, OVERDUE = "warning", "overdue"
FLAG_LABELS = {WARNING: "预警", OVERDUE: "逾期"}


@dataclass
class Step:
    title: str
    holders: list[User]  # the assignee, or everyone who may take it


@dataclass
class Row:
    item_code: str
    item_name: str
    department_name: str
    case: Case | None  # None: entrusted, not started yet
    steps: list[Step] = field(default_factory=list)
    days_left: int | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class Limit:
    due_at: datetime
    days_left: int
    flags: list[str]


def project_limit(project: AgencyProject, now: datetime | None = None) -> Limit | None:
    """The 30-working-day limit of a major or investment project; None for others."""
    if not project.limited:
        return None
    now = now or utcnow()
    due_at = calendar.add_working_days(project.started_at, PROJECT_LIMIT_DAYS)
    left = calendar.working_days_between(now, due_at)
    running = project.status == ACTIVE
    return Limit(due_at, left, _flags(now, due_at, left, PROJECT_WARNING_DAYS) if running else [])


def _flags(now: datetime, due_at: datetime, left: int, warning_days: int) -> list[str]:
    if now > due_at:
        return [OVERDUE]
    return [WARNING] if left <= warning_days else []


def case_days_left(case: Case, now: datetime) -> int | None:
    if case.deadline_at is None or case.concluded_at is not None:
        return None
    return calendar.working_days_between(now, case.deadline_at)


def rows(project: AgencyProject, now: datetime | None = None) -> list[Row]:
    """The linked cases in the order they were added, then the entrusted items not started."""
    now = now or utcnow()
    found = [link.case for link in project.items if link.case is not None]
    open_tasks = _open_tasks([case.instance_id for case in found])
    board = [_row(case, open_tasks.get(case.instance_id, []), now) for case in found]
    started = {case.item.code for case in found}
    for code in project.mandate_scope:
        if code not in started:
            board.append(_entrusted_row(code))
    return board


def _row(case: Case, open_tasks: list[HumanTask], now: datetime) -> Row:
    left = case_days_left(case, now)
    flags = [] if left is None else _flags(now, case.deadline_at, left, CASE_WARNING_DAYS)
    if case.overdue and OVERDUE not in flags:
        flags = [OVERDUE]
    return Row(case.item.code, case.item.name, case.item.department.name, case,
               [Step(task.title, holders_of(task)) for task in open_tasks], left, flags)


def _entrusted_row(code: str) -> Row:
    try:
        item = catalog.current(code)
    except NotFound:  # retired from the catalog since the mandate was signed
        return Row(code, code, "", None)
    return Row(code, item.name, item.department.name, None)


def holders_of(task: HumanTask) -> list[User]:
    if task.assignee_id is not None:
        assignee = db.session.get(User, task.assignee_id)
        return [assignee] if assignee is not None else []
    return assignment.candidates(task)


def _open_tasks(instance_ids: list[int]) -> dict[int, list[HumanTask]]:
    grouped: dict[int, list[HumanTask]] = {}
    if not instance_ids:
        return grouped
    for task in db.session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id.in_(instance_ids), HumanTask.state == OPEN)
            .order_by(HumanTask.created_at)):
        grouped.setdefault(task.instance_id, []).append(task)
    return grouped
