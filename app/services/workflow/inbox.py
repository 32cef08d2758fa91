"""The clerk's inbox (我的待办): tasks assigned to me, tasks I hold for an absent colleague
(代办: AB岗 B post or 临时代行 deputy) and my groups' unclaimed tasks, filtered and sorted in
SQL, each with the working days left and a 逾期/预警 mark.

A page is PAGE_SIZE tasks of the one list in the clerk's order, shown in its three sections,
read by keyset (app.services.workflow.paging): its "next" cursor holds the sort key of its
last row and its "previous" one the key of its first, so paging costs the same on every page
and a task added or done meanwhile neither repeats nor hides another. Each section says how
many tasks it holds in all, counted up to paging.COUNT_CAP (not counted when the first page
holds every task). A cursor that is not this list's, or one past every task, gives the first
page. The default order is the terms of ix_human_task_open_due (task_query's dueDate), which
PostgreSQL walks in order and stops at a page.

The page costs a constant number of queries: one for the tasks with their cases and items,
one for the people they are delegated from, one counting every section (each up to the
cap) when the tasks do not fit one page, and at most one more when a cursor leads nowhere
(the working-day calendar is cached).
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy import orm

from app.models import Case, HumanTask, Item, User, db, utcnow
from app.services.workflow import paging, task_query, working_days

MINE, DELEGATED, GROUP = "mine", "delegated", "group"
KINDS = (MINE, DELEGATED, GROUP)
OVERDUE, WARNING = "overdue", "warning"
SORTS = ("deadline", "case_no", "item", "created")
WINDOWS = ("all", "overdue", "today", "3days")
PAGE_SIZE = 50
_TEXT_LIMIT = 100


@dataclass(frozen=True)
class Query:
    """What the clerk asked for; unknown or malformed values fall back to the defaults. A
    page other than the first comes `after` (or `before`) a cursor an earlier page gave."""
    item: str = ""
    case_no: str = ""
    window: str = "all"
    sort: str = "deadline"
    after: str = ""
    before: str = ""

    @classmethod
    def from_args(cls, args) -> Query:
        window, sort = args.get("due", "all"), args.get("sort", "deadline")
        return cls(item=(args.get("item") or "").strip()[:_TEXT_LIMIT],
                   case_no=(args.get("case_no") or "").strip()[:_TEXT_LIMIT],
                   window=window if window in WINDOWS else "all",
                   sort=sort if sort in SORTS else "deadline",
                   after=args.get("after") or "", before=args.get("before") or "")

    @property
    def filtered(self) -> bool:
        return bool(self.item or self.case_no or self.window != "all")

    def args(self) -> dict[str, str]:
        """The filters and the sort as a link's arguments (the defaults left out), the
        cursor not: what the pager's links carry besides theirs."""
        given = {"item": self.item, "case_no": self.case_no, "due": self.window,
                 "sort": self.sort}
        return {name: value for name, value in given.items()
                if value and value != {"due": "all", "sort": "deadline"}.get(name)}


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
    counts: dict[str, int] = field(default_factory=dict)  # a section's tasks, on every page
    next: str | None = None  # the cursor of the page after this one, when there is one
    previous: str | None = None  # the cursor of the page before this one
    stale: bool = False  # the query's cursor was not this list's: this is the first page

    def section(self, kind: str) -> list[Row]:
        return [r for r in self.rows if r.kind == kind]

    def count(self, kind: str) -> int:
        """The section's tasks under the filters, up to COUNT_CAP + 1 (more than the cap)."""
        return self.counts.get(kind, 0)


def load(user: User, query: Query, now: datetime | None = None) -> Inbox:
    now = now or utcnow()
    stmt, keyset = _statement(user, query, now), order(query.sort)
    stale = False
    try:
        found, next_key, previous_key = _page(stmt, keyset, query)
    except paging.BadCursor:
        found, next_key, previous_key, stale = *_page(stmt, keyset, Query()), True
    absent = _people({t.delegated_from_id for t, _ in found if t.delegated_from_id})
    rows = [Row(task, case, _kind(task), *_deadline(task.due_at, now),
                delegated_from=absent.get(task.delegated_from_id))
            for task, case in found]
    if next_key is None and previous_key is None:  # every task is on this page
        counts = dict(Counter(row.kind for row in rows))
    else:
        counts = paging.bounded_counts_where(stmt, {kind: _section(kind, user) for kind in KINDS})
    return Inbox(query, rows, counts, paging.encode_cursor(keyset, next_key),
                 paging.encode_cursor(keyset, previous_key), stale)


def order(sort: str) -> paging.Keyset:
    """The inbox's order by `sort`, a total one: the sort's own terms (a case number or an
    item name, missing ones last), then the API's default task order (the earliest due
    first, then the oldest), except by creation alone for `created`."""
    return _ORDERS.get(sort) or _ORDERS["deadline"]


def _order(sort: str) -> paging.Keyset:
    def of_task(key: paging.Key) -> paging.Key:
        return dataclasses.replace(key, read=lambda row: key.read(row[0]))
    by_due = tuple(of_task(key) for key in task_query.keys("dueDate"))
    own = {
        "deadline": (),
        "case_no": paging.nulls_last(Case.case_no, lambda row: row[1] and row[1].case_no, ""),
        "item": paging.nulls_last(sa.func.coalesce(Item.name, HumanTask.item_code),
                                  _item_name, ""),
    }
    keys = tuple(map(of_task, task_query.keys("created"))) if sort == "created" \
        else (*own[sort], *by_due)
    return paging.Keyset(f"inbox.{sort}", keys)


def _item_name(row) -> str | None:
    task, case = row
    name = case.item.name if case is not None and case.item is not None else None
    return task.item_code if name is None else name


_ORDERS = {sort: _order(sort) for sort in SORTS}  # built once: the terms never change


def _page(stmt: sa.Select, keyset: paging.Keyset,
          query: Query) -> tuple[list, list | None, list | None]:
    """The rows of the page the query's cursor leads to, with the keys to continue after
    its last row and before its first, each None when no page lies that way. A page before
    that reaches the first task, or one after that holds none, is the first page."""
    def read(keys: paging.Keyset, after):
        return paging.keyset_page(stmt, keys, after=after, limit=PAGE_SIZE, tuples=True)
    if query.before:
        found, beyond = read(keyset.reversed(), paging.decode_cursor(keyset, query.before))
        if beyond is not None:
            found.reverse()
            return found, keyset.values_of(found[-1]), keyset.values_of(found[0])
    elif query.after:
        found, next_key = read(keyset, paging.decode_cursor(keyset, query.after))
        if found:
            return found, next_key, keyset.values_of(found[0])
    found, next_key = read(keyset, None)
    return found, next_key, None


def _statement(user: User, query: Query, now: datetime) -> sa.Select:
    stmt = (task_query.matching(user, task_query.Filters()).add_columns(Case)
            .outerjoin(Case, Case.instance_id == HumanTask.instance_id)
            .outerjoin(Item, Item.id == Case.item_id)
            .where(sa.or_(HumanTask.assignee_id == user.id, HumanTask.assignee_id.is_(None)))
            # What a row shows of its case, not the case's documents (history, rounds, …).
            .options(orm.load_only(Case.id, Case.instance_id, Case.case_no, Case.item_id,
                                   Case.applicant_name, Case.status_code),
                     orm.contains_eager(Case.item).load_only(Item.id, Item.code, Item.name,
                                                             Item.department_id)
                     .lazyload(Item.department)))
    if query.item:
        pattern = _contains(query.item)
        stmt = stmt.where(sa.or_(HumanTask.item_code.ilike(pattern, escape="\\"),
                                 Item.code.ilike(pattern, escape="\\"),
                                 Item.name.ilike(pattern, escape="\\")))
    if query.case_no:
        stmt = stmt.where(Case.case_no.ilike(_contains(query.case_no), escape="\\"))
    return _window(stmt, query.window, now)


def _section(kind: str, user: User) -> sa.ColumnElement[bool]:
    """The tasks of one section, as _kind sorts them."""
    if kind == GROUP:
        return HumanTask.assignee_id.is_(None)
    held = HumanTask.delegated_from_id.isnot(None) if kind == DELEGATED \
        else HumanTask.delegated_from_id.is_(None)
    return sa.and_(HumanTask.assignee_id == user.id, held)


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
