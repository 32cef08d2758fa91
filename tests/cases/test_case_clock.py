"""A case's clock after acceptance (行政许可法 art. 42, 45): extensions add up against the cap
whoever asks and however often, approved by the head of the agency (a joint case's extra 15
days by the county government); a 特别程序 moves every deadline by exactly the working days it
lasted and no timer fires while it runs; a case past its 法定时限 is flagged once."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, HumanTask, JointOpinion, db
from app.services import calendar
from app.services.cases import clock as case_clock
from app.services.cases import clock_watch as case_clock_watch
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (case_of, complete, notices, open_task,
                                            required_materials, start_case)
from tests.conftest import headers_for, user
from tests.joint.joint_steps import accept, department_id, start_joint

LOCAL = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def accepted(client, item_code: str = "MSA-003") -> int:  # MSA-003: 7 promised, 20 legal
    case_id = start_case(client, item_code)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials(item_code))
    return case_id


def post(client, path: str, body: dict, username: str, expect: int):
    response = client.post(path, json=body, headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response.json


def extend(client, case_id: int, days: int, username: str = "clerk", expect: int = 201):
    return post(client, f"/api/cases/{case_id}/extensions",
                {"days": days, "reason": "需要现场核查"}, username, expect)


def decide(client, event_id: int, approve: bool, username: str = "leader", expect: int = 200):
    return post(client, f"/api/extensions/{event_id}/decision",
                {"approve": approve, "note": "同意"}, username, expect)


def test_extensions_add_up_against_the_cap_of_ten_working_days(client):
    case_id = accepted(client)
    before = case_of(case_id).deadline_at
    first = extend(client, case_id, 4)
    assert first["state"] == "requested" and first["approverRole"] == "approving_leader"
    assert notices(case_id, "extension_requested")  # the leader is told
    extend(client, case_id, 1, expect=409)  # one request waits at a time
    assert decide(client, first["id"], True)["movedDays"] == 4
    case = case_of(case_id)
    assert case.deadline_at == calendar.shift_working_days(before, 4)
    assert open_task(case_id, "window_review").due_at == case.deadline_at
    told = notices(case_id, "extended")
    assert len(told) == 1 and "延长 4 个工作日" in told[0].body  # 延期通知书

    second = extend(client, case_id, 6)
    decide(client, second["id"], True)
    assert case_of(case_id).deadline_at == calendar.shift_working_days(before, 10)
    refused = extend(client, case_id, 1, expect=422)
    assert refused["code"] == "extension_beyond_limit"
    assert refused["errors"][0]["field"] == "days"
    body = client.get(f"/api/cases/{case_id}/clock", headers=headers_for("clerk")).json
    assert body["extendedDays"] == 10 and body["extensionDaysLeft"] == 0
    # The law's limit: 20 legal days after acceptance, plus the 10 lawfully added.
    assert body["statutoryDeadlineAt"] == calendar.shift_working_days(
        case_of(case_id).deadline_at, 13).isoformat()


def test_only_the_departments_leader_decides_once(client):
    case_id = accepted(client)
    before = case_of(case_id).deadline_at
    event = extend(client, case_id, 3)
    assert decide(client, event["id"], True, "clerk", 403)["code"] == "not_extension_approver"
    decide(client, event["id"], True, "hea_leader", 403)  # another department's leader
    decide(client, event["id"], True, "county", 403)  # the county decides joint cases only
    assert [e["id"] for e in client.get("/api/extensions",
                                        headers=headers_for("leader")).json["items"]] \
        == [event["id"]]
    assert client.get("/api/extensions", headers=headers_for("hea_leader")).json["items"] == []
    decide(client, event["id"], False)
    decide(client, event["id"], True, expect=409)
    assert case_of(case_id).deadline_at == before
    assert notices(case_id, "extension_refused") and not notices(case_id, "extended")


def test_extension_requests_are_checked_by_name(client):
    case_id = accepted(client)
    for days in (0, 11, "3", True, None):
        problem = extend(client, case_id, days, expect=400)
        assert problem["errors"][0]["field"] == "days"
    problem = post(client, f"/api/cases/{case_id}/extensions", {"days": 2}, "clerk", 400)
    assert problem["errors"][0]["field"] == "reason"
    assert extend(client, case_id, 2, "hea_a", 403)["code"] == "not_case_handler"
    assert extend(client, 999999, 2, expect=404)["code"] in ("not_found", "case_not_found")
    unaccepted = start_case(client, "MSA-003")["id"]
    assert extend(client, unaccepted, 2, expect=409)["code"] == "case_not_accepted"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "case.extension_requested")) == 0


def test_a_joint_case_gets_fifteen_days_from_the_county_and_its_branches_move(client):
    case_id = start_joint(client)
    accept(client, case_id)
    hea = db.session.scalar(sa.select(JointOpinion).where(
        JointOpinion.instance_id == case_id, JointOpinion.department_id == department_id("HEA")))
    branch_before, case_before = hea.deadline_at, case_of(case_id).deadline_at
    response = client.post(f"/api/joint-cases/{case_id}/extension",
                           json={"days": 15, "reason": "需联合踏勘"}, headers=headers_for("clerk"))
    assert response.status_code == 202, response.json
    event_id = response.json["id"]
    decide(client, event_id, True, "leader", 403)  # not the head of the agency here
    decide(client, event_id, True, "county")
    db.session.refresh(hea)
    assert hea.deadline_at == calendar.shift_working_days(branch_before, 15)
    assert case_of(case_id).deadline_at == calendar.shift_working_days(case_before, 15)
    branch = db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == case_id, HumanTask.state == "open",
        HumanTask.candidate_department_id == department_id("HEA")))
    assert branch.due_at == hea.deadline_at
    assert extend(client, case_id, 1, expect=422)["code"] == "extension_beyond_limit"


def pause(client, case_id: int, days: int, kind: str = "special", expect: int = 201, **extra):
    return post(client, f"/api/cases/{case_id}/pauses",
                {"kind": kind, "procedure": "hearing", "days": days, "reason": "申请人要求听证",
                 **extra}, "clerk", expect)


def end(client, event_id: int, expect: int = 200):
    return post(client, f"/api/pauses/{event_id}/end", {"note": "听证已结束"}, "clerk", expect)


def test_a_special_procedure_moves_the_deadline_by_exactly_the_days_it_lasted(client, clock):
    case_id = accepted(client)
    before = case_of(case_id).deadline_at
    event = pause(client, case_id, 5)
    case = case_of(case_id)
    assert case.status_code == 9 and case.deadline_at == calendar.shift_working_days(before, 5)
    assert "预计 5 个工作日" in notices(case_id, "paused")[0].body
    pause(client, case_id, 2, expect=409)  # one pause at a time
    clock.move_to(datetime(2026, 3, 4, 10, 0, tzinfo=LOCAL))  # Wednesday: 2 working days
    ended = end(client, event["id"])
    assert ended["state"] == "ended" and ended["movedDays"] == 2
    case = case_of(case_id)
    assert case.status_code == 10
    assert case.deadline_at == calendar.shift_working_days(before, 2)
    assert open_task(case_id, "window_review").due_at == case.deadline_at
    end(client, event["id"], 409)


def test_no_timer_fires_while_a_procedure_runs_longer_than_expected(client, clock):
    case_id = accepted(client, "MSA-002")  # 超时默认 when its 10 days pass
    before = case_of(case_id).deadline_at
    event = pause(client, case_id, 1, procedure="testing")
    sweeps = 0
    for day in range(3, 32):  # every day of March, the sweep and the timers run
        clock.move_to(datetime(2026, 3, day, 8, 0, tzinfo=LOCAL))
        sweeps += case_clock_watch.watch()["held"]
        for instance_id in timers.due_instance_ids():
            timers.fire(instance_id, Actor.system("timer"))
    case = case_of(case_id)
    assert case.decision is None and not case.overdue  # not deemed approved mid-procedure
    assert sweeps > 10
    ended = end(client, event["id"])
    lasted = calendar.working_days_between(MONDAY, datetime(2026, 3, 31, 8, 0, tzinfo=LOCAL))
    assert ended["movedDays"] == lasted
    assert case_of(case_id).deadline_at == calendar.shift_working_days(before, lasted)


def test_a_correction_pauses_the_clock_only_where_the_item_says_so(client, clock):
    case_id = accepted(client)
    assert pause(client, case_id, 3, kind="correction", expect=422)["code"] == \
        "correction_does_not_pause"
    case_of(case_id).item.correction_pauses = True
    db.session.commit()
    event = pause(client, case_id, 3, kind="correction")
    assert case_of(case_id).status_code == 6
    end(client, event["id"])
    assert case_of(case_id).status_code == 7
    assert pause(client, case_id, 3, procedure="picnic", expect=400)["errors"][0]["field"] == \
        "procedure"


def test_a_case_past_its_statutory_limit_is_flagged_to_the_center_once(client, clock):
    case_id = accepted(client)
    limit = calendar.shift_working_days(case_of(case_id).deadline_at, 13)
    clock.move_to(limit.replace(hour=20))
    assert case_clock_watch.watch()["flagged"] == 0  # the last day is not yet over
    clock.move_to(calendar.shift_working_days(limit, 1).replace(hour=9))
    assert case_clock_watch.watch()["flagged"] == 1
    assert case_clock_watch.watch()["flagged"] == 0
    case = case_of(case_id)
    assert "statutory_limit_exceeded" in case.flags
    told = notices(case_id, "statutory_limit_exceeded")
    assert user("admin").id in {n.recipient_user_id for n in told}  # 报中心督办


def form_post(client, path: str, data: dict, username: str):
    client.get("/", headers=headers_for(username))
    return client.post(path, data=data, headers=headers_for(username))


def test_the_case_page_asks_decides_and_words_a_refusal_in_both_languages(client):
    case_id = accepted(client)
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "法定时限届满" in page and "申请延期" in page and "0 / 10 个工作日" in page
    refused = form_post(client, f"/cases/{case_id}/extensions",
                        {"days": "12", "reason": "现场核查"}, "clerk")
    assert refused.status_code == 400
    assert "现场核查" in refused.text  # what was typed is kept
    response = form_post(client, f"/cases/{case_id}/extensions",
                         {"days": "3", "reason": "现场核查"}, "clerk")
    assert response.status_code == 303
    again = form_post(client, f"/cases/{case_id}/extensions",
                      {"days": "1", "reason": "再次"}, "clerk")
    assert again.status_code == 409 and "该件已有延期申请待审批" in again.text
    english = client.get(f"/cases/{case_id}?lang=en", headers=headers_for("clerk")).text
    assert "Time limits" in english and "waits for the head of the department" in english
    client.get("/?lang=zh", headers=headers_for("clerk"))

    approvals = client.get("/extensions", headers=headers_for("leader")).text
    assert "现场核查" in approvals
    event_id = case_clock_events(case_id)[0].id
    confirm = client.get(f"/extensions/{event_id}", headers=headers_for("leader")).text
    assert "此操作不可撤销" in confirm and "批准延期" in confirm
    assert client.get(f"/extensions/{event_id}", headers=headers_for("hea_leader")).status_code \
        == 403
    decided = form_post(client, f"/extensions/{event_id}/decision",
                        {"approve": "yes", "note": "同意"}, "leader")
    assert decided.status_code == 303
    assert "3 / 10 个工作日" in client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text


def case_clock_events(case_id):
    return case_clock.events(case_id)


def test_a_pause_is_started_and_ended_from_the_case_page_after_a_confirmation(client, clock):
    case_id = accepted(client)
    started = form_post(client, f"/cases/{case_id}/pauses",
                        {"kind": "special", "procedure": "expert_review", "days": "4",
                         "reason": "组织专家评审"}, "clerk")
    assert started.status_code == 303
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "专家评审" in page and "预计 4 个工作日" in page
    event_id = case_clock_events(case_id)[0].id
    clock.move_to(datetime(2026, 3, 3, 15, 0, tzinfo=LOCAL))
    confirm = client.get(f"/pauses/{event_id}/end", headers=headers_for("clerk")).text
    assert "确认结束" in confirm
    assert form_post(client, f"/pauses/{event_id}/end", {"note": "评审通过"},
                     "clerk").status_code == 303
    assert case_of(case_id).status_code == 10


def test_each_extension_and_pause_has_its_written_notice(client, clock):
    case_id = accepted(client)
    decide(client, extend(client, case_id, 2)["id"], True)
    event = pause(client, case_id, 3, procedure="appraisal")
    kinds = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "延长审批期限通知书" in kinds and "特别程序告知书" in kinds
    extension_events = [e for e in case_clock_events(case_id) if e.kind == "extension"]
    page = client.get(f"/cases/{case_id}/notices/extension-{extension_events[0].id}",
                      headers=headers_for("clerk"))
    assert page.status_code == 200
    text = page.text
    assert "第四十二条" in text and "延长 2 个工作日" in text and "需要现场核查" in text
    clock.move_to(datetime(2026, 3, 4, 10, 0, tzinfo=LOCAL))
    end(client, event["id"])
    pdf = client.get(f"/cases/{case_id}/notices/pause-{event['id']}.pdf",
                     headers=headers_for("clerk"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = client.get(f"/cases/{case_id}/notices/pause-{event['id']}",
                      headers=headers_for("clerk")).text
    assert "鉴定" in text and "历时 2 个工作日" in text and "第四十五条" in text
    assert client.get(f"/cases/{case_id}/notices/pause-99999",
                      headers=headers_for("clerk")).status_code == 404
    assert client.get(f"/cases/{case_id}/notices/pause-x",
                      headers=headers_for("clerk")).status_code == 404


def test_an_administrator_says_which_items_pause_for_a_correction(client):
    response = client.put("/api/items/MSA-003", json={"correctionPauses": True},
                          headers=headers_for("admin"))
    assert response.status_code == 200, response.json
    assert response.json["correctionPauses"] is True
    case_id = accepted(client)  # a case of the new version
    pause(client, case_id, 2, kind="correction", reason="补正检验报告")
    assert client.get(f"/api/cases/{case_id}/clock",
                      headers=headers_for("clerk")).json["paused"] is True
    bad = client.put("/api/items/MSA-003", json={"correctionPauses": "maybe"},
                     headers=headers_for("admin"))
    assert bad.status_code == 400


def test_the_approver_may_read_the_case_he_decides_for_and_nobody_else_may(client):
    case_id = accepted(client)
    assert client.get(f"/cases/{case_id}", headers=headers_for("leader")).status_code == 403
    extend(client, case_id, 2)
    assert client.get(f"/cases/{case_id}", headers=headers_for("leader")).status_code == 200
    assert client.get(f"/cases/{case_id}", headers=headers_for("hea_leader")).status_code == 403
    # The same rule for the API: the approver reads the clock he decides on.
    assert client.get(f"/api/cases/{case_id}/clock",
                      headers=headers_for("leader")).json["extensionDaysLeft"] == 10
    assert client.get(f"/api/cases/{case_id}/clock",
                      headers=headers_for("hea_leader")).status_code == 403
