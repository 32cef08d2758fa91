"""The clerk's inbox: my tasks, tasks held for an absent colleague and my groups' unclaimed
tasks; claiming and releasing from it; filters, sorting, working days left and marks."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Case, HumanTask, Item, db
from app.services.workflow import inbox, memo
from tests.cases.service_item_steps import open_task, start_case
from tests.conftest import headers_for, user
from tests.test_i18n import _chrome_in_chinese, _data_strings

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)


def _end_of(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:59").replace(tzinfo=SHANGHAI)


@pytest.fixture
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _task(client, item_code: str, *, assignee: str | None = None, absent: str | None = None,
          due: str | None = None, case_no: str | None = None) -> HumanTask:
    """A case's intake task, put where the test wants it."""
    task = open_task(start_case(client, item_code)["id"], "intake")
    task.assignee_id = user(assignee).id if assignee else None
    task.delegated_from_id = user(absent).id if absent else None
    task.due_at = _end_of(due) if due else None
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == task.instance_id))
    case.case_no = case_no
    db.session.commit()
    return task


def _page(client, query: str = "", who: str = "clerk") -> str:
    response = client.get(f"/{query}", headers=headers_for(who))
    assert response.status_code == 200, response.text[:500]
    return response.text


def _section(html: str, kind: str) -> str:
    return re.search(rf'<section id="section-{kind}">(.*?)</section>', html, re.S).group(1)


def _ids(html: str, kind: str | None = None) -> list[str]:
    return re.findall(r'href="/tasks/([0-9a-f-]{36})"', _section(html, kind) if kind else html)


@pytest.fixture
def three(client, clock):
    mine = _task(client, "MSA-002", assignee="clerk", due="2026-03-03", case_no="CASE-0001")
    held = _task(client, "MSA-003", assignee="clerk", absent="msa_b", due="2026-03-02",
                 case_no="CASE-0002")
    group = _task(client, "MSA-001", due="2026-02-27", case_no="CASE-0003")
    return mine, held, group


def test_tasks_are_split_into_mine_held_for_others_and_unclaimed(client, three):
    mine, held, group = three
    html = _page(client)
    assert _ids(html, "mine") == [mine.id]
    assert _ids(html, "delegated") == [held.id]
    assert _ids(html, "group") == [group.id]
    assert f"代 {user('msa_b').display_name}" in _section(html, "delegated")
    assert "未认领" in _section(html, "group") and "未认领" not in _section(html, "mine")
    assert "<caption><h2>我的任务" in html and '<th scope="col">剩余工作日</th>' in html


def test_someone_elses_claimed_task_is_not_in_my_inbox(client, three):
    mine, held, group = three
    mine.assignee_id = user("msa_b").id
    db.session.commit()
    assert mine.id not in _ids(_page(client))


def test_claim_and_release_from_the_inbox_return_to_it_with_its_filters(client, three):
    group = three[2]
    html = _page(client)
    form = re.search(rf'<form method="post" action="/tasks/{group.id}/claim">(.*?)</form>',
                     html, re.S).group(1)
    assert 'name="csrf_token"' in form and 'name="next" value="/"' in form
    clerk = headers_for("clerk")
    claimed = client.post(f"/tasks/{group.id}/claim", headers=clerk, data={"next": "/?item=MSA"})
    assert claimed.status_code == 303 and claimed.location == "/?item=MSA"
    db.session.refresh(group)
    assert group.assignee_id == user("clerk").id
    html = _page(client)
    assert "已认领：" in html and group.id in _ids(html, "mine")
    assert f'action="/tasks/{group.id}/unclaim"' in html
    released = client.post(f"/tasks/{group.id}/unclaim", headers=clerk, data={"next": "/"})
    assert released.status_code == 303 and released.location == "/"
    db.session.refresh(group)
    assert group.assignee_id is None and "已释放：" in _page(client)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil",
                                    "/\t/evil.example", "evil", ""])
def test_a_next_that_leaves_the_site_is_ignored(client, three, target):
    group = three[2]
    response = client.post(f"/tasks/{group.id}/claim", headers=headers_for("clerk"),
                           data={"next": target})
    assert response.status_code == 303 and response.location == f"/tasks/{group.id}"


def test_filters_by_item_case_number_and_deadline_window(client, three):
    mine, held, group = three
    assert _ids(_page(client, "?item=食品小作坊")) == [held.id]
    assert _ids(_page(client, "?item=msa-001")) == [group.id]  # code, any case
    assert _ids(_page(client, "?case_no=0001")) == [mine.id]
    assert _ids(_page(client, "?item=%25")) == []  # a wildcard is a plain character
    assert _ids(_page(client, "?due=overdue")) == [group.id]
    assert _ids(_page(client, "?due=today")) == [held.id]
    assert set(_ids(_page(client, "?due=3days"))) == {mine.id, held.id}
    assert 'value="食品小作坊"' in _page(client, "?item=食品小作坊")  # kept in the form


def test_three_working_days_stop_before_the_fourth(client, clock):
    thursday = _task(client, "MSA-002", assignee="clerk", due="2026-03-05")
    friday = _task(client, "MSA-002", assignee="clerk", due="2026-03-06")
    ids = _ids(_page(client, "?due=3days"))
    assert thursday.id in ids and friday.id not in ids


def test_bad_query_values_fall_back_to_the_defaults(client, three):
    html = _page(client, "?sort=DROP&due=yesterday&item=" + "x" * 500)
    assert re.search(r'<option value="deadline" selected>', html)
    assert re.search(r'<option value="all" selected>', html)
    assert inbox.Query.from_args({"item": "x" * 500}).item == "x" * 100


def test_sort_orders(client, three):
    mine, held, group = three
    none = _task(client, "MSA-004", assignee="clerk", case_no="CASE-0000")
    rows = lambda sort: [r.task.id for r in inbox.load(  # noqa: E731
        user("clerk"), inbox.Query(sort=sort)).rows]
    assert rows("deadline") == [group.id, held.id, mine.id, none.id]  # no deadline last
    assert rows("nonsense") == rows("deadline")
    assert rows("case_no") == [none.id, mine.id, held.id, group.id]
    for minute, task in enumerate((group, mine, none, held)):  # the clock stands still
        task.created_at = MONDAY.replace(hour=8, minute=minute)
    db.session.commit()
    assert rows("created") == [group.id, mine.id, none.id, held.id]
    by_item = {t.item_code: t.id for t in (mine, held, group, none)}
    codes = db.session.scalars(sa.select(Item.code).where(  # in the database's collation
        Item.code.in_(by_item), Item.superseded_at.is_(None)).order_by(Item.name))
    assert rows("item") == [by_item[code] for code in codes]
    # the page keeps the order within each section
    assert _ids(_page(client, "?sort=case_no")) == [none.id, mine.id, held.id, group.id]


def test_working_days_left_and_marks_under_a_frozen_clock(client, three):
    mine, held, group = three
    found = {r.task.id: (r.days_left, r.mark) for r in
             inbox.load(user("clerk"), inbox.Query()).rows}
    # Friday's deadline, Monday morning; Saturday 28 February was a make-up working day (调休)
    assert found[group.id] == (-2, inbox.OVERDUE)
    assert found[held.id] == (0, inbox.WARNING)  # due tonight: its last working day
    assert found[mine.id] == (1, None)  # due tomorrow: the warning fires tonight
    html = _page(client)
    assert re.search(r'<strong class="mark mark-overdue">逾期</strong>', _section(html, "group"))
    assert re.search(r'<strong class="mark mark-warning">预警</strong>',
                     _section(html, "delegated"))
    assert "2026-03-03 23:59" in _section(html, "mine")  # local time


def test_on_a_weekend_the_next_working_day_is_the_last(client, clock):
    task = _task(client, "MSA-002", assignee="clerk", due="2026-03-09")  # Monday
    clock.move_to(datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI))  # Saturday
    row = inbox.load(user("clerk"), inbox.Query()).rows[0]
    assert (row.task.id, row.days_left, row.mark) == (task.id, 1, inbox.WARNING)


def _statements(client, counted: list) -> int:
    db.session.expunge_all()  # requests share the test's session: start each one cold
    memo.forget()
    counted.clear()
    _page(client)
    return sum(statement.startswith("SELECT") for statement in counted)


def test_the_page_costs_the_same_queries_for_more_rows(client, clock):
    _task(client, "MSA-002", assignee="clerk", absent="msa_b", due="2026-03-03")
    counted = []
    listener = lambda *args: counted.append(args[2])  # noqa: E731
    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        _statements(client, counted)  # warms the working-day calendar's cache
        few = _statements(client, counted)
        for n, absent in enumerate(("msa_b", "hea_a", "hea_b", "chief")):
            _task(client, "MSA-003", assignee="clerk", absent=absent, due="2026-03-04",
                  case_no=f"CASE-1{n}")
        _task(client, "MSA-001")
        assert _statements(client, counted) == few
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def test_the_english_page_has_no_chinese_chrome(client, three):
    html = _page(client, "?lang=en&due=all")
    assert '<html lang="en">' in html and "Unclaimed in my groups" in html
    data = _data_strings() + [t.title for t in three] + ["张三"]
    assert _chrome_in_chinese(html, data) == []
