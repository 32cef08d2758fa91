"""Administrators' monitoring pages: instances list and detail with their actions, the
dashboard's numbers and the working-day calendar editor."""
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, CalendarDay, CalendarYear, ProcessInstance, db
from app.models.process import COMPLETED, ERROR, RUNNING
from app.services.cases import dashboard
from app.services.workflow import instances, paging
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (ALL_MATERIALS, case_of, complete, instance_state,
                                            notices, open_task, start_case)
from tests.conftest import DATA, deploy_test_file, headers_for, user

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
PAGES = ["/admin/instances", "/admin/dashboard", "/admin/calendar?year=2026&month=10"]


@pytest.fixture(autouse=True)
def frozen_clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def admin():
    return headers_for("admin")


def post(client, path, **form):
    return client.post(path, data=form, headers=admin())


def instance_row(instance_id):
    from app.models import ProcessInstance
    instance = db.session.get(ProcessInstance, instance_id)
    db.session.refresh(instance)
    return instance


def audit_actions(instance_id):
    return list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.instance_id == instance_id)))


@pytest.mark.parametrize("path", PAGES + ["/admin/instances/{id}"])
def test_pages_are_for_administrators_only(client, path):
    path = path.format(id=start_case(client, "MSA-001")["id"])
    assert client.get(path, headers=admin()).status_code == 200
    assert client.get(path, headers=headers_for("clerk")).status_code == 403


def test_list_shows_a_started_case_and_filters_by_state(client):
    case_id = start_case(client, "MSA-001")["id"]
    page = client.get("/admin/instances?key=service_item", headers=admin()).text
    assert f'href="/admin/instances/{case_id}"' in page
    intake = open_task(case_id, "intake")
    row = page.split(f'href="/admin/instances/{case_id}"', 1)[1].split("</tr>", 1)[0]
    assert "service_item v" in row and "个体工商户设立登记" in row and "2026-03-02 09:30" in row
    assert f"{intake.title}（" in row  # the open task and who holds it
    running = client.get("/admin/instances?state=running", headers=admin()).text
    suspended = client.get("/admin/instances?state=suspended", headers=admin()).text
    assert f"#{case_id}<" in running and f"#{case_id}<" not in suspended
    assert client.get("/admin/instances?state=bogus", headers=admin()).status_code == 400


def test_detail_shows_state_tasks_variables_and_timeline(client):
    case_id = start_case(client, "MSA-001", name="<b>张三</b>")["id"]
    page = client.get(f"/admin/instances/{case_id}", headers=admin()).text
    assert "instance.started" in page and open_task(case_id, "intake").title in page
    assert "<b>张三</b>" not in page and "&lt;b&gt;张三&lt;/b&gt;" in page  # escaped


def test_suspend_then_resume_through_the_forms(client):
    case_id = start_case(client, "MSA-001")["id"]
    done = post(client, f"/admin/instances/{case_id}/suspend")
    assert done.status_code == 303 and "outcome=suspended" in done.location
    assert instance_state(case_id) == "suspended"
    assert "已挂起流程实例" in client.get(done.location, headers=admin()).text
    refused = post(client, f"/admin/instances/{case_id}/suspend")
    assert refused.status_code == 409 and f"流程实例 {case_id} 不在运行中，不能挂起。" in refused.text
    assert "Traceback" not in refused.text
    assert post(client, f"/admin/instances/{case_id}/resume").status_code == 303
    assert instance_state(case_id) == "running"


def test_terminate_needs_a_reason(client):
    case_id = start_case(client, "MSA-001")["id"]
    assert post(client, f"/admin/instances/{case_id}/terminate", reason=" ").status_code == 400
    assert instance_state(case_id) == "running"
    unconfirmed = post(client, f"/admin/instances/{case_id}/terminate", reason="申请人撤回")
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.text
    assert instance_state(case_id) == "running"
    assert post(client, f"/admin/instances/{case_id}/terminate",
                reason="申请人撤回", confirm="yes").status_code == 303
    assert instance_state(case_id) == "terminated"


def test_actions_refuse_a_clerk(client):
    case_id = start_case(client, "MSA-001")["id"]
    response = client.post(f"/admin/instances/{case_id}/suspend", headers=headers_for("clerk"))
    assert response.status_code == 403 and instance_state(case_id) == "running"


def test_retry_clears_an_incident_once_the_cause_is_gone(client):
    case_id = start_case(client, "MSA-001")["id"]
    instance = instance_row(case_id)
    instance.state, instance.incident = ERROR, "a mail server was down"
    db.session.commit()
    assert "a mail server was down" in client.get(f"/admin/instances/{case_id}",
                                                  headers=admin()).text
    assert post(client, f"/admin/instances/{case_id}/retry").status_code == 303
    instance = instance_row(case_id)
    assert instance.state == "running" and instance.incident is None
    assert "instance.retried" in audit_actions(case_id)
    again = client.post(f"/api/process-instances/{case_id}/retry", headers=admin())
    assert again.status_code == 409 and again.json["code"] == "not_in_error"


def test_retry_that_fails_again_keeps_the_instance_in_error(client, frozen_clock):
    deploy_test_file("timer_reminder.bpmn")
    at = MONDAY.astimezone(timezone.utc)
    instance = instances.start("timer_reminder", Actor.system("tests"), variables={
        "remind_at": (at + timedelta(hours=1)).isoformat(),
        "deadline_at": (at + timedelta(days=1)).isoformat()})  # no reminder_text: script fails
    frozen_clock.move_to(MONDAY + timedelta(hours=2))
    fired = post(client, f"/admin/instances/{instance.id}/timers/remind/fire", reason="测试")
    assert fired.status_code == 303
    assert instance_row(instance.id).state == ERROR
    response = post(client, f"/admin/instances/{instance.id}/retry")
    assert response.status_code == 422 and "reminder_text" in response.text
    instance = instance_row(instance.id)
    assert instance.state == ERROR and "reminder_text" in instance.incident


def _accepted_promise_case(client) -> int:
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    return case_id


def test_fire_timers_now_moves_a_promise_case_past_its_warning(client):
    case_id = _accepted_promise_case(client)
    assert not notices(case_id, "warning")
    page = client.get(f"/admin/instances/{case_id}", headers=admin()).text
    timer = _waiting_timer(case_id, "预警")
    confirm_link = f"/admin/instances/{case_id}/timers/{timer['timer']}/fire"
    assert confirm_link in page and "立即触发…" in page
    confirm = client.get(confirm_link, headers=admin()).text
    assert "此操作不可撤销" in confirm and timer["name"] in confirm
    refused = post(client, confirm_link)  # no reason given: nothing fires
    assert refused.status_code == 400 and "请填写原因" in refused.text
    assert not notices(case_id, "warning")
    done = post(client, confirm_link, reason="系统停机补发预警")
    assert done.status_code == 303 and "outcome=timers_fired" in done.location
    assert notices(case_id, "warning")
    [fired] = [e for e in audit_events(case_id) if e.action == "timer.fired_now"]
    assert fired.detail["reason"] == "系统停机补发预警"
    assert [t["timer"] for t in fired.detail["timers"]] == [timer["timer"]]
    assert {t["timer"] for t in _waiting(case_id)} and timer["timer"] not in {
        t["timer"] for t in _waiting(case_id)}  # the others still wait
    again = post(client, confirm_link, reason="再次")
    assert again.status_code == 409
    api = client.post(f"/api/process-instances/{case_id}/fire-timers",
                      headers=headers_for("clerk"))
    assert api.status_code == 403


def _waiting(instance_id: int) -> list[dict]:
    from app.services.workflow import execution, timers
    return timers.waiting(execution.get_instance(instance_id))


def _waiting_timer(instance_id: int, words: str) -> dict:
    return next(t for t in _waiting(instance_id) if words in t["name"])


def audit_events(instance_id: int):
    import sqlalchemy as sa

    from app.models import AuditEvent, db
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)))


def test_reassign_moves_the_task_and_is_audited(client):
    case_id = start_case(client, "MSA-001")["id"]
    task = open_task(case_id, "intake")
    page = client.get(f"/admin/instances/{case_id}", headers=admin()).text
    assert "候选人" in page
    stand_in = user("msa_b")  # the window's other clerk (AB post): a candidate of 受理
    response = post(client, f"/admin/instances/{case_id}/tasks/{task.id}/reassign",
                    assignee=str(stand_in.id))
    assert response.status_code == 303
    db.session.refresh(task)
    assert task.assignee_id == stand_in.id
    [event] = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.task_id == task.id, AuditEvent.action == "task.reassigned"))
    assert event.detail["assignee"] == stand_in.id
    bad = post(client, f"/admin/instances/{case_id}/tasks/{task.id}/reassign", assignee="0")
    assert bad.status_code == 400


def _reassign_select(page: str, task_id: str) -> list[str]:
    select = page.split(f'id="assignee-{task_id}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="(\d+)"', select)


def test_reassign_offers_only_people_who_may_hold_the_task(client):
    case_id = start_case(client, "MSA-001")["id"]
    task = open_task(case_id, "intake")
    offered = _reassign_select(client.get(f"/admin/instances/{case_id}", headers=admin()).text,
                               task.id)
    assert str(user("clerk").id) in offered and str(user("msa_b").id) in offered
    for outsider in ("chief", "leader", "admin"):  # other roles, or another department's
        assert str(user(outsider).id) not in offered


def test_reassign_to_an_ineligible_person_is_refused_in_the_pages_language(client):
    case_id = start_case(client, "MSA-001")["id"]
    task = open_task(case_id, "intake")
    before = task.assignee_id
    url = f"/admin/instances/{case_id}/tasks/{task.id}/reassign"
    refused = post(client, url, assignee=str(user("chief").id))
    assert refused.status_code == 400
    assert "不能办理此任务" in refused.text and "只能改派给该任务的候选人" in refused.text
    db.session.refresh(task)
    assert task.assignee_id == before
    english = client.post(f"{url}?lang=en", data={"assignee": str(user("chief").id)},
                          headers=admin())
    assert english.status_code == 400 and "cannot handle this task" in english.text


def test_reassign_through_the_api_lists_and_checks_the_candidates(client):
    case_id = start_case(client, "MSA-001")["id"]
    task = open_task(case_id, "intake")
    listed = client.get(f"/api/tasks/{task.id}/candidates", headers=admin())
    assert listed.status_code == 200
    names = {person["username"] for person in listed.json["items"]}
    assert {"clerk", "msa_b"} <= names and "chief" not in names
    refused = client.post(f"/api/tasks/{task.id}/reassign", json={"assignee": user("chief").id},
                          headers=admin())
    assert refused.status_code == 400 and refused.json["code"] == "not_a_candidate"
    unknown = client.post(f"/api/tasks/{task.id}/reassign", json={"assignee": True},
                          headers=admin())
    assert unknown.status_code == 400 and unknown.json["code"] == "unknown_user"
    done = client.post(f"/api/tasks/{task.id}/reassign", json={"assignee": user("msa_b").id},
                       headers=admin())
    assert done.status_code == 200 and done.json["assignee"] == user("msa_b").id
    clerk = client.get(f"/api/tasks/{task.id}/candidates", headers=headers_for("clerk"))
    assert clerk.status_code == 403


def _chart(page: str, chart_id: str) -> dict[str, int]:
    table = page.split(f'id="{chart_id}-table"', 1)[1].split("</table>", 1)[0]
    return {label: int(value) for label, value in re.findall(
        r'<th scope="row">([^<]*)</th><td>(\d+)</td>', table)}


def _snapshot(client) -> dict:
    page = client.get("/admin/dashboard", headers=admin()).text
    figures = {name: int(re.search(rf'id="{name}-count">(\d+)<', page).group(1))
               for name in ("overdue", "warned", "flagged", "completed")}
    return {"instances": _chart(page, "instances"), "tasks": _chart(page, "tasks"),
            "statuses": _chart(page, "statuses"), "ended": _chart(page, "ended"),
            "concluded": _chart(page, "concluded"), **figures}


def _delta(after: dict, before: dict) -> dict:
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


def test_dashboard_counts_match_the_data(client):
    before = _snapshot(client)
    first, second, third, fourth = (start_case(client, "MSA-001")["id"] for _ in range(4))
    post(client, f"/admin/instances/{second}/suspend")
    row = instance_row(third)
    row.state = ERROR
    now = datetime.now(timezone.utc)
    case = case_of(first)
    case.overdue, case.concluded_at = True, now
    case_of(second).auto_accepted = True  # open and flagged
    instance_row(fourth).state = COMPLETED
    ended = case_of(fourth)  # ended: a flag raised on the way is no longer counted
    ended.status_code, ended.concluded_at, ended.decision_limit_exceeded = 13, now, True
    case_of(third).warned_at = now  # open, warned
    case.warned_at = now  # concluded: no longer counted
    db.session.commit()
    after = _snapshot(client)
    assert _delta(after["instances"], before["instances"]) == {"运行中": 1, "已挂起": 1, "异常": 1}
    assert after["completed"] - before["completed"] == 1
    assert sum(_delta(after["tasks"], before["tasks"]).values()) == 4  # four intake tasks
    assert _delta(after["statuses"], before["statuses"]) == {"已接件": 3}
    assert _delta(after["ended"], before["ended"]) == {"办结（不通过）": 1}
    assert after["overdue"] - before["overdue"] == 1
    assert after["flagged"] - before["flagged"] == 1
    assert after["warned"] - before["warned"] == 1
    assert _delta(after["concluded"], before["concluded"]) == {"03-02": 2}
    assert dashboard.instance_counts()["suspended"] == after["instances"]["已挂起"]
    assert "<svg" in client.get("/admin/dashboard", headers=admin()).text


def test_the_dashboard_counts_the_history_up_to_the_cap_and_the_work_in_hand_exactly(
        client, app, monkeypatch):
    done = [start_case(client, "MSA-001")["id"] for _ in range(2)]
    for _ in range(2):
        start_case(client, "MSA-001")  # running: more than the cap below
    for instance_id in done:
        instance_row(instance_id).state = COMPLETED
        case = case_of(instance_id)
        case.status_code, case.overdue = 11, True
    db.session.commit()
    monkeypatch.setattr(paging, "COUNT_CAP", 1)
    monkeypatch.setitem(app.jinja_env.globals, "count_cap", 1)
    page = client.get("/admin/dashboard", headers=admin()).text
    assert 'id="completed-count">超过 1<' in page and 'id="overdue-count">超过 1<' in page
    assert '<th scope="row">办结（通过）</th><td>超过 1</td>' in page
    running = db.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance)
                                .where(ProcessInstance.state == RUNNING))
    assert running >= 2 and _chart(page, "instances")["运行中"] == running
    assert "计至 1 为止" in page
    english = client.get("/admin/dashboard?lang=en", headers=admin()).text
    assert 'id="completed-count">more than 1<' in english


def test_calendar_shows_holidays_and_saves_a_day(client):
    page = client.get("/admin/calendar?year=2026&month=10", headers=admin()).text
    national_day = page.split('id="day-2026-10-01"', 1)[1].split("</td>", 1)[0]
    assert "法定节假日" in national_day
    response = post(client, "/admin/calendar/day", day="2026-06-03", kind="holiday",
                    note="地方纪念日")
    assert response.status_code == 303
    row = db.session.get(CalendarDay, ("CN", datetime(2026, 6, 3).date()))
    db.session.refresh(row)
    assert row.is_workday is False and row.note == "地方纪念日" and row.source == "admin"
    page = client.get("/admin/calendar?year=2026&month=6", headers=admin()).text
    day = page.split('id="day-2026-06-03"', 1)[1].split("</td>", 1)[0]
    assert "法定节假日" in day and "地方纪念日" in day


def test_a_refused_calendar_day_comes_back_in_its_form_with_the_input_kept(client):
    refused = post(client, "/admin/calendar/day", day="2026-06-03", kind="", note="地方纪念日")
    assert refused.status_code == 400
    day_form = refused.text.split('action="/admin/calendar/day"', 1)[1].split("</form>", 1)[0]
    assert 'id="cal-day-error">未能保存：请选择日期类型</p>' in day_form
    assert 'value="2026-06-03"' in day_form and 'value="地方纪念日"' in day_form
    assert 'aria-describedby="cal-day-error"' in day_form
    assert db.session.get(CalendarDay, ("CN", datetime(2026, 6, 3).date())).note != "地方纪念日"


def test_a_day_of_a_year_not_stored_yet_is_saved_on_its_year_made_by_rule(client):
    page = client.get("/admin/calendar?year=2099&month=6", headers=admin()).text
    assert "2099 年：暂定" in page and "尚未保存" in page
    saved = post(client, "/admin/calendar/day", day="2099-06-03", kind="holiday", note="地方节日")
    assert saved.status_code == 303
    stored = db.session.get(CalendarYear, ("CN", 2099))
    assert stored.status == "provisional" and stored.source == "rules"
    page = client.get("/admin/calendar?year=2099&month=6", headers=admin()).text
    saturday = page.split('id="day-2099-06-06"', 1)[1].split("</td>", 1)[0]
    assert "休息日" in saturday and "地方节日" in page and "尚未保存" not in page
    again = post(client, "/admin/calendar/year", year="2099")
    assert again.status_code == 400 and "2099 年的工作日历已存在" in again.text
    year_form = again.text.split('action="/admin/calendar/year"', 1)[1].split("</form>", 1)[0]
    assert 'id="cal-year-error"' in year_form and 'value="2099"' in year_form


def test_the_dashboard_says_which_coming_year_is_provisional(client, frozen_clock):
    from app.services.calendar import admin as calendar_admin
    assert "工作日历为暂定" not in client.get("/admin/dashboard", headers=admin()).text
    frozen_clock.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    page = client.get("/admin/dashboard", headers=admin()).text
    assert "2027 年工作日历为暂定" in page  # a 20-day deadline from mid-December reaches it
    assert "/admin/calendar/notice?year=2027" in page
    notice = (DATA / "notice_2027_test.txt").read_text(encoding="utf-8")
    calendar_admin.confirm_notice("CN", 2027, notice, "国办发明电〔2026〕99号", Actor.system("tests"))
    assert "工作日历为暂定" not in client.get("/admin/dashboard", headers=admin()).text


def test_the_api_fires_one_named_timer_with_its_reason(client):
    case_id = _accepted_promise_case(client)
    timer = _waiting_timer(case_id, "预警")
    bad = client.post(f"/api/process-instances/{case_id}/fire-timers", headers=admin(),
                      json={"timer": 5})
    assert bad.status_code == 400 and bad.json["errors"][0]["field"] == "timer"
    unknown = client.post(f"/api/process-instances/{case_id}/fire-timers", headers=admin(),
                          json={"timer": "no_such_timer"})
    assert unknown.status_code == 409 and unknown.json["code"] == "timer_not_waiting"
    done = client.post(f"/api/process-instances/{case_id}/fire-timers", headers=admin(),
                       json={"timer": timer["timer"], "reason": "接口补发"})
    assert done.status_code == 200 and done.json["fired"] is True
    assert notices(case_id, "warning")
    assert timer["timer"] not in {t["timer"] for t in _waiting(case_id)}
