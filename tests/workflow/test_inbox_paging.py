"""The inbox a page of 50 at a time, read by keyset: every sort walks every task once, page
after page and back, a task added or done between two pages neither repeats nor hides one,
the sections count every page's tasks, and a cursor that is not the page's own gives the
first page, never an error. The default order is the one ix_human_task_open_due serves."""
import base64
import html as markup
import json
import re
import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import HumanTask, db, utcnow
from app.services.workflow import inbox, paging
from tests.conftest import deploy_test_file, headers_for, user
from tests.test_i18n import _chrome_in_chinese, _data_strings
from tests.workflow.test_inbox_page import MONDAY, _ids, _page, _section, _task, clock  # noqa: F401

MANY = 57  # more than a page, less than two


def _clone(model: HumanTask, n: int, **values) -> HumanTask:
    """Another open task on the instance of `model`, its place in the lists set by `n`."""
    task = HumanTask(
        id=str(uuid.uuid4()), instance_id=model.instance_id, name=model.name,
        title=f"任务{n:03d}", lane=model.lane, candidate_role=model.candidate_role,
        candidate_department_id=model.candidate_department_id, item_code=model.item_code,
        department_id=model.department_id, state="open", **values)
    db.session.add(task)
    return task


@pytest.fixture
def many(client, clock):
    """MANY open tasks for the clerk, across four cases (one without a case number) and a
    process that has no case: mine, held for msa_b and unclaimed in turn; due on a few
    shared moments or never; created on shared minutes too, so that every sort has ties
    for its later terms to break."""
    models = [_task(client, "MSA-002", case_no="CASE-0003"),
              _task(client, "MSA-003", case_no="CASE-0001"),
              _task(client, "MSA-001", case_no="CASE-0002"),
              _task(client, "MSA-004")]
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    started = client.post("/api/process-definitions/key/two_step/start",
                          json={"variables": {"department_id": None}},
                          headers=headers_for("clerk"))
    assert started.status_code == 201, started.json
    caseless = replace_model(models[0], started.json["id"])
    models.append(caseless)
    clerk, absent = user("clerk").id, user("msa_b").id
    for n in range(MANY - len(models)):
        kind = n % 3
        _clone(models[n % len(models)], n, assignee_id=None if kind == 2 else clerk,
               delegated_from_id=absent if kind == 1 else None,
               due_at=None if n % 7 == 0 else MONDAY + timedelta(days=n % 5),
               created_at=MONDAY - timedelta(minutes=n % 11))
    db.session.commit()
    return MANY


def replace_model(model: HumanTask, instance_id: int) -> HumanTask:
    """The open task of a process without a case, routed as `model` (and so visible)."""
    task = db.session.scalar(sa.select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                        HumanTask.state == "open"))
    task.candidate_role, task.candidate_department_id = (model.candidate_role,
                                                         model.candidate_department_id)
    task.item_code, task.assignee_id = None, None
    return task


def _walk(query: inbox.Query) -> list[inbox.Inbox]:
    """Every page from the first, each after the cursor of the one before."""
    pages = [inbox.load(user("clerk"), query)]
    while pages[-1].next:
        assert len(pages) < 10
        pages.append(inbox.load(user("clerk"), replace(query, after=pages[-1].next)))
    return pages


def _whole(query: inbox.Query, monkeypatch) -> list[str]:
    with monkeypatch.context() as patch:
        patch.setattr(inbox, "PAGE_SIZE", 1000)
        box = inbox.load(user("clerk"), query)
    assert box.next is None and box.previous is None
    return [row.task.id for row in box.rows]


def _task_ids(box: inbox.Inbox) -> list[str]:
    return [row.task.id for row in box.rows]


@pytest.mark.parametrize("sort", inbox.SORTS)
def test_each_sort_pages_through_every_task_once(many, sort, monkeypatch):
    query = inbox.Query(sort=sort)
    pages = _walk(query)
    assert [len(p.rows) for p in pages] == [inbox.PAGE_SIZE, many - inbox.PAGE_SIZE]
    walked = [task_id for p in pages for task_id in _task_ids(p)]
    assert walked == _whole(query, monkeypatch)  # the order of the list read whole
    assert len(set(walked)) == many
    if sort in ("deadline", "created"):  # the order's own terms, read back from the rows
        terms = {"deadline": lambda t: (t.due_at is None, t.due_at or MONDAY, t.created_at),
                 "created": lambda t: (t.created_at,)}[sort]
        keys = [terms(row.task) for p in pages for row in p.rows]
        assert keys == sorted(keys)
    assert pages[0].previous is None and pages[1].previous is not None
    back = inbox.load(user("clerk"), replace(query, before=pages[1].previous))
    assert _task_ids(back) == _task_ids(pages[0]) and back.previous is None
    for box in pages:  # each section counts its tasks on every page
        assert sum(box.count(kind) for kind in inbox.KINDS) == many
        assert all(row.kind == inbox._kind(row.task) for row in box.rows)


@pytest.mark.parametrize("sort", inbox.SORTS)
def test_previous_pages_lead_back_page_by_page(many, sort, monkeypatch):
    monkeypatch.setattr(inbox, "PAGE_SIZE", 10)
    query = inbox.Query(sort=sort)
    pages = _walk(query)
    assert len(pages) == 6
    for earlier, later in zip(pages, pages[1:]):
        back = inbox.load(user("clerk"), replace(query, before=later.previous))
        assert _task_ids(back) == _task_ids(earlier)
        assert back.next == earlier.next  # and forward again from there


def test_a_cursor_stays_right_when_tasks_come_and_go_between_pages(many, monkeypatch):
    first = inbox.load(user("clerk"), inbox.Query())
    last, model = first.rows[-1].task, first.rows[0].task
    earlier = _clone(model, 900, assignee_id=user("clerk").id, created_at=MONDAY,
                     due_at=MONDAY - timedelta(days=30))  # before every task of page 1
    later = _clone(model, 901, assignee_id=None, due_at=last.due_at,
                   created_at=last.created_at + timedelta(seconds=1))  # just after page 1
    db.session.commit()
    whole = _whole(inbox.Query(), monkeypatch)
    second = inbox.load(user("clerk"), inbox.Query(after=first.next))
    assert _task_ids(second) == whole[whole.index(last.id) + 1:]  # where page 1 ended
    assert later.id in _task_ids(second) and earlier.id not in _task_ids(second)
    assert not set(_task_ids(first)) & set(_task_ids(second))
    assert len(first.rows) + len(second.rows) == many + 1  # only `earlier` is not seen
    done = second.rows[1].task  # done in the meantime: the page simply lacks it
    done.state = "completed"
    db.session.commit()
    again = inbox.load(user("clerk"), inbox.Query(after=first.next))
    assert _task_ids(again) == [t for t in _task_ids(second) if t != done.id]


def _links(html: str) -> dict[str, str]:
    found = re.findall(r'<a class="page-link" rel="(prev|next)" href="([^"]+)"', html)
    return {rel: markup.unescape(href) for rel, href in found}


def test_the_page_shows_its_50_tasks_by_section_and_links_its_neighbours(client, many):
    # The groups' tasks are the oldest: all on page 1, none on page 2
    db.session.execute(sa.update(HumanTask).where(HumanTask.assignee_id.is_(None))
                       .values(created_at=MONDAY - timedelta(days=1)))
    db.session.commit()
    html = _page(client, "?sort=created&due=all")
    counts = inbox.load(user("clerk"), inbox.Query(sort="created")).counts
    assert sum(counts.values()) == many
    shown = {kind: len(_ids(html, kind)) for kind in inbox.KINDS}
    assert sum(shown.values()) == inbox.PAGE_SIZE and shown["group"] == counts["group"]
    for kind, caption in (("mine", "我的任务"), ("delegated", "代办（AB岗/临时代行）")):
        assert f'<h2>{caption} <span class="count">（共 {counts[kind]} 项，本页 ' \
            f"{shown[kind]} 项）</span>" in html
    assert f'<h2>组内待认领 <span class="count">（{counts["group"]} 项）</span>' in html
    links = _links(html)
    assert set(links) == {"next"} and "sort=created" in links["next"]
    assert "due=" not in links["next"]  # the defaults are left out
    second = _page(client, links["next"].removeprefix("/"))
    assert set(_links(second)) == {"prev"}
    assert _ids(second, "group") == [] and "暂无待认领任务" not in second
    assert "本页没有这类任务，请翻页查看。" in _section(second, "group")
    assert f'（共 {counts["group"]} 项，本页 0 项）' in _section(second, "group")
    assert not set(_ids(second)) & set(_ids(html))
    assert len(_ids(second)) + len(_ids(html)) == many
    assert _ids(_page(client, _links(second)["prev"].removeprefix("/"))) == _ids(html)
    # claiming from page 2 comes back to page 2
    assert f'name="next" value="{markup.escape(links["next"])}"' in second


def test_the_english_pages_have_no_chinese_chrome(client, many):
    first = _page(client, "?lang=en")
    second = _page(client, _links(first)["next"].removeprefix("/"))
    assert re.search(r'rel="next" href="[^"]+">Next</a>', first)
    assert re.search(r'rel="prev" href="[^"]+">Previous</a>', second)
    titles = list(db.session.scalars(sa.select(HumanTask.title)))
    data = _data_strings() + titles + ["张三"]
    assert _chrome_in_chinese(first, data) == [] and _chrome_in_chinese(second, data) == []


def test_a_section_count_stops_at_the_cap(client, many, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    monkeypatch.setitem(client.application.jinja_env.globals, "count_cap", 3)
    html = _page(client)
    shown = len(_ids(html, "mine"))
    assert f"（超过 3 项，本页 {shown} 项）" in _section(html, "mine")
    assert f"(more than 3, {shown} on this page)" in _section(_page(client, "?lang=en"), "mine")


def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("arg", ["after", "before"])
@pytest.mark.parametrize("cursor", [
    "not a cursor", "%%%", "A" * 1600, _cursor({"id": 1}), _cursor(["inbox.deadline"]),
    _cursor(["inbox.deadline", 0, "2026-03-02T09:30:00", "2026-03-02T09:30:00+00:00", "x"]),
    _cursor(["inbox.deadline", "0", "2026-03-02T09:30:00+00:00", "2026-03-02T09:30:00+00:00",
             "x"]),
    _cursor(["tasks.dueDate.asc", 0, "2026-03-02T09:30:00+00:00",
             "2026-03-02T09:30:00+00:00", "x"]),
    _cursor(["inbox.deadline", 0, "2026-03-02T09:30:00+00:00", "2026-03-02T09:30:00+00:00",
             "x\u0000"]),  # a NUL no database column can be compared with
    _cursor(["inbox.deadline", 0, "0001-01-01T00:00:00+01:00", "2026-03-02T09:30:00+00:00",
             "x"]),  # before the first moment a datetime holds, in UTC
])
def test_a_cursor_not_of_this_page_gives_the_first_page(client, many, arg, cursor):
    first = _page(client)
    html = _page(client, "?" + f"{arg}={cursor}")
    assert "翻页链接已失效，已显示第一页。" in html and _ids(html) == _ids(first)
    assert "翻页链接已失效" not in first


def test_the_longest_cursor_the_inbox_writes_is_read_back():
    keyset = inbox.order("item")
    longest = [0, "\U00020000" * paging.MAX_TEXT, 1, MONDAY, MONDAY, str(uuid.uuid4())]
    assert paging.decode_cursor(keyset, paging.encode_cursor(keyset, longest)) == longest


def test_a_cursor_of_another_sort_gives_its_first_page_in_the_pages_language(client, many):
    cursor = inbox.load(user("clerk"), inbox.Query()).next
    by_case = _page(client, f"?sort=case_no&after={cursor}&lang=en")
    assert "The page link has expired; the first page is shown." in by_case
    assert _ids(by_case) == _ids(_page(client, "?sort=case_no"))


def test_a_cursor_past_every_task_gives_the_first_page(many):
    pages = _walk(inbox.Query())
    db.session.execute(sa.update(HumanTask).where(HumanTask.id.in_(_task_ids(pages[1])))
                       .values(state="completed"))
    db.session.commit()
    again = inbox.load(user("clerk"), inbox.Query(after=pages[0].next))
    assert _task_ids(again) == _task_ids(pages[0]) and again.previous is None
    assert not again.stale


def _selects(client, counted: list, query: str) -> int:
    from app.services.workflow import memo
    db.session.expunge_all()
    memo.forget()
    counted.clear()
    _page(client, query)
    return sum(statement.startswith("SELECT") for statement, _ in counted)


def test_a_page_by_cursor_costs_the_same_queries_for_more_tasks(client, many):
    counted = []
    listener = lambda *args: counted.append((args[2], args[3]))  # noqa: E731
    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        _selects(client, counted, "")  # warms the working-day calendar's cache
        cursor = inbox.load(user("clerk"), inbox.Query()).next
        few = _selects(client, counted, f"?after={cursor}")
        model = db.session.scalar(sa.select(HumanTask).where(HumanTask.state == "open"))
        for n in range(40):
            _clone(model, 500 + n, assignee_id=user("clerk").id,
                   delegated_from_id=user(("msa_b", "hea_a", "hea_b")[n % 3]).id,
                   due_at=MONDAY + timedelta(days=9))
        db.session.commit()
        assert _selects(client, counted, f"?after={cursor}") == few
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def test_the_sections_of_a_paged_inbox_are_counted_in_one_statement(many):
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        page = inbox.load(user("clerk"), inbox.Query())
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert page.next is not None  # more than a page: the sections are counted
    assert sum("count(*)" in statement for statement in seen) == 1
    clerk = user("clerk")
    stmt = inbox._statement(clerk, inbox.Query(), utcnow())
    assert page.counts == {kind: paging.bounded_count(stmt.where(inbox._section(kind, clerk)))
                           for kind in inbox.KINDS}
    assert sum(page.counts.values()) > len(page.rows)


def _page_statement(query: inbox.Query) -> tuple[str, dict]:
    seen = []
    listener = lambda *args: seen.append((args[2], args[3]))  # noqa: E731
    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        inbox.load(user("clerk"), query)
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return next((s, p) for s, p in seen if "ORDER BY" in s and "human_task" in s)


def test_postgresql_walks_the_open_due_index_for_the_default_order(many):
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        pytest.skip("the plan of PostgreSQL")
    # On a few rows a sort is cheaper: forbid it, so the plan shows whether the index can
    # give the order (a query whose terms differ from the index's would sort all the same).
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    first = inbox.load(user("clerk"), inbox.Query())
    for query, scan in ((inbox.Query(), "Index Scan using"),
                        (inbox.Query(after=first.next), "Index Scan using"),
                        (inbox.Query(before=first.next), "Index Scan Backward using")):
        statement, parameters = _page_statement(query)
        plan = "\n".join(connection.exec_driver_sql("EXPLAIN " + statement, parameters)
                         .scalars())
        assert f"{scan} ix_human_task_open_due" in plan and "Sort" not in plan, plan
        if query.after or query.before:  # the cursor seeks into the index
            assert "Index Cond: (ROW(" in plan, plan
