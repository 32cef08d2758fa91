"""Which tasks a user's task list holds and in what order: the filters of GET /api/tasks
(Camunda's names) and its sorts, each a total order read page by page from a cursor."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa

from app.models import HumanTask, User
from app.models.task import OPEN
from app.services.workflow import assignment, paging

SORTS = ("dueDate", "created", "name", "id")
# Stands in for "no due moment" in the order's key: the IS NULL term before it already puts
# those tasks last, so any constant keeps the key comparable (never NULL) without moving them.
_NO_DUE = datetime(1970, 1, 1, tzinfo=timezone.utc)
_DUE_TYPE = HumanTask.__table__.c.due_at.type  # stored as the column is (UTC, on SQLite too)
# 1 for a task without a due moment: a number, since SQL compares booleans only for equality
_WITHOUT_DUE = sa.case((HumanTask.due_at.is_(None), 1), else_=0)


@dataclass(frozen=True)
class Filters:
    assignee_me: bool = False
    candidate_role: str | None = None
    instance_id: int | None = None
    include_closed: bool = False
    due_before: datetime | None = None  # due strictly before (a task without one never is)
    due_after: datetime | None = None  # due strictly after


def matching(user: User, filters: Filters) -> sa.Select:
    """The SELECT of the tasks `user` may see that pass `filters` (unordered)."""
    stmt = sa.select(HumanTask).where(assignment.visible_filter(user))
    if not filters.include_closed:
        stmt = stmt.where(HumanTask.state == OPEN)
    if filters.assignee_me:
        stmt = stmt.where(HumanTask.assignee_id == user.id)
    if filters.candidate_role:
        stmt = stmt.where(HumanTask.candidate_role == filters.candidate_role)
    if filters.instance_id is not None:
        stmt = stmt.where(HumanTask.instance_id == filters.instance_id)
    if filters.due_before is not None:
        stmt = stmt.where(HumanTask.due_at < filters.due_before)
    if filters.due_after is not None:
        stmt = stmt.where(HumanTask.due_at > filters.due_after)
    return stmt


def order(sort_by: str = "dueDate", descending: bool = False) -> paging.Keyset:
    """The list's order: `dueDate` (the default: the earliest due first, tasks without a
    due moment last in either direction, then by creation), `created`, `name` (the BPMN
    element id, then the oldest) or `id`; every one ends on the id, which is unique."""
    def key(expression, read, kind):
        return paging.Key(expression, read, kind, descending)
    created = key(HumanTask.created_at, lambda t: t.created_at, datetime)
    by_id = key(HumanTask.id, lambda t: t.id, str)
    keys = {
        "dueDate": (paging.Key(_WITHOUT_DUE, lambda t: int(t.due_at is None), int),
                    key(sa.func.coalesce(HumanTask.due_at, sa.literal(_NO_DUE, _DUE_TYPE)),
                        lambda t: t.due_at or _NO_DUE, datetime), created, by_id),
        "created": (created, by_id),
        "name": (key(HumanTask.name, lambda t: t.name, str), created, by_id),
        "id": (by_id,),
    }[sort_by]
    return paging.Keyset(f"tasks.{sort_by}.{'desc' if descending else 'asc'}", keys)


def page(user: User, filters: Filters, keyset: paging.Keyset, *, after: list | None,
         limit: int = 100, offset: int = 0) -> tuple[list[HumanTask], list | None]:
    """The tasks after the key `after` (of `keyset`) and `offset` more, at most `limit`
    (500); with the key to continue after when more follow."""
    return paging.keyset_page(matching(user, filters), keyset, after=after,
                              limit=min(limit, 500), offset=offset)
