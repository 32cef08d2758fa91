"""受理决定权 and 办理结果投递权: the window accepts and delivers only under a letter granting
it, else the leader takes the step (the processes driven through the API, the workflow
reloaded after every step)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, db
from app.models.identity import WINDOW_CLERK
from app.services import authorization
from app.services.authorization import letters, rate
from app.services.cases import delivery
from app.services.supervision import assessment, indicator_records
from app.services.organization import routing
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (ALL_MATERIALS, case_of, complete, open_names,
                                            open_task, start_case)
from tests.committee.committee_steps import department, reissue_letter
from tests.conftest import headers_for, user
from tests.joint.joint_steps import accept as accept_joint
from tests.joint.joint_steps import start_joint

SHANGHAI = ZoneInfo("Asia/Shanghai")
MISSING_MSA_002 = "授权书 MSA授〔2026〕9号 未授予事项 MSA-002 的受理决定权，受理决定由分管领导作出"


@pytest.fixture
def clock(session):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def _without_acceptance_of_msa_002():
    return reissue_letter("MSA", {"MSA-001": ["acceptance", "approval"],
                                  "MSA-002": ["approval", "coordination"]}, "chief")


def _where(task) -> tuple:
    db.session.refresh(task)
    return task.candidate_role, task.candidate_department_id, task.assignee_id, \
        task.authorization_letter_id


def _rerouted(task) -> list[str]:
    return [e.detail["reason"] for e in db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.task_id == task.id, AuditEvent.action == "task.rerouted"))]


def test_a_window_whose_letter_grants_acceptance_accepts(client, clock):
    case_id = start_case(client, "MSA-002")["id"]
    letter = authorization.valid_letter(department("MSA").id, date(2026, 3, 2))
    assert _where(open_task(case_id, "intake")) == (
        WINDOW_CLERK, department("MSA").id, user("clerk").id, letter.id)
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert case_of(case_id).status_code == 3 and case_of(case_id).case_no


def test_without_the_power_the_intake_goes_to_the_leader(client, clock):
    _without_acceptance_of_msa_002()
    case_id = start_case(client, "MSA-002")["id"]
    task = open_task(case_id, "intake")
    assert _where(task) == ("approving_leader", department("MSA").id, None, None)
    complete(client, case_id, "intake", "clerk", expect=403, within_remit=True,
             materials_received=ALL_MATERIALS)
    assert case_of(case_id).case_no is None
    page = client.get(f"/tasks/{task.id}", headers=headers_for("leader"))
    assert page.status_code == 200 and MISSING_MSA_002 in page.text  # why it is with them
    complete(client, case_id, "intake", "leader", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert case_of(case_id).status_code == 3


def test_the_supplement_stays_with_the_window_after_the_leaders_decision(client, clock):
    _without_acceptance_of_msa_002()
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "leader", within_remit=True,
             materials_received=["application_form"])
    assert open_task(case_id, "supplement").assignee_id == user("clerk").id  # records materials
    complete(client, case_id, "supplement", "clerk", materials_received=ALL_MATERIALS)
    assert case_of(case_id).status_code == 3


def test_a_letter_lapsing_before_completion_refuses_and_reroutes(client, clock):
    admin = Actor.of(user("admin"))
    old = authorization.valid_letter(department("MSA").id, date(2026, 3, 2))
    letters.revoke(old.id, "重新授权", admin)
    short = letters.issue({
        "number": "MSA授〔2026〕5号", "department_id": department("MSA").id,
        "grantee_id": user("chief").id, "issuer": "局长", "issued_on": "2026-03-02",
        "filed_on": "2026-03-02", "valid_from": "2026-03-02", "valid_until": "2026-03-03",
        "items": [{"item_code": "MSA-002", "powers": ["acceptance"]}]}, admin)
    case_id = start_case(client, "MSA-002")["id"]
    task = open_task(case_id, "intake")
    assert _where(task)[2:] == (user("clerk").id, short.id)
    clock.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI))  # expired yesterday
    response = complete(client, case_id, "intake", "clerk", expect=403, within_remit=True,
                        materials_received=ALL_MATERIALS)
    assert response.json["code"] == "acceptance_power_missing"
    assert response.json["detail"] == "本部门 2026-03-04 无有效授权书，受理决定由分管领导作出"
    assert _where(task) == ("approving_leader", department("MSA").id, None, None)  # kept
    assert _rerouted(task) == [response.json["detail"]]
    assert case_of(case_id).case_no is None and open_names(case_id) == ["intake"]
    complete(client, case_id, "intake", "leader", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert case_of(case_id).status_code == 3


def test_a_lapsed_power_does_not_stop_a_refusal_which_is_reported(client, clock):
    case_id = start_case(client, "MSA-002")["id"]
    task = open_task(case_id, "intake")
    letter = authorization.valid_letter(department("MSA").id, date(2026, 3, 2))
    letter.valid_until = date(2026, 3, 3)  # as if it ran out (no reroute until completion)
    db.session.commit()
    clock.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI))
    complete(client, case_id, "intake", "clerk", within_remit=False, materials_received=[],
             redirect_to="县卫生健康局", refusal_reasons="不属于本部门职权范围")
    db.session.refresh(task)
    assert task.state == "completed" and open_names(case_id) == ["file_denial_report"]


def test_revoking_the_letter_moves_the_open_intake_to_the_leader(client, clock):
    case_id = start_case(client, "MSA-002")["id"]
    task = open_task(case_id, "intake")
    letter = _without_acceptance_of_msa_002()  # revokes the demo letter first
    assert _where(task) == ("approving_leader", department("MSA").id, None, None)
    assert _rerouted(task)[0].startswith("授权书 MSA授〔2026〕1号 已撤销")
    assert letter.id is not None


def test_auto_acceptance_happens_by_law_and_records_the_missing_power(client, clock):
    _without_acceptance_of_msa_002()
    case_id = start_case(client, "MSA-002")["id"]
    clock.move_to(datetime(2026, 3, 10, 8, 0, tzinfo=SHANGHAI))
    for instance_id in timers.due_instance_ids(now=datetime.now(ZoneInfo("UTC"))):
        assert timers.fire(instance_id, Actor.system("timer"))
    case = case_of(case_id)
    assert case.status_code == 3 and case.auto_accepted
    [event] = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == case_id, AuditEvent.action == "case.auto_accepted"))
    assert event.detail["note"] == ("授权书 MSA授〔2026〕9号 未授予事项 MSA-002 的受理决定权；"
                                    "依法视为受理，不受授权限制")
    record = client.get(f"/cases/{case_id}", headers=headers_for("leader")).text
    assert "依法视为受理，不受授权限制" in record


def test_the_joint_lead_windows_acceptance_follows_the_same_rule(client, clock):
    # The demo's CUL letter grants no 受理决定权 over its joint item CUL-003.
    case_id = start_joint(client, "CUL-003", "cul_a")
    task = open_task(case_id, "intake")
    assert _where(task) == ("approving_leader", department("CUL").id, None, None)
    accept_joint(client, case_id, "CUL-003", "cul_leader")
    assert case_of(case_id).status_code == 3
    granted = start_joint(client)  # MSA-005: MSA's letter grants it
    assert open_task(granted, "intake").candidate_role == WINDOW_CLERK
    accept_joint(client, granted)
    assert case_of(granted).status_code == 3


def test_the_acceptance_rate_counts_the_items_the_window_accepts(clock):
    _without_acceptance_of_msa_002()
    row = next(r for r in rate.report(date(2026, 3, 2)).departments
               if r.department.code == "MSA")
    at_window = [code for code in ("MSA-001", "MSA-002", "MSA-003", "MSA-004", "MSA-005")
                 if routing.route(WINDOW_CLERK, {"department_id": department("MSA").id,
                                                 "item_code": code},
                                  day=date(2026, 3, 2), name="intake").role == WINDOW_CLERK]
    assert at_window == ["MSA-001"]
    assert (row.cells["acceptance"].authorized, row.cells["acceptance"].total) == (1, 5)


def test_the_clerks_page_says_the_acceptance_went_to_the_leader(client, clock):
    case_id = start_case(client, "MSA-002")["id"]
    task = open_task(case_id, "intake")
    authorization.valid_letter(department("MSA").id, date(2026, 3, 2)).valid_until = \
        date(2026, 3, 3)  # as if it ran out
    db.session.commit()
    clock.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI))
    page = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"), data={
        "within_remit": "true", "materials_received": ALL_MATERIALS})
    assert page.status_code == 403 and "无有效授权书，受理决定由分管领导作出" in page.text
    assert _where(task)[0] == "approving_leader" and case_of(case_id).case_no is None


def _decided(client, case_id: int) -> None:
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")
    complete(client, case_id, "department_decision", "leader", decision="approve")  # no 审批权


def test_the_window_delivers_under_a_letter_granting_delivery(client, clock):
    case_id = start_case(client, "MSA-002")["id"]
    _decided(client, case_id)
    letter = authorization.valid_letter(department("MSA").id, date(2026, 3, 2))
    assert _where(open_task(case_id, "deliver")) == (
        WINDOW_CLERK, department("MSA").id, user("clerk").id, letter.id)
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert case_of(case_id).concluded_at is not None


def test_without_delivery_power_the_leader_delivers_and_the_page_says_why(client, clock):
    reissue_letter("MSA", {"MSA-002": ["acceptance", "coordination"]}, "chief")
    case_id = start_case(client, "MSA-002")["id"]
    _decided(client, case_id)
    task = open_task(case_id, "deliver")
    assert _where(task) == ("approving_leader", department("MSA").id, None, None)
    refused = client.post(f"/api/tasks/{task.id}/complete", headers=headers_for("clerk"),
                          json={"variables": {"delivery_method": "window"}})
    assert refused.status_code == 403
    why = "授权书 MSA授〔2026〕9号 未授予事项 MSA-002 的办理结果投递权，办结送达由分管领导办理"
    page = client.get(f"/tasks/{task.id}", headers=headers_for("leader"))
    assert page.status_code == 200 and why in page.text
    complete(client, case_id, "deliver", "leader", delivery_method="window")
    assert case_of(case_id).concluded_at is not None


def test_revoking_delivery_power_moves_the_waiting_delivery_to_the_leader(client, clock):
    case_id = start_case(client, "MSA-002")["id"]
    _decided(client, case_id)
    task = open_task(case_id, "deliver")
    reissue_letter("MSA", {"MSA-002": ["acceptance"]}, "chief")  # 投递权 withdrawn
    assert _where(task) == ("approving_leader", department("MSA").id, None, None)
    complete(client, case_id, "deliver", "leader", delivery_method="window")


def test_a_delivery_whose_letter_expired_goes_to_the_leader_on_completion(client, clock):
    case_id = start_case(client, "MSA-002")["id"]
    _decided(client, case_id)
    task = open_task(case_id, "deliver")
    clock.move_to(datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI))  # the year's letter ran out
    refused = client.post(f"/api/tasks/{task.id}/complete", headers=headers_for("clerk"),
                          json={"variables": {"delivery_method": "window"}})
    assert refused.status_code == 403 and refused.json["code"] == "delivery_power_missing"
    assert _where(task)[0] == "approving_leader"
    assert _rerouted(task) == ["本部门 2027-01-04 无有效授权书，办结送达由分管领导办理"]
    assert delivery.of_case(case_id) == []  # the refused step recorded nothing
    complete(client, case_id, "deliver", "leader", delivery_method="window")


def test_the_window_completion_rate_counts_the_deliveries_made_at_the_window(client, clock):
    """双百 (seed 003): 服务窗口审批办结率 = delivered at the window / delivered, per department."""
    at_window = start_case(client, "MSA-002")["id"]
    _decided(client, at_window)
    complete(client, at_window, "deliver", "clerk", delivery_method="window")
    reissue_letter("MSA", {"MSA-002": ["acceptance"]}, "chief")
    by_leader = start_case(client, "MSA-002")["id"]
    _decided(client, by_leader)
    complete(client, by_leader, "deliver", "leader", delivery_method="window")
    row = next(r for r in rate.report().departments if r.department.code == "MSA")
    assert (row.completion.authorized, row.completion.total) == (1, 2)
    assert row.completion.meets_target is False
    report = client.get("/api/reports/authorization-rate", headers=headers_for("clerk")).json
    msa = next(r for r in report["departments"] if r["departmentCode"] == "MSA")
    assert msa["windowCompletion"] == {"authorized": 1, "total": 2, "rate": 50.0,
                                       "target": 100.0, "meetsTarget": False}
    page = client.get("/admin/reports/authorization-rate", headers=headers_for("admin")).text
    assert "服务窗口审批办结率" in page and "1/2 = 50.0%" in page and "%%" not in page
    english = client.get("/admin/reports/authorization-rate?lang=en",
                         headers=headers_for("admin")).text
    assert "Cases concluded at the window" in english and "%%" not in english
    msa_id = department("MSA").id  # the month's 效能考评 reads the same figure
    month = indicator_records.window_completion(assessment.period_of("2026-03"))
    assert month[("department", msa_id, msa_id)] == [1, 2]
    assert indicator_records.window_completion(assessment.period_of("2026-02")) == {}
    next_year = rate.report(date(2027, 1, 4))  # counted from January 1st of the day's year
    assert next(r for r in next_year.departments
                if r.department.code == "MSA").completion.total == 0
