"""The clerk's inbox (我的待办): tasks assigned to me, tasks I hold for an absent colleague
(代办: AB岗 B post or 临时代行 deputy) and my groups' unclaimed tasks, filtered and sorted in
SQL, each with the working days left and a 逾期/预警 mark.

The whole page costs a constant number of queries: one for the tasks with their cases and
items, one for the people they are delegated from (the working-day calendar is cached).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import orm

from app.models import Case, HumanTask, Item, User, db, utcnow
from app.models.task import OPEN
from app.services.workflow import assignment, working_days

MINE, DELEGATED, GROUP = "mine", "delegated", "group"
KINDS = (MINE, DELEGATED, GROUP)
OVERDUE, WARNING = "overdue", "warning"
SORTS = ("deadline", "case_no", "item", "created")
WINDOWS = ("all", "overdue", "today", "3days")
ROW_LIMIT = 500
_TEXT_LIMIT = 100


@dataclass(frozen=True)
class Query:
    """What the clerk asked for; unknown or malformed values fall back to the defaults."""
    item: str = ""
    case_no: str = ""
    window: str = "all"
    sort: str = "deadline"

    @classmethod
    def from_args(cls, args) -> Query:
        window, sort = args.get("due", "all"), args.get("sort", "deadline")
        return cls(item=(args.get("item") or "").strip()[:_TEXT_LIMIT],
                   case_no=(args.get("case_no") or "").strip()[:_TEXT_LIMIT],
                   window=window if window in WINDOWS else "all",
                   sort=sort if sort in SORTS else "deadline")

    @property
    def filtered(self) -> bool:
        return bool(self.item or self.case_no or self.window != "all")


@dataclass(frozen=True)
class Row:
    task: HumanTask
    case: Case | None
    kind: str
    days_left: int | None  # working days until the deadline, negative once past it
    mark: str | None  # OVERDUE, WARNING or None
    delegated_from: User | None = None


@dataclass
class Inbox:
    query: Query
    rows: list[Row] = field(default_factory=list)
    truncated: bool = False  # more than ROW_LIMIT tasks matched

    def section(self, kind: str) -> list[Row]:
        return [r for r in self.rows if r.kind == kind]


def load(user: User, query: Query, now: datetime | None = None) -> Inbox:
    now = now or utcnow()
    found = db.session.execute(_statement(user, query, now).limit(ROW_LIMIT + 1)).all()
    truncated, found = len(found) > ROW_LIMIT, found[:ROW_LIMIT]
    absent = _people({t.delegated_from_id for t, _ in found if t.delegated_from_id})
    rows = [Row(task, case, _kind(task), *_deadline(task.due_at, now),
                delegated_from=absent.get(task.delegated_from_id))
            for task, case in found]
    return Inbox(query, rows, truncated)


def _statement(user: User, query: Query, now: datetime) -> sa.Select:
    stmt = (sa.select(HumanTask, Case)
            .outerjoin(Case, Case.instance_id == HumanTask.instance_id)
            .outerjoin(Item, Item.id == Case.item_id)
            .where(HumanTask.state == OPEN, assignment.visible_filter(user),
                   sa.or_(HumanTask.assignee_id == user.id, HumanTask.assignee_id.is_(None)))
            # What a row shows of its case, not the case's documents (history, rounds, …).
            .options(orm.load_only(Case.id, Case.instance_id, Case.case_no, Case.item_id,
                                   Case.applicant_name, Case.status_code),
                     orm.joinedload(Case.item).load_only(Item.id, Item.code, Item.name,
                                                         Item.department_id)))
    if query.item:
        pattern = _contains(query.item)
        stmt = stmt.where(sa.or_(HumanTask.item_code.ilike(pattern, escape="\\"),
                                 Item.code.ilike(pattern, escape="\\"),
                                 Item.name.ilike(pattern, escape="\\")))
    if query.case_no:
        stmt = stmt.where(Case.case_no.ilike(_contains(query.case_no), escape="\\"))
    stmt = _window(stmt, query.window, now)
    return stmt.order_by(*_order(query.sort), HumanTask.created_at, HumanTask.id)


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _window(stmt: sa.Select, window: str, now: datetime) -> sa.Select:
    if window == "overdue":
        return stmt.where(HumanTask.due_at < now)
    today = working_days.to_local(now).date()
    if window == "today":
        return stmt.where(HumanTask.due_at >= now,
                          HumanTask.due_at < _start_of(today + timedelta(days=1)))
    if window == "3days":  # working days left <= 3: due before the 4th working day from now
        return stmt.where(HumanTask.due_at >= now,
                          HumanTask.due_at < _start_of(working_days.nth_workday_after(today, 4)))
    return stmt


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, working_days.local_zone())


def _order(sort: str) -> list:
    due = [HumanTask.due_at.is_(None), HumanTask.due_at]
    if sort == "case_no":
        return [Case.case_no.is_(None), Case.case_no, *due]
    if sort == "item":
        name = sa.func.coalesce(Item.name, HumanTask.item_code)
        return [name.is_(None), name, *due]
    if sort == "created":
        return [HumanTask.created_at]
    return due


def _kind(task: HumanTask) -> str:
    if task.assignee_id is None:
        return GROUP
    return DELEGATED if task.delegated_from_id else MINE


def _deadline(due_at: datetime | None, now: datetime) -> tuple[int | None, str | None]:
    """Working days left and the mark. 预警 follows the process's warning timer, which fires
    at the end of the working day before the deadline's: from then on until the deadline."""
    if due_at is None:
        return None, None
    try:
        left = working_days.working_days_between(now, due_at)
        if due_at < now:
            return left, OVERDUE
        due_day = working_days.to_local(due_at).date()
        today = working_days.to_local(now).date()
        # working days in [today, due day): none left before the deadline's own day
        before = left - working_days.is_workday(due_day) + working_days.is_workday(today)
    except working_days.CalendarError:
        return None, (OVERDUE if due_at < now else None)
    return left, (WARNING if before <= 0 else None)


def _people(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
