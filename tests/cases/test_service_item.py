"""The 即办件/承诺件 process, every path, reloading the workflow after every step."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.services.cases import dashboard
from tests.cases.service_item_steps import (ALL_MATERIALS, case_of, complete, instance_state,
                                            notices, open_names, open_task, required_materials,
                                            start_case)
from tests.conftest import headers_for, user

# A Monday: 10 working days later is 2026-03-16, 12 is 2026-03-18.
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_outside_remit_is_refused_with_reasons_and_remedy_rights(client):
    case_id = start_case(client, "MSA-002")["id"]
    assert case_of(case_id).status_code == 1  # 已接件
    complete(client, case_id, "intake", "clerk", within_remit=False, materials_received=[],
             refusal_reasons="属于县卫生健康局职权", redirect_to="县卫生健康局")
    case = case_of(case_id)
    assert case.status_code == 5 and case.case_no is None
    [notice] = notices(case_id, "not_accepted")
    assert "属于县卫生健康局职权" in notice.body and "县卫生健康局提出申请" in notice.body
    assert "行政复议" in notice.body and "行政诉讼" in notice.body
    assert notices(case_id, "not_accepted", channel="sms")  # the applicant gave a phone
    assert instance_state(case_id) == "completed"


def test_refusal_without_reasons_is_rejected_by_the_form(client):
    case_id = start_case(client, "MSA-002")["id"]
    response = complete(client, case_id, "intake", "clerk", expect=400, within_remit=False,
                        materials_received=[])
    assert {e["field"] for e in response.json["errors"]} >= {"refusal_reasons", "redirect_to"}
    assert case_of(case_id).status_code == 1


def test_missing_materials_are_all_listed_once_then_supplemented(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form"])
    case = case_of(case_id)
    assert case.status_code == 6
    [notice] = notices(case_id, "missing_materials")
    assert "身份证明" in notice.body and "经营场所证明" in notice.body
    assert case.supplements[0]["missing"] == ["id_card", "premises_proof"]
    complete(client, case_id, "supplement", "clerk", materials_received=ALL_MATERIALS)
    case = case_of(case_id)
    assert case.status_code == 3 and case.case_no
    assert [h["code"] for h in case.history] == [1, 6, 7, 3]
    assert case.supplements[0]["ended_at"] is not None


def test_instant_item_is_decided_on_the_spot(client):
    case_id = start_case(client, "MSA-001")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert open_names(case_id) == ["decide_on_spot"]
    task = open_task(case_id, "decide_on_spot")  # MSA's 授权书 grants direct approval
    assert (task.candidate_role, task.assignee_id) == ("chief_representative", user("chief").id)
    assert task.authorization_letter_id is not None
    complete(client, case_id, "decide_on_spot", "chief", decision="approve")
    case = case_of(case_id)
    assert case.status_code == 11 and case.decision == "approve"
    assert case.case_no.startswith("53232520260302")
    assert [n.kind for n in notices(case_id, "concluded")] == ["concluded"]
    assert instance_state(case_id) == "completed"


def test_promise_item_accepted_reviewed_denied_with_reasons(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    case = case_of(case_id)
    assert case.status_code == 3
    local_deadline = case.deadline_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert local_deadline.date().isoformat() == "2026-03-16"  # 10 working days after 03-02
    [accepted] = notices(case_id, "accepted")
    assert case.case_no in accepted.body and "2026年03月16日" in accepted.body
    complete(client, case_id, "window_review", "clerk", review_opinion="材料真实，场所不符合要求",
             recommendation="deny")
    response = complete(client, case_id, "department_decision", "leader", expect=400,
                        decision="deny")
    assert {e["field"] for e in response.json["errors"]} == {"decision_reasons", "legal_basis"}
    complete(client, case_id, "department_decision", "leader", decision="deny",
             decision_reasons="经营场所不符合食品安全要求", legal_basis="《食品经营许可管理办法》第十一条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    case = case_of(case_id)
    assert case.status_code == 13 and case.decision == "deny"
    [concluded] = notices(case_id, "concluded")
    assert "经营场所不符合食品安全要求" in concluded.body and "第十一条" in concluded.body
    assert "行政复议" in concluded.body


def test_clerk_cannot_take_the_leaders_decision(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "window_review", "clerk", review_opinion="同意", recommendation="approve")
    response = complete(client, case_id, "department_decision", "clerk", expect=403,
                        decision="approve")
    assert response.json["code"] == "not_your_task"


def test_case_numbers_are_sequential_per_center_and_day(client):
    numbers = []
    for _ in range(2):
        case_id = start_case(client, "MSA-001")["id"]
        complete(client, case_id, "intake", "clerk", within_remit=True,
                 materials_received=ALL_MATERIALS)
        numbers.append(case_of(case_id).case_no)
    first, second = sorted(numbers)
    assert first[:-5] == second[:-5] and int(second[-5:]) == int(first[-5:]) + 1


def _accepted_promise_case(client, item_code: str) -> int:
    case_id = start_case(client, item_code)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials(item_code))
    return case_id


def _fire_due(now: datetime) -> list[int]:
    from app.services.workflow import timers
    from app.services.workflow.actor import Actor
    due = timers.due_instance_ids(now=now)
    for instance_id in due:
        timers.fire(instance_id, Actor.system("timer"))
    return due


def test_warning_one_working_day_before_the_deadline(client, frozen_clock):
    case_id = _accepted_promise_case(client, "MSA-002")
    frozen_clock.move_to(datetime(2026, 3, 13, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert _fire_due(datetime.now(ZoneInfo("UTC"))) == []  # 9th working day not over yet
    warned_before = dashboard.warned_cases()
    frozen_clock.move_to(datetime(2026, 3, 14, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert _fire_due(datetime.now(ZoneInfo("UTC"))) == [case_id]
    assert notices(case_id, "warning")  # handlers told
    assert case_of(case_id).warned_at == datetime.now(ZoneInfo("UTC"))
    assert dashboard.warned_cases() == warned_before + 1  # 已预警未办结
    assert open_names(case_id) == ["window_review"]  # work goes on
    assert not case_of(case_id).overdue


def test_overdue_unit_is_deemed_to_approve_where_the_item_allows(client, frozen_clock):
    case_id = _accepted_promise_case(client, "MSA-002")  # 超时默认 enabled
    complete(client, case_id, "window_review", "clerk", review_opinion="同意", recommendation="approve")
    frozen_clock.move_to(datetime(2026, 3, 17, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    _fire_due(datetime.now(ZoneInfo("UTC")))
    case = case_of(case_id)
    assert case.overdue and case.decision == "deemed_approved"
    assert case.responsible_unit == "县市场监督管理局"
    assert notices(case_id, "deemed_approved")  # 超时默认通知书
    assert open_names(case_id) == ["deliver"]  # the leader's task was withdrawn
    complete(client, case_id, "deliver", "clerk", delivery_method="electronic",
             electronic_address="zhangsan@example.com")
    assert case_of(case_id).status_code == 11
    assert instance_state(case_id) == "completed"


def test_overdue_without_deemed_approval_is_escalated(client, frozen_clock):
    case_id = _accepted_promise_case(client, "NRP-001")  # 12 working days, no 超时默认
    frozen_clock.move_to(datetime(2026, 3, 19, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    _fire_due(datetime.now(ZoneInfo("UTC")))
    case = case_of(case_id)
    assert case.overdue and case.decision is None
    overdue = notices(case_id, "overdue")
    assert overdue and any(n.recipient_user_id for n in overdue)
    assert open_names(case_id) == ["overdue_decision"]
    complete(client, case_id, "overdue_decision", "nrp_leader", decision="approve")
    # NRP's window has no 制证权 over NRP-001: the leader makes the licence, the window delivers
    made = client.post(f"/api/cases/{case_id}/licence", headers=headers_for("nrp_leader"))
    assert made.status_code == 201 and made.json["madeBy"] == user("nrp_leader").id
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert case_of(case_id).status_code == 11
