"""GET /api/tasks with Camunda's parameters: dueBefore / dueAfter filter, sortBy / sortOrder
order (each a total order ending on the id), read by a keyset cursor of that order; a wrong
value is a 400 naming the parameter."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.models import HumanTask, db
from tests.conftest import deploy_test_file, headers_for

DAY = datetime(2026, 3, 9, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai
URL = "/api/tasks?processInstanceId="


@pytest.fixture
def five(client):
    """Five open tasks (one per instance of two_step): due the day after DAY (two of them,
    created at one moment), due DAY, and none (two, created at one moment)."""
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    found = []
    for _ in range(5):
        response = client.post("/api/process-definitions/key/two_step/start",
                               json={"variables": {"department_id": None}},
                               headers=headers_for("clerk"))
        assert response.status_code == 201, response.json
        found.append(db.session.get(HumanTask, response.json["activeTasks"][0]["id"]))
    created = DAY - timedelta(days=7)
    plan = [(DAY + timedelta(days=1), created), (DAY + timedelta(days=1), created),
            (DAY, created + timedelta(hours=1)), (None, created - timedelta(hours=1)),
            (None, created - timedelta(hours=1))]
    for task, (due, made) in zip(found, plan):
        task.due_at, task.created_at = due, made
    db.session.flush()
    return found


def _ids(client, query: str = "", who: str = "admin") -> list[str]:
    response = client.get(f"/api/tasks?{query}", headers=headers_for(who))
    assert response.status_code == 200, response.json
    return [t["id"] for t in response.json["items"]]


def _paged(client, query: str) -> list[str]:
    """Every task of `query` by following `next` two at a time."""
    seen, cursor = [], None
    for _ in range(50):
        after = f"&after={cursor}" if cursor else ""
        body = client.get(f"/api/tasks?limit=2&{query}{after}", headers=headers_for("admin")).json
        assert len(body["items"]) <= 2
        seen += [t["id"] for t in body["items"]]
        cursor = body["next"]
        if cursor is None:
            return seen
    raise AssertionError("the pages never end")


def _by_id(ids: list[str], reverse: bool = False) -> list[str]:
    """Task ids in the database's order of its text (a collation may differ from Python's)."""
    column = HumanTask.id.desc() if reverse else HumanTask.id
    return list(db.session.scalars(sa.select(HumanTask.id).where(HumanTask.id.in_(ids))
                                   .order_by(column)))


def _mine(ids: list[str], tasks: list[HumanTask]) -> list[str]:
    ours = {t.id for t in tasks}
    return [i for i in ids if i in ours]


def test_the_default_order_is_due_first_without_due_last_then_created_then_id(client, five):
    t = five
    tie_due = _by_id([t[0].id, t[1].id])  # same due moment, same creation: by id
    tie_none = _by_id([t[3].id, t[4].id])
    expected = [t[2].id, *tie_due, *tie_none]
    assert _mine(_ids(client, "limit=500"), five) == expected
    paged = _paged(client, "")
    assert len(paged) == len(set(paged)) and paged == _ids(client, "limit=500")
    assert _mine(paged, five) == expected


def test_descending_due_keeps_tasks_without_due_last(client, five):
    t = five
    expected = [*_by_id([t[0].id, t[1].id], reverse=True), t[2].id,
                *_by_id([t[3].id, t[4].id], reverse=True)]
    query = "sortBy=dueDate&sortOrder=desc"
    assert _mine(_ids(client, f"{query}&limit=500"), five) == expected
    assert _paged(client, query) == _ids(client, f"{query}&limit=500")


@pytest.mark.parametrize("sort_by, key", [
    ("created", lambda t, rank: (t.created_at, rank[t.id])), ("id", lambda t, rank: rank[t.id]),
    ("name", lambda t, rank: (t.name, t.created_at, rank[t.id]))])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_each_sort_pages_by_its_own_cursor(client, five, sort_by, key, order):
    query = f"sortBy={sort_by}&sortOrder={order}"
    rank = {task_id: n for n, task_id in enumerate(_by_id([t.id for t in five]))}
    expected = [t.id for t in sorted(five, key=lambda t: key(t, rank), reverse=order == "desc")]
    whole = _ids(client, f"{query}&limit=500")
    assert _mine(whole, five) == expected
    assert _paged(client, query) == whole


def test_due_before_and_after_filter_strictly_and_leave_out_tasks_without_due(client, five):
    t = five
    assert set(_mine(_ids(client, "dueBefore=2026-03-09T09:00:01%2B08:00"), five)) == {t[2].id}
    assert _mine(_ids(client, "dueBefore=2026-03-09T09:00:00%2B08:00"), five) == []
    assert set(_mine(_ids(client, "dueAfter=2026-03-09T01:00:00Z"), five)) == {t[0].id, t[1].id}
    # a date is its midnight, a moment without offset the center's time (Asia/Shanghai)
    assert set(_mine(_ids(client, "dueAfter=2026-03-09"), five)) == {t[0].id, t[1].id, t[2].id}
    assert set(_mine(_ids(client, "dueBefore=2026-03-09T09:30"), five)) == {t[2].id}
    both = "dueAfter=2026-03-09T10:00:00%2B08:00&dueBefore=2026-03-11"
    assert set(_mine(_ids(client, both), five)) == {t[0].id, t[1].id}


@pytest.mark.parametrize("query, field, code", [
    ("dueBefore=tomorrow", "dueBefore", "invalid_moment"),
    ("dueAfter=2026-13-01", "dueAfter", "invalid_moment"),
    ("dueAfter=0001-01-01", "dueAfter", "invalid_moment"),
    ("sortBy=priority", "sortBy", "invalid_sort"),
    ("sortOrder=up", "sortOrder", "invalid_sort"),
    ("assignee=you", "assignee", "invalid_filter"),
])
def test_a_wrong_parameter_is_a_400_naming_it(client, query, field, code):
    response = client.get(f"/api/tasks?{query}", headers=headers_for("admin"))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.json["code"] == code
    assert [e["field"] for e in response.json["errors"]] == [field]


def test_a_cursor_of_another_sort_is_refused(client, five):
    cursor = client.get("/api/tasks?limit=1", headers=headers_for("admin")).json["next"]
    assert cursor is not None
    for query in ("sortBy=created", "sortOrder=desc", "sortBy=id"):
        response = client.get(f"/api/tasks?{query}&after={cursor}", headers=headers_for("admin"))
        assert response.status_code == 400 and response.json["code"] == "invalid_cursor", query
    same = client.get(f"/api/tasks?sortBy=dueDate&sortOrder=asc&after={cursor}",
                      headers=headers_for("admin"))
    assert same.status_code == 200  # the default sort, spelled out


def test_the_cursor_follows_the_filters_of_the_page(client, five):
    instance = five[0].instance_id
    body = client.get(f"{URL}{instance}", headers=headers_for("clerk")).json
    assert [t["id"] for t in body["items"]] == [five[0].id] and body["next"] is None
