"""The lead window's side of 联审联办: coordination and center decision, extensions, 催办,
joint meetings, and the board page and API."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, db
from app.services import calendar
from app.services.cases import notices as notices_module
from tests.cases.service_item_steps import (case_of, instance_state, notices, open_names,
                                            open_task)
from tests.conftest import headers_for
from tests.organization.organization_steps import make_staff
from tests.joint.joint_steps import (accept, answer, complete_named, department_id, opinion_states,
                                     rejected_by_hea, start_joint)

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def audits(instance_id, action):
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action == action)))


@pytest.fixture
def reviewed(client):
    return rejected_by_hea(client)


def test_a_rejection_goes_to_the_lead_window_and_is_resolved(client, reviewed):
    assert open_names(reviewed) == ["coordinate"]
    assert opinion_states(reviewed)["HEA"] == "rejected"
    complete_named(client, reviewed, "coordinate", "clerk", coordination_outcome="resolved_agree",
                   coordination_notes="联合踏勘后申请人整改排水设施，卫健局改为同意")
    assert open_names(reviewed) == ["unified_decision"]
    assert audits(reviewed, "joint.coordinated")[0].detail["outcome"] == "resolved_agree"
    complete_named(client, reviewed, "unified_decision", "chief", decision="approve")
    complete_named(client, reviewed, "deliver", "clerk", delivery_method="window")
    assert instance_state(reviewed) == "completed"


def test_unresolved_coordination_goes_to_the_center(client, reviewed):
    complete_named(client, reviewed, "coordinate", "clerk", coordination_outcome="escalate",
                   coordination_notes="卫健局坚持不同意")
    assert open_names(reviewed) == ["center_decision"]
    complete_named(client, reviewed, "center_decision", "clerk", expect=403,
                   coordination_outcome="resolved_reject", coordination_notes="x")
    complete_named(client, reviewed, "center_decision", "admin",
                   coordination_outcome="resolved_reject", coordination_notes="不符合卫生条件")
    complete_named(client, reviewed, "unified_decision", "chief", decision="deny",
                   decision_reasons="卫生条件不符合要求", legal_basis="《公共场所卫生管理条例》第七条")
    complete_named(client, reviewed, "deliver", "clerk", delivery_method="window")
    case = case_of(reviewed)
    assert case.decision == "deny"
    reply = notices_module.build(case, "concluded", {})["body"]  # 统一答复
    assert "联审联办各部门意见：" in reply
    assert any("不同意（排水设施不符合卫生要求）" in line for line in reply)
    assert sum("：同意" in line for line in reply) == 2


def test_the_centers_coordinator_decides_the_dispute_when_the_center_has_one(client, reviewed):
    make_staff(client, "xietiao", [("center_coordinator", None)], qualification=None)
    complete_named(client, reviewed, "coordinate", "clerk", coordination_outcome="escalate",
                   coordination_notes="卫健局坚持不同意")
    assert open_task(reviewed, "center_decision").candidate_role == "center_coordinator"
    complete_named(client, reviewed, "center_decision", "xietiao",
                   coordination_outcome="resolved_reject", coordination_notes="不符合卫生条件")
    assert open_names(reviewed) == ["unified_decision"]


def extension(client, case_id, days=5, username="clerk", expect=202):
    response = client.post(f"/api/joint-cases/{case_id}/extension",
                           json={"days": days, "reason": "需要组织联合踏勘"},
                           headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response


def decide_extension(client, event_id, approve, username="county", expect=200, note=""):
    response = client.post(f"/api/extensions/{event_id}/decision",
                           json={"approve": approve, "note": note}, headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response


def test_an_approved_extension_moves_the_deadline_and_tells_the_applicant(client):
    case_id = start_joint(client)
    accept(client, case_id)
    before = case_of(case_id).deadline_at
    event_id = extension(client, case_id).json["id"]
    decide_extension(client, event_id, True)  # the county government's approver (art. 42)
    assert case_of(case_id).deadline_at == calendar.shift_working_days(before, 5)
    told = notices(case_id, "extended")
    assert len(told) == 1 and "延长 5 个工作日" in told[0].body
    assert opinion_states(case_id)["HEA"] == "pending"  # the branches go on


def test_a_refused_extension_leaves_the_deadline(client):
    case_id = start_joint(client)
    accept(client, case_id)
    before = case_of(case_id).deadline_at
    event_id = extension(client, case_id).json["id"]
    decide_extension(client, event_id, False, note="时限充足")
    assert case_of(case_id).deadline_at == before
    assert notices(case_id, "extended") == [] and notices(case_id, "extension_refused")


def test_extension_requests_are_checked(client):
    case_id = start_joint(client)
    accept(client, case_id)
    assert extension(client, case_id, days=16, expect=400).json["errors"][0]["field"] == "days"
    extension(client, case_id, username="hea_chief", expect=403)  # not the lead window
    assert client.get(f"/api/cases/{case_id}/clock",
                      headers=headers_for("clerk")).json["events"] == []


def urge(client, case_id, code, username="clerk", expect=200):
    response = client.post(f"/api/joint-cases/{case_id}/urge",
                           json={"department_id": department_id(code)},
                           headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response


def test_the_lead_window_urges_a_pending_department(client):
    case_id = start_joint(client)
    accept(client, case_id)
    answer(client, case_id, "MSA")
    assert urge(client, case_id, "HEA").json["reminders"] == 1
    assert any("催办" in n.subject for n in notices(case_id, "reminder"))
    urge(client, case_id, "MSA", expect=409)  # already answered
    urge(client, case_id, "HCD", username="hea_chief", expect=403)


def test_a_department_absent_from_a_meeting_without_reason_is_recorded(client):
    case_id = start_joint(client)
    accept(client, case_id)
    response = client.post(f"/api/joint-cases/{case_id}/meetings",
                           json={"kind": "inspection", "held_at": "2026-03-04T09:00",
                                 "place": "申请人经营场所"}, headers=headers_for("clerk"))
    assert response.status_code == 201, response.json
    meeting_id = response.json["id"]
    assert len(notices(case_id, "meeting")) >= 3  # every department's staff is told
    for code, attended, reason in (("HEA", False, ""), ("HCD", False, "同日省厅检查")):
        client.post(f"/api/joint-meetings/{meeting_id}/attendance",
                    json={"department_id": department_id(code), "attended": attended,
                          "reason": reason}, headers=headers_for("clerk"))
    refused = audits(case_id, "joint.absent_without_reason")
    assert [a.detail["department_id"] for a in refused] == [department_id("HEA")]


def test_the_board_shows_each_department_to_the_lead_window_only(client):
    case_id = start_joint(client)
    accept(client, case_id)
    answer(client, case_id, "HCD", "conditional", opinion_conditions="竣工后复核燃气管道")
    rows = client.get("/api/joint-cases", headers=headers_for("clerk")).json["items"]
    row = next(r for r in rows if r["processInstanceId"] == case_id)
    cells = {c["department"]: c for c in row["departments"]}
    assert cells["HCD"]["state"] == "conditional"
    assert cells["HCD"]["conditions"] == "竣工后复核燃气管道"
    assert cells["HEA"]["state"] == "pending" and cells["HEA"]["workingDaysLeft"] == 7
    assert cells["MSA"]["lead"] is True
    other = client.get("/api/joint-cases", headers=headers_for("hea_chief")).json["items"]
    assert all(r["processInstanceId"] != case_id for r in other)
    page = client.get("/joint", headers=headers_for("clerk"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "附条件同意" in text and "竣工后复核燃气管道" in text and "催办" in text


def test_an_extension_in_one_case_does_not_hold_up_the_next(client):
    """Triggering the extension subprocess rewires the engine's spec; a shared spec made every
    later instance wait for it and never complete."""
    first = start_joint(client)
    accept(client, first)
    extension(client, first)
    second = start_joint(client)
    accept(client, second)
    for code in ("MSA", "HEA", "HCD"):
        answer(client, second, code)
    complete_named(client, second, "unified_decision", "chief", decision="approve")
    complete_named(client, second, "deliver", "clerk", delivery_method="window")
    assert instance_state(second) == "completed"
