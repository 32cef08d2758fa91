"""负责人值班: scheduled on working days, checked in on the day by the person on duty only,
missed after the day, and the month's report with its counts."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, DutyShift, db
from app.services import calendar
from app.services.supervision import duty, sweep
from tests.conftest import headers_for, user
from tests.supervision.inspection_steps import local, post, unit

WEDNESDAY = local(2026, 12, 2, 9)  # 2026-12-05 is a Saturday


def _schedule(client, by: str, person: str, day: str, part: str = "morning", code="MSA"):
    return post(client, "/supervision/duty", by, department_id=str(unit(code).id),
                user_id=str(user(person).id), day=day, part=part)


@pytest.fixture
def week(session, client):
    """chief on Thursday morning, leader on Friday, nrp_chief on Thursday (all scheduled on
    Wednesday)."""
    with time_machine.travel(WEDNESDAY, tick=False):
        assert _schedule(client, "leader", "chief", "2026-12-03").status_code == 303
        assert _schedule(client, "supervisor", "leader", "2026-12-04",
                         "full_day").status_code == 303
        assert _schedule(client, "supervisor", "nrp_chief", "2026-12-03", "afternoon",
                         code="NRP").status_code == 303
    return {s.user_id: s for s in db.session.scalars(sa.select(DutyShift))}


def test_a_non_working_day_is_refused_with_a_clear_message(client, session):
    assert not calendar.is_workday(local(2026, 12, 5).date())
    with time_machine.travel(WEDNESDAY, tick=False):
        response = _schedule(client, "supervisor", "chief", "2026-12-05")
    assert response.status_code == 400
    assert "该日不是工作日" in response.text and 'id="schedule-day-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(DutyShift.id))) == 0


@pytest.mark.parametrize("form, status", [
    ({"day": "2026-12-01"}, 400),  # past
    ({"day": "12/03/2026"}, 400),
    ({"part": "night"}, 400),
    ({"user_id": "clerk"}, 400),  # the person must be a unit head
    ({"department_id": ""}, 400),
])
def test_bad_input_is_a_4xx_and_nothing_is_written(client, session, form, status):
    data = {"department_id": str(unit("MSA").id), "user_id": str(user("chief").id),
            "day": "2026-12-03", "part": "morning", **form}
    if data["user_id"] == "clerk":
        data["user_id"] = str(user("clerk").id)
    with time_machine.travel(WEDNESDAY, tick=False):
        response = post(client, "/supervision/duty", "supervisor", **data)
    assert response.status_code == status
    assert db.session.scalar(sa.select(sa.func.count(DutyShift.id))) == 0


def test_who_may_schedule(client, session):
    with time_machine.travel(WEDNESDAY, tick=False):
        assert _schedule(client, "clerk", "chief", "2026-12-03").status_code == 403
        assert _schedule(client, "leader", "nrp_chief", "2026-12-03",
                         code="NRP").status_code == 403  # another unit's
        assert _schedule(client, "leader", "chief", "2026-12-03").status_code == 303
        assert _schedule(client, "supervisor", "chief", "2026-12-03",
                         "afternoon").status_code == 409  # once a day
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "duty.scheduled")) == "duty.scheduled"


def test_only_the_person_on_duty_checks_in_and_only_on_the_day(client, week):
    shift = week[user("chief").id]
    url = f"/supervision/duty/{shift.id}/check-in"
    with time_machine.travel(WEDNESDAY, tick=False):
        assert post(client, url, "chief").status_code == 409  # the day before
    thursday = local(2026, 12, 3, 8)
    with time_machine.travel(thursday, tick=False):
        page = client.get("/supervision/duty", headers=headers_for("chief"))
        assert "值班签到" in page.text
        assert post(client, url, "leader").status_code == 403
        assert post(client, url, "chief").status_code == 303
        assert post(client, url, "chief").status_code == 409  # once
    db.session.refresh(shift)
    assert shift.checked_in_at == thursday
    assert db.session.scalar(sa.select(AuditEvent.actor).where(
        AuditEvent.action == "duty.checked_in")) == "chief"
    with time_machine.travel(local(2026, 12, 4, 9), tick=False):
        late = week[user("nrp_chief").id]
        assert post(client, f"/supervision/duty/{late.id}/check-in", "nrp_chief").status_code == 409


def test_a_duty_without_check_in_is_missed_after_its_day(client, week):
    with time_machine.travel(local(2026, 12, 3, 9), tick=False):
        post(client, f"/supervision/duty/{week[user('chief').id].id}/check-in", "chief")
        assert sweep.run()["mark_missed_duty"] == 0  # the day is not over
    with time_machine.travel(local(2026, 12, 4, 0), tick=False):
        assert sweep.run()["mark_missed_duty"] == 1
        assert sweep.run()["mark_missed_duty"] == 0
    db.session.expire_all()
    assert db.session.get(DutyShift, week[user("nrp_chief").id].id).missed_at is not None
    assert db.session.get(DutyShift, week[user("chief").id].id).missed_at is None
    assert db.session.get(DutyShift, week[user("leader").id].id).missed_at is None  # today


def test_the_monthly_report_counts_per_unit_and_person(client, week):
    with time_machine.travel(local(2026, 12, 3, 9), tick=False):
        post(client, f"/supervision/duty/{week[user('chief').id].id}/check-in", "chief")
    with time_machine.travel(local(2026, 12, 7, 9), tick=False):
        sweep.run()
        report = {(r.unit, r.person): (r.scheduled, r.checked_in, r.missed)
                  for r in duty.monthly_report("2026-12")}
        leader_page = client.get("/supervision/duty?month=2026-12",
                                 headers=headers_for("leader"))
        notice = client.get("/supervision/duty/notice?month=2026-12",
                            headers=headers_for("supervisor"))
        refused = client.get("/supervision/duty/notice?month=2026-12",
                             headers=headers_for("leader"))
    names = {u: user(u).display_name for u in ("chief", "leader", "nrp_chief")}
    assert report == {("县市场监督管理局", names["chief"]): (1, 1, 0),
                      ("县市场监督管理局", names["leader"]): (1, 0, 1),
                      ("县自然资源和规划局", names["nrp_chief"]): (1, 0, 1)}
    assert duty.monthly_report("2026-11") == []
    assert f"<td>{names['chief']}</td>" in leader_page.text  # units see their own only
    assert names["nrp_chief"] not in leader_page.text
    assert notice.status_code == 200 and "未到岗" in notice.text and names["nrp_chief"] in notice.text
    assert refused.status_code == 403


def test_a_duty_is_cancelled_before_its_day_only(client, week):
    thursday = week[user("chief").id]
    with time_machine.travel(WEDNESDAY, tick=False):
        page = client.get("/supervision/duty", headers=headers_for("leader"))
        assert "取消值班" in page.text and "data-confirm=" in page.text
        assert post(client, f"/supervision/duty/{thursday.id}/cancel", "chief").status_code == 403
        assert post(client, f"/supervision/duty/{thursday.id}/cancel", "leader").status_code == 303
    assert db.session.get(DutyShift, thursday.id) is None
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "duty.cancelled")) == "duty.cancelled"
    friday = week[user("leader").id]
    with time_machine.travel(local(2026, 12, 4, 9), tick=False):
        assert post(client, f"/supervision/duty/{friday.id}/cancel",
                    "supervisor").status_code == 409  # its day: checked in or missed
    assert db.session.get(DutyShift, friday.id) is not None


def test_the_schedule_form_asks_unit_and_person_in_one_choice(client, session):
    with time_machine.travel(WEDNESDAY, tick=False):
        page = client.get("/supervision/duty", headers=headers_for("supervisor")).text
        assert 'name="head"' in page and 'name="department_id"' not in page
        choice = f"{unit('MSA').id}:{user('chief').id}"
        assert f'value="{choice}"' in page
        assert post(client, "/supervision/duty", "supervisor", head=choice, day="2026-12-03",
                    part="morning").status_code == 303
        wrong = f"{unit('NRP').id}:{user('chief').id}"  # chief heads MSA, not NRP
        refused = post(client, "/supervision/duty", "supervisor", head=wrong, day="2026-12-04",
                       part="morning")
        assert refused.status_code == 400 and 'id="schedule-user_id-error"' in refused.text
        assert 'aria-describedby="schedule-user_id-error"' in refused.text
    [shift] = db.session.scalars(sa.select(DutyShift))
    assert (shift.department_id, shift.user_id) == (unit("MSA").id, user("chief").id)
