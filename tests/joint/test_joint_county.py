"""What the center cannot coordinate goes to the county government (seed 002 art. 5(4)),
with a deadline, and its decision binds the unified reply (the workflow reloaded after every
step by the steps' helpers)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, HumanTask, db
from app.services import calendar
from tests.cases.service_item_steps import case_of, instance_state, open_names
from tests.conftest import headers_for, user
from tests.joint.joint_steps import complete_named, rejected_by_hea

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def at_the_county(client):
    """A joint case HEA rejected, the lead window and the center could not resolve."""
    case_id = rejected_by_hea(client)
    complete_named(client, case_id, "coordinate", "clerk", coordination_outcome="escalate",
                   coordination_notes="卫健局坚持不同意")
    complete_named(client, case_id, "center_decision", "admin",
                   coordination_outcome="escalate_county",
                   coordination_notes="住建、卫健意见分歧，涉及规划调整，中心难以协调")
    return case_id


def _county_task(case_id: int) -> HumanTask:
    return db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == case_id, HumanTask.name == "county_decision",
        HumanTask.state == "open"))


def test_the_center_refers_the_dispute_to_the_county_with_a_deadline(client, at_the_county):
    assert open_names(at_the_county) == ["county_decision"]
    task = _county_task(at_the_county)
    assert task.candidate_role == "county_approver" and task.candidate_department_id is None
    due = calendar.add_working_days(MONDAY, 5)  # COUNTY_DECISION_DAYS
    assert calendar.to_local(task.due_at).date() == calendar.to_local(due).date()
    assert "中心难以协调" in task.instructions
    referred = [e.detail for e in db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == at_the_county, AuditEvent.action == "joint.coordinated"))]
    assert [d["outcome"] for d in referred] == ["escalate_county"]  # the center's referral
    inbox = client.get("/api/tasks", headers=headers_for("county")).json["items"]
    assert task.id in {t["id"] for t in inbox}  # the county approver's inbox
    complete_named(client, at_the_county, "county_decision", "admin", expect=403,
                   coordination_outcome="resolved_agree", coordination_notes="x")
    page = client.get(f"/tasks/{task.id}", headers=headers_for("county"))
    assert page.status_code == 200 and "排水设施不符合卫生要求" in page.text  # the opinions


def test_the_county_decision_binds_the_unified_reply(client, at_the_county):
    complete_named(client, at_the_county, "county_decision", "county",
                   coordination_outcome="resolved_agree",
                   coordination_notes="县政府常务会议研究同意，排水设施限期整改")
    assert open_names(at_the_county) == ["unified_decision"]
    refused = complete_named(client, at_the_county, "unified_decision", "chief", expect=400,
                             decision="deny", decision_reasons="卫生条件不符合要求",
                             legal_basis="《公共场所卫生管理条例》第七条")
    assert refused.json["code"] == "county_decision_binding"
    assert refused.json["errors"][0]["field"] == "decision"
    complete_named(client, at_the_county, "unified_decision", "chief", decision="approve")
    complete_named(client, at_the_county, "deliver", "clerk", delivery_method="window")
    assert instance_state(at_the_county) == "completed" and case_of(at_the_county).decision \
        == "approve"


def test_a_form_cannot_set_the_binding_outcome(client, at_the_county):
    task = _county_task(at_the_county)
    forged = client.post(f"/api/tasks/{task.id}/complete", headers=headers_for("county"),
                         json={"variables": {"coordination_outcome": "resolved_reject",
                                             "coordination_notes": "不同意",
                                             "binding_outcome": "resolved_agree"}})
    assert forged.status_code == 400 and forged.json["code"] == "form_field_undeclared"
    assert user("county").has_role("county_approver")
