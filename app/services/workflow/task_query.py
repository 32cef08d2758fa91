"""Which tasks a user's task list holds and in what order: the filters of GET /api/tasks
(Camunda's names) and its sorts, each a total order read page by page from a cursor."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.models import HumanTask, User
from app.models.task import NO_DUE, OPEN, due_last, due_or_epoch
from app.services.workflow import assignment, paging

SORTS = ("dueDate", "created", "name", "id")


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
    return paging.Keyset(f"tasks.{sort_by}.{'desc' if descending else 'asc'}",
                         keys(sort_by, descending))


def keys(sort_by: str = "dueDate", descending: bool = False) -> tuple[paging.Key, ...]:
    """The terms of `order`, each read from a task (the inbox orders by them too)."""
    def key(expression, read, kind):
        return paging.Key(expression, read, kind, descending)
    created = key(HumanTask.created_at, lambda t: t.created_at, datetime)
    by_id = key(HumanTask.id, lambda t: t.id, str)
    return {
        # ix_human_task_open_due serves it ascending: a page reads a page of the index
        "dueDate": (paging.Key(due_last, lambda t: int(t.due_at is None), int),
                    key(due_or_epoch, lambda t: t.due_at or NO_DUE, datetime), created, by_id),
        # ix_human_task_open_created serves it, walked backwards when descending
        "created": (created, by_id),
        "name": (key(HumanTask.name, lambda t: t.name, str), created, by_id),
        "id": (by_id,),
    }[sort_by]


def page(user: User, filters: Filters, keyset: paging.Keyset, *, after: list | None,
         limit: int = 100, offset: int = 0) -> tuple[list[HumanTask], list | None]:
    """The tasks after the key `after` (of `keyset`) and `offset` more, at most `limit`
    (500); with the key to continue after when more follow."""
    return paging.keyset_page(matching(user, filters), keyset, after=after,
                              limit=min(limit, 500), offset=offset)
