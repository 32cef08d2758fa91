"""Deadlines follow the calendar: a case accepted in late December counts into the next year
by the holiday rules (暂定) and moves when that year is confirmed with another arrangement;
an edited day moves a joint department's waiting limit. The timers fire at the new moments."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, CalendarYear, HumanTask, WorkingDeadline, db
from app.services import calendar
from app.services.calendar import admin as calendar_admin
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (case_of, complete, notices, open_names, open_task,
                                            required_materials, start_case)
from tests.conftest import DATA, headers_for, user
from tests.joint.joint_steps import accept, branch_task, opinion_states, start_joint

LOCAL = ZoneInfo("Asia/Shanghai")
DECEMBER_MONDAY = datetime(2026, 12, 21, 9, 30, tzinfo=LOCAL)
TIMER = Actor.system("timer")
NOTICE_2027 = (DATA / "notice_2027_test.txt").read_text(encoding="utf-8")
NOTICE_NO = "国办发明电〔2026〕99号"


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(DECEMBER_MONDAY, tick=False) as traveller:
        yield traveller


def admin() -> Actor:
    return Actor.of(user("admin"))


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def fire_due_at(clock, moment: datetime) -> list[int]:
    clock.move_to(moment)
    due = timers.due_instance_ids(now=datetime.now(ZoneInfo("UTC")))
    for instance_id in due:
        timers.fire(instance_id, TIMER)
    return due


def accepted_promise_case(client, item_code: str = "MSA-002") -> int:
    case_id = start_case(client, item_code)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials(item_code))
    return case_id


def test_a_december_case_counts_into_the_provisional_year_and_says_so(client):
    case_id = accepted_promise_case(client)  # 10 promised working days
    case = case_of(case_id)
    # 12-22 … 12-31 are 8 working days; 2027-01-01 is 元旦 by rule; then 01-04, 01-05.
    assert local_day(case.deadline_at) == date(2027, 1, 5)
    assert calendar.year_status(2027) == "provisional"
    assert any("暂定" in entry["note"] for entry in case.history)
    body = client.get(f"/api/cases/{case_id}", headers=headers_for("clerk")).json
    assert body["deadlineProvisional"] is True
    task = open_task(case_id, "window_review")
    page = client.get(f"/tasks/{task.id}", headers=headers_for("clerk")).text
    assert "暂定" in page
    inbox = client.get("/?due=all", headers=headers_for("clerk")).text
    assert "暂定" in inbox


def test_confirming_the_year_moves_the_deadline_and_its_timers(client, clock):
    case_id = accepted_promise_case(client)
    review = open_task(case_id, "window_review")
    old_deadline = case_of(case_id).deadline_at
    confirmed = calendar_admin.confirm_notice("CN", 2027, NOTICE_2027, NOTICE_NO, admin())
    db.session.commit()
    assert confirmed.moved_instances == 1
    assert date(2027, 1, 4) in {c.day for c in confirmed.changes}  # now a holiday
    case = case_of(case_id)
    # With 01-01 … 01-04 off, the 9th and 10th working days are 01-05 and 01-06.
    assert local_day(case.deadline_at) == date(2027, 1, 6)
    db.session.refresh(review)
    assert review.due_at == case.deadline_at
    assert "期限调整（工作日历变更）" in case.history[-1]["note"]
    assert NOTICE_NO in case.history[-1]["note"]
    moved = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == case_id, AuditEvent.action == "deadline.moved")).all()
    assert len(moved) == 1
    assert notices(case_id, "deadline_moved")  # the handlers are told
    stored = db.session.get(CalendarYear, ("CN", 2027))
    assert stored.status == "confirmed" and stored.document_no == NOTICE_NO
    assert not client.get(f"/api/cases/{case_id}",
                          headers=headers_for("clerk")).json["deadlineProvisional"]

    # The 预警 timer now waits for the end of 01-05 (it would have fired after 01-04).
    assert fire_due_at(clock, datetime(2027, 1, 5, 8, 0, tzinfo=LOCAL)) == []
    assert not notices(case_id, "warning")
    assert fire_due_at(clock, datetime(2027, 1, 6, 8, 0, tzinfo=LOCAL)) == [case_id]
    assert notices(case_id, "warning") and not case_of(case_id).overdue
    assert fire_due_at(clock, datetime(2027, 1, 6, 23, 0, tzinfo=LOCAL)) == []
    fire_due_at(clock, datetime(2027, 1, 7, 8, 0, tzinfo=LOCAL))
    case = case_of(case_id)
    assert case.overdue and case.deadline_at != old_deadline
    assert case.decision == "deemed_approved"  # MSA-002 allows 超时默认, at the new moment


def test_a_second_confirmation_with_the_same_days_moves_nothing(client):
    accepted_promise_case(client)
    calendar_admin.confirm_notice("CN", 2027, NOTICE_2027, NOTICE_NO, admin())
    again = calendar_admin.confirm_notice("CN", 2027, NOTICE_2027, NOTICE_NO, admin())
    assert again.changes == [] and again.moved_instances == 0


def test_an_edited_day_moves_a_joint_departments_waiting_limit(client, clock):
    clock.move_to(datetime(2026, 3, 2, 9, 30, tzinfo=LOCAL))
    case_id = start_joint(client)
    accept(client, case_id)
    hcd = branch_task(case_id, "HCD")  # 5 working days: due at the end of 03-09
    assert local_day(hcd.due_at) == date(2026, 3, 9)
    moved = calendar_admin.set_day("CN", date(2026, 3, 5), False, "地方节日", admin())
    db.session.commit()
    assert moved == 1
    db.session.refresh(hcd)
    assert local_day(hcd.due_at) == date(2026, 3, 10)
    fire_due_at(clock, datetime(2026, 3, 10, 8, 0, tzinfo=LOCAL))
    assert opinion_states(case_id)["HCD"] == "pending"  # the old moment no longer fires
    fire_due_at(clock, datetime(2026, 3, 11, 8, 0, tzinfo=LOCAL))
    assert opinion_states(case_id)["HCD"] == "deemed"


def test_a_day_outside_every_deadline_moves_nothing(client):
    case_id = accepted_promise_case(client)
    before = case_of(case_id).deadline_at
    assert calendar_admin.set_day("CN", date(2027, 3, 3), False, "", admin()) == 0
    assert case_of(case_id).deadline_at == before


def test_deadlines_are_kept_with_what_they_were_counted_from(client):
    case_id = accepted_promise_case(client)
    rows = db.session.scalars(sa.select(WorkingDeadline).where(
        WorkingDeadline.instance_id == case_id)).all()
    assert rows and all(row.provisional for row in rows if row.due_at.year == 2027)
    assert {local_day(row.due_at) for row in rows} >= {date(2027, 1, 5)}
